"""vstape's cassettes around one test: a clean slate before it, the unused report after it."""

from __future__ import annotations

from collections.abc import Iterator

from vstape_pytest._vcr.cassette import IndexedCassette
from vstape_pytest.settings import CURRENT, Settings


def begin(settings: Settings, uses_vcr: bool) -> None:
    """Before a test's fixtures: no cassette left in use by a failed test catches this one.

    A test that uses a cassette also makes ``settings`` the ones its cassettes read.
    """
    IndexedCassette.in_use.clear()
    if uses_vcr:
        CURRENT.set(settings)
        IndexedCassette.active.clear()


def unused_reports() -> Iterator[str]:
    """After the test body: each cassette's interactions of vstape's it never played."""
    for cassette in IndexedCassette.active:
        message = cassette.unused_report()
        if message is not None:
            yield message
