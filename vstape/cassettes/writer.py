"""Durable cassette writing: every interaction is on disk before its exchange completes.

YAML cassettes are written in an *appendable* layout (``version: 1`` first, then the
``interactions:`` items), so an append is one ``write()`` of one whole item plus an
``fdatasync`` (the data and the file size, which is what reading it back needs; ``fsync``
where the OS has no ``fdatasync``): O(item), not O(cassette). A single ``write()`` to a regular file is not cut
short by ``kill -9``, so the file always ends on a complete item and always loads (with
vcrpy too). JSON cassettes are rewritten atomically (temp file, fsync, rename).

Every append holds the cassette's exclusive lock (:func:`vstape.cassettes.locks.cassette_lock`: a
lock file in a private per-user folder, never beside the cassette), so threads,
pytest-xdist workers and several proxies can share a cassette without losing or
interleaving items. A long-lived writer (``keep_lock=True``, the recorder's) keeps its lock
file open between appends (:class:`~vstape.cassettes.locks.CassetteLock`) until it closes.

:class:`Committer` is group commit for a server: one thread for every cassette of a
recorder; what is queued while it syncs is written with the next batch - every cassette
of the batch written first, then each synced, so the file system commits them together -
and each caller is told once its interaction is durable.

A failed append (disk full, read-only filesystem, a folder where the file should be)
raises :class:`CassetteWriteError`, which names the file, the OS error and the fix, and
leaves the cassette exactly as it was; the next append tries again, so recording resumes
by itself once the cause is gone.
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from vstape.cassettes.io import assemble, dump_item, format_of, load, write_atomic
from vstape.cassettes.locks import CassetteLock, cassette_lock
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


def _sync(fd: int) -> None:
    """Make what was written to ``fd`` durable: ``fdatasync`` (looked up per call), else ``fsync``."""
    getattr(os, "fdatasync", os.fsync)(fd)


class Staged:
    """Items written into a cassette under its lock, not yet synced: :meth:`finish` makes them durable."""

    def __init__(self, writer: CassetteWriter, count: int, stack: contextlib.ExitStack) -> None:
        self.writer = writer
        self.count = count
        self.fd: int | None = None  # an appendable YAML file's: synced by finish
        self.start = 0  # its size before the write (the truncation point on failure)
        self._stack = stack

    def finish(self) -> None:
        """Sync, then release the lock; a failed sync takes the items back (CassetteWriteError)."""
        path = self.writer.path
        try:
            if self.fd is not None and self.writer.sync:
                try:
                    _sync(self.fd)  # a failed sync (EIO, ENOSPC on NFS) is a failed append too
                except OSError:
                    os.ftruncate(self.fd, self.start)  # never keep what may not be durable
                    raise
            self.writer.count += self.count
        except OSError as err:
            raise _write_error(path, err) from err
        finally:
            if self.fd is not None:
                os.close(self.fd)
                self.fd = None
            self._stack.close()


class CassetteWriter:
    """Appends interactions to one cassette file, durably and safely across processes."""

    def __init__(
        self, path: str | os.PathLike[str], *, keep_lock: bool = False, sync: bool = True
    ) -> None:
        self.path = Path(path)
        self.sync = sync  # False: an append is done once written to the OS (not synced)
        self.fmt = format_of(self.path)
        self._lock = threading.Lock()
        self._held = CassetteLock(self.path) if keep_lock else None
        self.count = 0
        # The order a batch takes its cassettes' locks in, the same in every process: two
        # recorders sharing cassettes never wait for each other's lock crosswise.
        self.lock_order = os.path.realpath(self.path)

    def _cassette_lock(self) -> contextlib.AbstractContextManager[None]:
        return self._held.held() if self._held is not None else cassette_lock(self.path)

    def _append_yaml(self, items: list[bytes], staged: Staged) -> None:
        data = b"".join(items)
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CLOEXEC)
        except FileNotFoundError:
            fd = None
        if fd is not None and os.pread(fd, len(APPENDABLE_HEAD), 0) != APPENDABLE_HEAD:
            os.close(fd)
            fd = None
        if fd is None:
            # New file, or a cassette from elsewhere: (re)written atomically *with* the new
            # items, so the file never exists with an empty `interactions:` (null) list.
            old = [dump_item(i) for i in load(self.path).interactions] if self.path.exists() else []
            write_atomic(self.path, APPENDABLE_HEAD + b"".join(old) + data)
            return
        staged.fd = fd
        staged.start = os.fstat(fd).st_size  # stable: we hold the lock
        try:
            written = os.write(fd, data)  # one write: never half an item
            while written < len(data):  # short write (full disk): finish or fail below
                written += os.write(fd, data[written:])
        except OSError:
            os.ftruncate(fd, staged.start)  # never leave half an item behind
            raise

    def _append_json(self, new: list[bytes]) -> None:
        items = (
            [dump_item(i, "json") for i in load(self.path).interactions]
            if self.path.exists()
            else []
        )
        write_atomic(self.path, assemble([*items, *new], "json"))

    def stage(self, interactions: Sequence[Interaction]) -> Staged:
        """Write ``interactions`` under the cassette's lock; the caller must ``finish()`` the result.

        Several cassettes staged before any is finished are committed together by the file
        system (one journal commit). A failed write raises :class:`CassetteWriteError`
        and leaves the cassette as it was.
        """
        items = [dump_item(i, self.fmt) for i in interactions]
        stack = contextlib.ExitStack()
        try:
            if not os.path.isdir(self.path.parent):
                self.path.parent.mkdir(parents=True, exist_ok=True)
            stack.enter_context(self._lock)
            stack.enter_context(self._cassette_lock())
        except BaseException as err:
            stack.close()
            if isinstance(err, OSError):
                raise _write_error(self.path, err) from err
            raise
        return self._staged_under(stack, items)

    def _staged_under(self, stack: contextlib.ExitStack, items: list[bytes]) -> Staged:
        """Write ``items`` while ``stack`` holds the locks (released by the result's ``finish``)."""
        staged = Staged(self, len(items), stack)
        try:
            if self.fmt == "json":
                self._append_json(items)
            else:
                self._append_yaml(items, staged)
        except BaseException as err:
            if staged.fd is not None:
                os.close(staged.fd)
                staged.fd = None
            stack.close()
            if isinstance(err, OSError):
                raise _write_error(self.path, err) from err
            raise
        return staged

    def append(self, interaction: Interaction) -> None:
        """Add one interaction; returns once it is durably in the cassette file."""
        self.append_many([interaction])

    def append_many(self, interactions: Sequence[Interaction]) -> None:
        """Add interactions in order with one write and one sync; returns once durable."""
        if interactions:
            self.stage(interactions).finish()

    def close(self) -> None:
        """Release the cassette: remove the kept lock file, if any (the file is complete)."""
        if self._held is not None:
            with self._lock:
                self._held.close()


def _customized(writer: CassetteWriter) -> bool:
    """Whether a subclass changes what ``append_many`` writes: then it is always called."""
    return type(writer).append_many is not CassetteWriter.append_many


Done = Callable[[BaseException | None], None]


class Committer:
    """Group commit for a server, for any number of cassettes: one background thread.

    Interactions queued while a batch is being written share the next batch: each of its
    cassettes is written (one ``write`` each), then each is synced, then every caller's
    ``done(error)`` is called - so a caller can hold its response back until its
    interaction is durable without blocking an event loop.
    """

    def __init__(self, name: str = "vstape-writer") -> None:
        self._cond = threading.Condition()
        self._pending: list[tuple[CassetteWriter, Interaction, Done]] = []
        self._closed = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, writer: CassetteWriter, interaction: Interaction, done: Done) -> None:
        """Queue one interaction; ``done(None)`` once it is durable, ``done(err)`` if not."""
        with self._cond:
            if self._closed:
                raise RuntimeError(f"{writer.path}: writer is closed")
            self._pending.append((writer, interaction, done))
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._closed:
                    self._cond.wait()
                batch, self._pending = self._pending, []
                if not batch and self._closed:
                    return
            self._commit(batch)

    @staticmethod
    def _commit(batch: list[tuple[CassetteWriter, Interaction, Done]]) -> None:
        by_writer: dict[CassetteWriter, list[tuple[Interaction, Done]]] = {}
        for writer, interaction, done in batch:
            by_writer.setdefault(writer, []).append((interaction, done))
        errors: dict[CassetteWriter, BaseException | None] = {}
        staged: list[Staged] = []
        ordered = sorted(by_writer.items(), key=lambda pair: pair[0].lock_order)
        for writer, entries in ordered:  # write every cassette first (locks in one order)...
            try:
                interactions = [interaction for interaction, _ in entries]
                if _customized(writer):
                    writer.append_many(interactions)  # its own append_many, written and synced
                else:
                    staged.append(writer.stage(interactions))
                errors[writer] = None
            except Exception as err:  # reported to every caller of this cassette
                errors[writer] = err
        for item in staged:  # ...then sync each: the file system commits them together
            try:
                item.finish()
            except Exception as err:
                errors[item.writer] = err
        for writer, entries in by_writer.items():
            for _, done in entries:
                done(errors[writer])

    def close(self, timeout: float = 30.0) -> None:
        """Write what is queued, then stop the thread."""
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._thread.join(timeout)


class GroupCommitter:
    """One cassette's handle on a :class:`Committer` (its own, unless one is shared)."""

    def __init__(self, writer: CassetteWriter, committer: Committer | None = None) -> None:
        self.writer = writer
        self._owned = committer is None
        self.committer = committer or Committer(f"vstape-writer {writer.path.name}")

    def submit(self, interaction: Interaction, done: Done) -> None:
        """Queue one interaction; ``done(None)`` once it is durable, ``done(err)`` if not."""
        self.committer.submit(self.writer, interaction, done)

    def close(self, timeout: float = 30.0) -> None:
        """Write what is queued (the committer too, when it is this cassette's own), release the cassette."""
        if self._owned:
            self.committer.close(timeout)
        self.writer.close()
