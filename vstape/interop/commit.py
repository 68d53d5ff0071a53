"""Write several cassettes at once, all or nothing: what an import commits.

An import writes its interactions into as many cassettes as the split rule makes, and
appends to those already there (as ``vstape record`` does). Each cassette's new content
is built in memory - the file's own bytes, then the new items, in the appendable YAML
layout of :mod:`vstape.cassettes.writer` (or the JSON document) - checked to load back
with every interaction, and written to a temporary file beside it with an ``fsync``.
Only when every temporary file is complete are they renamed over their cassettes, so a
full disk or a read-only folder leaves every cassette exactly as it was (and removes the
folders the import had created). Each cassette's lock
(:func:`vstape.cassettes.locks.cassette_lock`) is held from its read to its rename, so a
recording proxy appending to the same cassette loses nothing.

With a ``scope`` (a :class:`vstape.recording.stable_scope.ScopeNormalizer`, what the
recording proxy writes through), the new interactions get the recorder's stable
placeholders and shifted times, continuing each cassette's numbering; the scope's lock is
taken before the cassettes' (the recorder's order) and its decisions are kept only once
every cassette is written.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from vstape.cassettes.io import (
    assemble,
    dump_item,
    format_of,
    loads,
    read_bytes,
    stage,
    sync_folder,
)
from vstape.cassettes.locks import cassette_lock, lock_folder
from vstape.cassettes.model import CassetteError, Interaction
from vstape.cassettes.writer import APPENDABLE_HEAD
from vstape.recording.stable_scope import ScopeNormalizer

__all__ = ["ImportWriteError", "Written", "write_all"]


class ImportWriteError(OSError):
    """Writing failed; no cassette was changed. The message names the file, the cause, the fix."""


@dataclass(frozen=True)
class Written:
    """One cassette the import wrote."""

    path: Path
    added: int
    kept: int
    """Interactions that were in the file before."""


def _content(path: Path, new: list[Interaction]) -> tuple[bytes, int, int]:
    """The cassette's bytes with ``new`` appended; (bytes, interactions kept, added)."""
    fmt = format_of(path)
    old: bytes | None = read_bytes(path) if path.exists() else None
    existing = loads(old, fmt=fmt, where=str(path)).interactions if old is not None else []
    added = new
    items = [dump_item(item, fmt) for item in added]
    if fmt == "json":
        data = assemble([dump_item(item, "json") for item in existing] + items, "json")
    elif old is not None and old.startswith(APPENDABLE_HEAD):
        data = old + (b"" if old.endswith(b"\n") else b"\n") + b"".join(items)
    else:
        data = APPENDABLE_HEAD + b"".join(dump_item(item) for item in existing) + b"".join(items)
    count = len(loads(data, fmt=fmt, where=str(path)).interactions)
    if count != len(existing) + len(added):  # never replace a cassette with a wrong one
        raise CassetteError(
            f"{path}: the new content would hold {count} interactions, not "
            f"{len(existing) + len(added)}; nothing was written (please report this)"
        )
    return data, len(existing), len(added)


def _make_folders(paths: Sequence[Path]) -> list[Path]:
    """Create the missing parent folders; the ones created, deepest last."""
    created: list[Path] = []
    for path in paths:
        missing = [p for p in [path.parent, *path.parent.parents] if not p.exists()]
        for folder in reversed(missing):
            folder.mkdir()
            created.append(folder)
    return created


@contextlib.contextmanager
def _locks(paths: Sequence[Path]) -> Iterator[None]:
    """Every cassette's lock, in a fixed order (one per folder when locks fall back to it)."""
    if lock_folder() is None:  # cassette_lock locks the folder: once per folder, or deadlock
        firsts = {path.parent: path for path in reversed(paths)}
        paths = sorted(firsts.values())
    with contextlib.ExitStack() as stack:
        for path in paths:
            stack.enter_context(cassette_lock(path))
        yield


_HINTS = {
    errno.ENOSPC: "free space on that disk, or import elsewhere",
    errno.EDQUOT: "raise the disk quota, or import elsewhere",
    errno.EROFS: "it is on a read-only filesystem: remount it read-write, or import elsewhere",
    errno.EACCES: "make the folder writable for this user, or import elsewhere",
    errno.EPERM: "make the folder writable for this user, or import elsewhere",
}


def _stabilized(
    decisions: contextlib.ExitStack,
    batches: Mapping[Path, list[Interaction]],
    scope: ScopeNormalizer,
    order: Sequence[Path],
) -> dict[Path, list[Interaction]]:
    """Each batch through ``scope``, one interaction at a time in ``order`` (as recorded)."""
    if sorted(order) != sorted(p for p, items in batches.items() for _ in items):
        order = [path for path in sorted(batches) for _ in batches[path]]
    stable: dict[Path, list[Interaction]] = {path: [] for path in batches}
    for path in order:
        item = batches[path][len(stable[path])]
        stable[path] += decisions.enter_context(scope.writing(path, [item]))
    return stable


def write_all(
    batches: Mapping[Path, list[Interaction]],
    scope: ScopeNormalizer | None = None,
    order: Sequence[Path] = (),
) -> list[Written]:
    """Append each batch to its cassette: every cassette, or (on any error) none.

    ``order``: the cassette of each interaction in capture order; a scope numbers the
    ids as the recorder would have, in that order (default: cassette by cassette).
    """
    paths = sorted(batches)
    staged: list[tuple[Path, Path]] = []
    written: list[Written] = []
    created: list[Path] = []
    current = paths[0] if paths else Path()
    replaced: list[Path] = []
    done = False
    try:
        created = _make_folders(paths)
        with contextlib.ExitStack() as decisions:  # the scope's lock before the cassettes'
            stable = _stabilized(decisions, batches, scope, order) if scope else dict(batches)
            with _locks(paths):
                for current in paths:
                    data, kept, added = _content(current, stable[current])
                    staged.append((stage(current, data), current))
                    written.append(Written(current, added, kept))
                for temp, current in staged:
                    os.replace(temp, current)  # a rename needs no space: it fails only if the
                    replaced.append(current)  # folder changed under us
                done = True
        for folder in sorted({path.parent for path in paths}):
            sync_folder(folder)
    except OSError as err:
        hint = _HINTS.get(err.errno or 0, "fix the cause, or import elsewhere")
        if done:
            state = "written, but its folder could not be synced"
        elif replaced:
            state = f"only {', '.join(map(str, replaced))} had been written"
        else:
            state = "nothing was written, every cassette is as it was"
        raise ImportWriteError(
            err.errno, f"{current}: {err.strerror or err}: {state}; {hint}"
        ) from err
    finally:
        if not done:
            for temp, _ in staged:
                temp.unlink(missing_ok=True)
            for folder in reversed(created if not replaced else []):
                with contextlib.suppress(OSError):
                    folder.rmdir()
    return written
