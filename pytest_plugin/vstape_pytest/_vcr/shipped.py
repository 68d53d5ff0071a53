"""A shipped cassette replayed by route: joined into the cassette in use, else on a VCR of its own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import vcr

from vstape_pytest._vcr.cassette import IndexedCassette
from vstape_pytest._vcr.configure import configure
from vstape_pytest.settings import CURRENT, Settings


@contextmanager
def replay(path: Path) -> Iterator[None]:
    """Answer the test's requests from ``path`` (any ids, any body) until the block ends.

    While a cassette is in use (``@pytest.mark.vcr``, or another shipped one) the shipped
    cassette joins it instead of hiding it behind a second interception; fixtures asked
    for later override earlier ones.
    """
    if IndexedCassette.in_use:
        IndexedCassette.in_use[-1].join(path)
        yield
        return
    instance = vcr.VCR(record_mode="none")
    hosts = CURRENT.get().hosts  # the test's own vstape_hosts count here too
    token = CURRENT.set(Settings(match="route", unused="off", hosts=hosts))
    try:
        configure(instance, CURRENT.get())
        with instance.use_cassette(str(path)) as cassette:
            cassette.shipped_first = True  # fixtures asked for later override this one
            try:
                yield
            finally:  # vcrpy skips _save when the body raised: leave in_use clean anyway
                if cassette in IndexedCassette.in_use:
                    IndexedCassette.in_use.remove(cassette)
    finally:
        CURRENT.reset(token)
