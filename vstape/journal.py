"""Durable cassette writing: every interaction is on disk before its exchange completes.

``CassetteWriter(path).append(interaction)`` rewrites the cassette atomically (temp file,
fsync, rename, fsync of the folder) under an exclusive ``flock`` on ``<path>.lock``.
Each item is serialized once and kept, so an append costs one file write, not a
re-serialization. ``kill -9`` at any moment leaves the previous or the new cassette,
both complete and loadable. Writers in other processes (pytest-xdist workers, a second
proxy) are noticed through the file's size and mtime and merged, never overwritten.
"""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

from vstape.cassettes import Interaction, assemble, dump_item, format_of, load, write_atomic


class CassetteWriter:
    """Appends interactions to one cassette file, durably and safely across processes."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.fmt = format_of(self.path)
        self._items: list[bytes] = []
        self._seen: tuple[int, int] | None = None
        self._lock = threading.Lock()
        self.count = 0

    def _stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return (stat.st_size, stat.st_mtime_ns)

    def _reload(self) -> None:
        if not self.path.exists():
            self._items = []
            return
        existing = load(self.path)
        self._items = [dump_item(i, self.fmt) for i in existing.interactions]

    def append(self, interaction: Interaction) -> None:
        """Add one interaction; returns once it is durably in the cassette file."""
        item = dump_item(interaction, self.fmt)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, open(f"{self.path}.lock", "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                if self._stamp() != self._seen:
                    self._reload()
                self._items.append(item)
                write_atomic(self.path, assemble(self._items, self.fmt))
                self._seen = self._stamp()
                self.count += 1
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def close(self) -> None:
        """Remove the lock file if nobody else holds it (the cassette is already complete)."""
        lock_path = Path(f"{self.path}.lock")
        try:
            with open(lock_path, "a+b") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                lock_path.unlink(missing_ok=True)
        except (BlockingIOError, FileNotFoundError):
            pass
