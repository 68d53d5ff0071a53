"""Durable cassette writing: every interaction is on disk before its exchange completes.

YAML cassettes are written in an *appendable* layout (``version: 1`` first, then the
``interactions:`` items), so an append is one ``write()`` of one whole item plus an
``fsync``: O(item), not O(cassette). A single ``write()`` to a regular file is not cut
short by ``kill -9``, so the file always ends on a complete item and always loads (with
vcrpy too). JSON cassettes are rewritten atomically (temp file, fsync, rename).

Every append holds the cassette's exclusive lock (:func:`vstape.cassettes.locks.cassette_lock`: a
lock file in a private per-user folder, never beside the cassette), so threads,
pytest-xdist workers and several proxies can share a cassette without losing or
interleaving items.

A failed append (disk full, read-only filesystem, a folder where the file should be)
raises :class:`CassetteWriteError`, which names the file, the OS error and the fix, and
leaves the cassette exactly as it was; the next append tries again, so recording resumes
by itself once the cause is gone.
"""

from __future__ import annotations

import errno
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from vstape.cassettes.io import assemble, dump_item, format_of, load, write_atomic
from vstape.cassettes.locks import cassette_lock
from vstape.cassettes.model import Interaction

APPENDABLE_HEAD = b"version: 1\ninteractions:\n"

_ELSEWHERE = "or record elsewhere (--cassette FILE / --cassette-dir DIR)"


class CassetteWriteError(OSError):
    """An append failed; the cassette is unchanged. The message says which file, why, and the fix."""


def _write_error(path: Path, err: OSError) -> CassetteWriteError:
    folder = path.parent
    hints = {
        errno.ENOSPC: f"free space on the disk holding {folder} {_ELSEWHERE}",
        errno.EDQUOT: f"raise the disk quota for {folder} {_ELSEWHERE}",
        errno.EROFS: f"{folder} is on a read-only filesystem: remount it read-write {_ELSEWHERE}",
        errno.EACCES: f"make {folder} writable for this user {_ELSEWHERE}",
        errno.EPERM: f"make {folder} writable for this user {_ELSEWHERE}",
        errno.EISDIR: f"{path} is a folder: move it away {_ELSEWHERE}",
        errno.ENOTDIR: f"a parent of {path} is a regular file, not a folder: move it away {_ELSEWHERE}",
        errno.EEXIST: f"a parent of {path} is a regular file, not a folder: move it away {_ELSEWHERE}",
    }
    hint = hints.get(err.errno or 0, f"fix the cause {_ELSEWHERE}")
    culprit = f" ({err.filename})" if err.filename and str(err.filename) != str(path) else ""
    return CassetteWriteError(
        err.errno,
        f"{err.strerror or err}{culprit}: {path} is unchanged and keeps every interaction "
        f"recorded before; {hint}. Recording resumes by itself once writes succeed",
    )


class CassetteWriter:
    """Appends interactions to one cassette file, durably and safely across processes."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.fmt = format_of(self.path)
        self._lock = threading.Lock()
        self.count = 0

    def _is_appendable(self) -> bool:
        try:
            with open(self.path, "rb") as handle:
                return handle.read(len(APPENDABLE_HEAD)) == APPENDABLE_HEAD
        except FileNotFoundError:
            return False

    def _append_yaml(self, items: list[bytes]) -> None:
        data = b"".join(items)
        if not self._is_appendable():
            # New file, or a cassette from elsewhere: (re)written atomically *with* the new
            # items, so the file never exists with an empty `interactions:` (null) list.
            old = [dump_item(i) for i in load(self.path).interactions] if self.path.exists() else []
            write_atomic(self.path, APPENDABLE_HEAD + b"".join(old) + data)
            return
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        try:
            start = os.fstat(fd).st_size  # stable: we hold the lock
            try:
                written = os.write(fd, data)  # one write: never half an item
                while written < len(data):  # short write (full disk): finish or fail below
                    written += os.write(fd, data[written:])
                os.fsync(fd)  # a failed fsync (EIO, ENOSPC on NFS) is a failed append too
            except OSError:
                os.ftruncate(fd, start)  # never leave half an item behind
                raise
        finally:
            os.close(fd)

    def _append_json(self, new: list[bytes]) -> None:
        items = (
            [dump_item(i, "json") for i in load(self.path).interactions]
            if self.path.exists()
            else []
        )
        write_atomic(self.path, assemble([*items, *new], "json"))

    def append(self, interaction: Interaction) -> None:
        """Add one interaction; returns once it is durably in the cassette file."""
        self.append_many([interaction])

    def append_many(self, interactions: Sequence[Interaction]) -> None:
        """Add interactions in order with one write and one fsync; returns once durable."""
        if not interactions:
            return
        items = [dump_item(i, self.fmt) for i in interactions]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._lock, cassette_lock(self.path):
                if self.fmt == "json":
                    self._append_json(items)
                else:
                    self._append_yaml(items)
                self.count += len(items)
        except OSError as err:
            raise _write_error(self.path, err) from err

    def close(self) -> None:
        """Nothing to release: each append takes and drops the lock, and the file is complete."""


Done = Callable[[BaseException | None], None]


class GroupCommitter:
    """Group commit for a server: interactions queued while a write is in flight share the next.

    One background thread per cassette drains the queue with one ``append_many`` (one
    write, one fsync) and then calls each caller's ``done(error)``, so a caller can hold
    its response back until its interaction is durable without blocking an event loop.
    """

    def __init__(self, writer: CassetteWriter) -> None:
        self.writer = writer
        self._cond = threading.Condition()
        self._pending: list[tuple[Interaction, Done]] = []
        self._closed = False
        self._thread = threading.Thread(
            target=self._run, name=f"vstape-writer {writer.path.name}", daemon=True
        )
        self._thread.start()

    def submit(self, interaction: Interaction, done: Done) -> None:
        """Queue one interaction; ``done(None)`` once it is durable, ``done(err)`` if not."""
        with self._cond:
            if self._closed:
                raise RuntimeError(f"{self.writer.path}: writer is closed")
            self._pending.append((interaction, done))
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._closed:
                    self._cond.wait()
                batch, self._pending = self._pending, []
                if not batch and self._closed:
                    return
            error: BaseException | None = None
            try:
                self.writer.append_many([interaction for interaction, _ in batch])
            except Exception as err:  # reported to every caller of the batch
                error = err
            for _, done in batch:
                done(error)

    def close(self, timeout: float = 30.0) -> None:
        """Write what is queued, stop the thread, release the cassette."""
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._thread.join(timeout)
        self.writer.close()
