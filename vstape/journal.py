"""Durable cassette writing: every interaction is on disk before its exchange completes.

YAML cassettes are written in an *appendable* layout (``version: 1`` first, then the
``interactions:`` items), so an append is one ``write()`` of one whole item plus an
``fsync``: O(item), not O(cassette). A single ``write()`` to a regular file is not cut
short by ``kill -9``, so the file always ends on a complete item and always loads (with
vcrpy too). JSON cassettes are rewritten atomically (temp file, fsync, rename).

Every append holds an exclusive ``flock`` on ``<path>.lock``, so threads, pytest-xdist
workers and several proxies can share a cassette without losing or interleaving items.
"""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

from vstape.cassettes import Interaction, assemble, dump_item, format_of, load, write_atomic

APPENDABLE_HEAD = b"version: 1\ninteractions:\n"


class CassetteWriter:
    """Appends interactions to one cassette file, durably and safely across processes."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.fmt = format_of(self.path)
        self._lock = threading.Lock()
        self.count = 0

    def _make_appendable(self) -> None:
        """Start the file, or rewrite a cassette from elsewhere into the appendable layout."""
        if self.path.exists():
            with open(self.path, "rb") as handle:
                if handle.read(len(APPENDABLE_HEAD)) == APPENDABLE_HEAD:
                    return
            items = [dump_item(i) for i in load(self.path).interactions]
        else:
            items = []
        write_atomic(self.path, APPENDABLE_HEAD + b"".join(items))

    def _append_yaml(self, item: bytes) -> None:
        self._make_appendable()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        try:
            os.write(fd, item)  # one write: never half an item
            os.fsync(fd)
        finally:
            os.close(fd)

    def _append_json(self, item: bytes) -> None:
        items = (
            [dump_item(i, "json") for i in load(self.path).interactions]
            if self.path.exists()
            else []
        )
        write_atomic(self.path, assemble([*items, item], "json"))

    def append(self, interaction: Interaction) -> None:
        """Add one interaction; returns once it is durably in the cassette file."""
        item = dump_item(interaction, self.fmt)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, open(f"{self.path}.lock", "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                if self.fmt == "json":
                    self._append_json(item)
                else:
                    self._append_yaml(item)
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
