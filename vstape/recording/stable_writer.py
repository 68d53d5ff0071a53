"""A cassette writer that writes stable cassettes: placeholders for ids, shifted times.

What the recording proxy writes with, unless told to keep the real values: each batch of
interactions handed to :meth:`StableWriter.append_many` is stabilized by its scope
(:class:`vstape.recording.stable_scope.ScopeNormalizer`: one for a ``--cassette`` file, one
shared by every file of a ``--cassette-dir``) and written while the scope is locked, so
the numbers it gives are on disk before another writer of the scope decides any. Only
the cassette holds placeholders: the exchanges they come from are not touched, so the
live client keeps the real ids it needs for its next request.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from vstape.cassettes.model import Interaction
from vstape.cassettes.writer import CassetteWriter
from vstape.recording.stable_scope import ScopeNormalizer

__all__ = ["StableWriter"]


class StableWriter(CassetteWriter):
    """:class:`CassetteWriter` whose interactions go through ``scope`` first."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        scope: ScopeNormalizer,
        *,
        keep_lock: bool = False,
        sync: bool = True,
    ) -> None:
        super().__init__(path, keep_lock=keep_lock, sync=sync)
        self.scope = scope

    def append_many(self, interactions: Sequence[Interaction]) -> None:
        """Stabilize the interactions, then add them durably (see :class:`CassetteWriter`)."""
        if not interactions:
            return
        with self.scope.writing(self.path, interactions) as stable:
            super().append_many(stable)
