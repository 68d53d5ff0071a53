"""The placeholder journal: what a recording scope decided, kept for the next process.

A cassette holds placeholders only, so a later process appending to it could not know
that ``vs_vstape…0001`` stands for the real ``vs_Zq…`` it sees again. The journal keeps
those decisions outside the repository, in a private per-user folder -
``$VSTAPE_STATE_DIR``, else ``$XDG_STATE_HOME/vstape/placeholders``, else
``~/.local/state/vstape/placeholders`` - one JSON-lines file per scope, named by a hash of
the scope's real absolute path (no file ever appears beside a cassette). Each line is one
fact: ``{"id": real, "as": placeholder}`` (``"as": null``: kept as it is),
``{"count": {prefix: n}}``, ``{"file": name, "offset": seconds}``, ``{"file": name,
"stat": [size, mtime_ns, inode]}`` (the cassette as the journal last left it).

Writers of one scope (threads, pytest-xdist workers, several proxies) take the journal's
``flock`` for each write, read what the others added, decide, and append; a journal
truncated to nothing by one of them is a reset the others notice (their position is past
its end). The journal holds real object ids - not secrets, but the user's - so its folder
is 0700 and its files 0600. It is never needed for correctness: without it (a folder that
cannot be made, another machine) a process continues from what the cassette holds.
Deleting the folder is always safe.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec

from vstape.cassettes.locks import is_private

__all__ = ["ENV", "Journal", "state_folder"]

ENV = "VSTAPE_STATE_DIR"
_DECODER = msgspec.json.Decoder(dict[str, Any])


def state_folder() -> Path | None:
    """The private folder holding journals, created on first use; None when unusable."""
    explicit = os.environ.get(ENV)
    if explicit:
        folder = Path(explicit)
    else:
        base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
        folder = Path(base) / "vstape" / "placeholders"
    with contextlib.suppress(OSError):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder if is_private(folder) else None


class Journal:
    """One scope's journal file: locked appends, incremental reads."""

    def __init__(self, scope: Path, folder: Path) -> None:
        digest = hashlib.sha256(os.path.realpath(scope).encode("utf-8", "surrogateescape"))
        self.path = folder / f"{digest.hexdigest()[:32]}.jsonl"
        self.scope = scope
        self._fd: int | None = None
        self.position = 0

    def _open(self) -> int:
        if self._fd is None:
            flags = os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC | os.O_NOFOLLOW
            self._fd = os.open(self.path, flags, 0o600)
        return self._fd

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the journal's exclusive lock."""
        fd = self._open()
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def read_new(self) -> tuple[bool, list[dict[str, Any]]]:
        """``(reset, facts)``: the facts added since the last read (all of them after a reset).

        ``reset`` is true when the journal was truncated since: what was read before no
        longer holds. A torn last line (a writer killed mid-write) is skipped.
        """
        fd = self._open()
        size = os.fstat(fd).st_size
        reset = size < self.position
        start = 0 if reset else self.position
        data = os.pread(fd, size - start, start) if size > start else b""
        self.position = size
        facts = []
        for line in data.splitlines():
            with contextlib.suppress(msgspec.DecodeError):
                facts.append(_DECODER.decode(line))
        return reset, facts

    def append(self, facts: list[dict[str, Any]]) -> None:
        """Add facts (the caller holds the lock); a failed write is only a lost memory."""
        if not facts:
            return
        data = b"".join(msgspec.json.encode(f) + b"\n" for f in facts)
        fd = self._open()
        with contextlib.suppress(OSError):  # the cassette, not the journal, is what matters
            os.write(fd, data)
        self.position = os.fstat(fd).st_size

    def truncate(self) -> None:
        """Forget everything (the caller holds the lock)."""
        fd = self._open()
        os.ftruncate(fd, 0)
        self.position = 0

    def close(self) -> None:
        """Release the file."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
