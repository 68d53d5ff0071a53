"""Cross-process cassette locks and temporary names that leave no file beside the cassette.

:func:`cassette_lock` serializes writers of one cassette (threads, pytest-xdist workers,
several proxies) with an exclusive ``flock`` on a lock file that lives in a private
per-user folder - ``$XDG_RUNTIME_DIR/vstape-locks``, else ``<tmp>/vstape-locks-<uid>`` -
named by a hash of the cassette's real absolute path. The holder removes it on release
(a waiter that then finds its file gone or replaced tries again), so no lock file outlives
its writer anywhere. When no such private folder can be made (or it is not safely ours),
the lock is taken on the cassette folder itself: no file at all, one writer per folder.

:class:`CassetteLock` is the same lock for a long-lived writer: its lock file stays open
between holds (two system calls per hold instead of six, no file created and removed per
append) and is removed when the writer closes. Both follow one rule - only a holder
removes the lock file, and a holder checks that the file it locked is still the one at
the path - so they exclude each other too.

:func:`hashed_name` gives a temporary or staging name that fits the file-system name
limit whatever the name it stands for.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["CassetteLock", "cassette_lock", "hashed_name", "is_private", "lock_folder"]


def hashed_name(name: str, *, prefix: str = ".vstape-", length: int = 16) -> str:
    """``prefix`` + the first ``length`` hex digits of the SHA-256 of ``name``."""
    digest = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()
    return f"{prefix}{digest[:length]}"


def is_private(folder: Path) -> bool:
    """Whether ``folder`` is a real folder of ours that nobody else can write to."""
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    return (
        stat.S_ISDIR(info.st_mode)
        and info.st_uid == os.getuid()
        and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )


def lock_folder() -> Path | None:
    """The private folder that holds lock files, created on first use; None when unusable."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    candidates = [Path(runtime) / "vstape-locks"] if runtime and is_private(Path(runtime)) else []
    candidates.append(Path(tempfile.gettempdir()) / f"vstape-locks-{os.getuid()}")
    for folder in candidates:
        with contextlib.suppress(OSError):
            folder.mkdir(mode=0o700, exist_ok=True)
        if is_private(folder):
            return folder
    return None


def _lock_file(path: Path) -> Path | None:
    folder = lock_folder()
    if folder is None:
        return None
    return folder / (hashed_name(os.path.realpath(path), prefix="", length=32) + ".lock")


def _same_file(fd: int, path: Path) -> bool:
    try:
        now = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino)


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the flock


@contextlib.contextmanager
def cassette_lock(path: str | os.PathLike[str]) -> Iterator[None]:
    """Hold the exclusive lock of the cassette at ``path`` (its folder must exist)."""
    target = Path(path)
    lock_path = _lock_file(target)
    if lock_path is None:
        with _folder_lock(target.parent):
            yield
        return
    while True:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if _same_file(fd, lock_path):
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # the holder before us removed (or replaced) it: lock the current one
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(lock_path)
        os.close(fd)


class CassetteLock:
    """:func:`cassette_lock` for a long-lived writer: the lock file stays open until :meth:`close`.

    One holder at a time per instance (``flock`` does not exclude holders of one open
    file): a writer guards its own with a thread lock; each writer has its own instance.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.target = Path(path)
        self._lock_path = _lock_file(self.target)
        self._fd: int | None = None

    def _acquire(self, lock_path: Path) -> int:
        while True:
            if self._fd is None:
                self._fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            if _same_file(self._fd, lock_path):
                return self._fd
            os.close(self._fd)  # removed (or replaced) by another holder: lock the current one
            self._fd = None

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """Hold the cassette's exclusive lock for the block."""
        if self._lock_path is None:
            with _folder_lock(self.target.parent):
                yield
            return
        fd = self._acquire(self._lock_path)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def try_acquire(self) -> bool:
        """Take the lock only if it is free now (never waits); :meth:`release` gives it back.

        False too when there is no private lock folder (the folder lock only waits).
        """
        if self._lock_path is None:
            return False
        while True:
            if self._fd is None:
                self._fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            if _same_file(self._fd, self._lock_path):
                return True
            os.close(self._fd)
            self._fd = None

    def release(self) -> None:
        """Give back a lock taken by :meth:`try_acquire`."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        """Remove the lock file (taking the lock first: only a holder removes it)."""
        if self._fd is None or self._lock_path is None:
            return
        try:
            self._acquire(self._lock_path)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._lock_path)
        finally:
            if self._fd is not None:
                os.close(self._fd)
            self._fd = None
