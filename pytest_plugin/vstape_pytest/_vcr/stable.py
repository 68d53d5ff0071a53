"""Stable placeholders in the cassettes a test records: the recorder's, for one whole save.

vcrpy saves a test's cassette whole, once the test is done: what it loaded (which holds
placeholders already, or real values if it was recorded with them kept) and what the test
recorded now (real ids, wall-clock times: the live client needed them). The new
interactions go through the same :class:`vstape.recording.stable_scope.ScopeNormalizer`
as the recording proxy's, with the cassette file as the scope:

- appending (every interaction loaded from the file is saved again, first, in order:
  ``new_episodes``, or ``once`` with a new cassette): numbering continues what the file
  holds, and a real id the placeholder journal knows gets its old placeholder;
- rewriting (``--record-mode=rewrite`` re-recorded some or all of it, extra cassettes'
  interactions saved with it): only what is saved again counts, so a re-recording that
  keeps nothing numbers from 1 again, exactly as the first recording did.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from vstape.cassettes.model import Interaction
from vstape.recording.stable import without_timings
from vstape.recording.stable_scope import ScopeNormalizer

Origin = tuple[str, int] | None
"""Where a vstape interaction was loaded from (file, position); None: recorded now."""


def save_stable(
    path: Path,
    items: list[Any],
    origins: Sequence[Origin],
    loaded: int,
    write: Callable[[list[Any]], None],
) -> None:
    """Stabilize the new interactions among ``items`` (vstape's and stock ones), then ``write``.

    ``loaded``: how many interactions were loaded from ``path`` itself. ``write`` is
    called once, with the journal locked, so the numbers given are on disk before
    another writer of the cassette decides any.
    """
    mine = [n for n, item in enumerate(items) if isinstance(item, Interaction)]
    new = [n for n in mine if origins[n] is None]
    kept = [n for n in mine if origins[n] is not None]
    for n in kept:  # converted again on load: its recorded_at would say "now"
        items[n] = without_timings(items[n])
    if not new:
        write(items)
        return
    appending = [origins[n] for n in kept] == [(str(path), n) for n in range(loaded)] and (
        not kept or max(kept) < min(new)
    )
    scope = ScopeNormalizer(path)
    recorded = [items[n] for n in new]
    try:
        block = (
            scope.writing(path, recorded)
            if appending
            else scope.rewriting(path, [items[n] for n in kept], recorded)
        )
        with block as stable:
            for n, item in zip(new, stable, strict=True):
                items[n] = item
            write(items)
    finally:
        scope.close()
