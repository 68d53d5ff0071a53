"""Cassettes named on the command line, loaded as scopes: a file alone, or a folder's tree.

Shared by ``vstape diff`` and ``vstape cassettes normalize``. A folder is one scope (its
cassettes are replayed together, so they share their placeholders); its files are named
by their path under it. Anything unusable is a :class:`CassetteError` saying which path
and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vstape.cassettes.io import load
from vstape.cassettes.model import CassetteError, Interaction
from vstape.replay.replayer import cassette_files

__all__ = ["Scope", "load_scope"]


@dataclass(frozen=True)
class Scope:
    """The cassettes of one path: file name (under the folder) -> path and interactions."""

    root: Path
    folder: bool
    paths: dict[str, Path]
    items: dict[str, list[Interaction]]


def load_scope(raw: str | Path, *, allow_empty: bool = True) -> Scope:
    """Every cassette under ``raw`` (a file, or a folder searched recursively), loaded."""
    root = Path(raw)
    if not root.exists():
        raise CassetteError(f"{root}: no such cassette or folder")
    folder = root.is_dir()
    files = cassette_files([root], allow_empty=allow_empty)
    paths = {(p.relative_to(root).as_posix() if folder else p.name): p for p in files}
    items = {name: load(path).interactions for name, path in paths.items()}
    return Scope(root, folder, paths, items)
