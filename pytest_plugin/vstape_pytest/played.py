"""Which recorded interactions a test run replayed, written as one cassette for ``vstape coverage``.

    pytest --vstape-played=played.yaml && vstape coverage played.yaml --html coverage.html

Every replay notes (cassette file, interaction index) in this process. At the end of the
session each pytest-xdist worker writes its notes beside the target; the controller (or
the only process) merges them, loads each cassette once and writes the interactions that
were played, each once, with their vstape labels (route, scenario), atomically.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

PLAYED: set[tuple[str, int]] = set()


def note(meta: dict[str, Any]) -> None:
    """Remember one replayed interaction (``meta``: the response's ``vstape`` record)."""
    file, index = meta.get("file"), meta.get("index")
    if file and index is not None:
        PLAYED.add((str(file), int(index)))


def _parts(target: Path) -> list[Path]:
    return sorted(target.parent.glob(f"{target.name}.*.part"))


def start(target: Path) -> None:
    """Controller start-up: forget what an earlier run left behind."""
    for part in _parts(target):
        part.unlink(missing_ok=True)


def finish_worker(target: Path, worker: str) -> None:
    """An xdist worker: hand its notes to the controller."""
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f"{target.name}.{worker}.part")
    part.write_text(json.dumps(sorted(PLAYED)))


def finish(target: Path) -> int:
    """Merge every worker's notes with this process's and write the cassette; returns its size."""
    from vstape.cassettes.io import dump, load
    from vstape.cassettes.model import Cassette, CassetteError

    played = set(PLAYED)
    for part in _parts(target):
        played |= {(str(f), int(i)) for f, i in json.loads(part.read_text())}
        part.unlink(missing_ok=True)
    interactions = []
    by_file: dict[str, list[int]] = {}
    for file, index in sorted(played):
        by_file.setdefault(file, []).append(index)
    for file, indices in by_file.items():
        try:
            loaded = load(file).interactions
        except CassetteError:
            continue  # deleted or rewritten during the run: nothing to report from it
        interactions += [loaded[i] for i in indices if i < len(loaded)]
    dump(Cassette(interactions), target)
    return len(interactions)
