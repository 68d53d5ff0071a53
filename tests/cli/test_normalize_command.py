"""`vstape cassettes normalize PATH...`: YAML and JSON, idempotent, all-or-nothing, --check."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.procs import ROOT, VSTAPE
from tests.workload import recorded
from vstape.cassettes.io import dump, dumps, load
from vstape.cassettes.model import Cassette, Interaction
from vstape.cassettes.writer import APPENDABLE_HEAD, CassetteWriter
from vstape.recording.placeholders import is_placeholder
from vstape.recording.stable import normalize_scope

ID = re.compile(r"\b(?:vs_|file-|vsfb_|req_)[A-Za-z0-9]+\b")


def _normalize(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*VSTAPE, "cassettes", "normalize", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


@pytest.fixture(scope="module")
def raw() -> list[Interaction]:
    """One unseeded recording of the demo workload (random ids, wall clock)."""
    return recorded()[0]


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_a_cassette_is_normalized_once_and_then_left_alone(
    tmp_path: Path, raw: list[Interaction], suffix: str
) -> None:
    """The first run rewrites it (as normalize_scope says); the second does not even write."""
    path = tmp_path / f"run{suffix}"
    dump(Cassette(raw), path)
    held = load(path).interactions
    done = _normalize(path)
    assert done.returncode == 0, done.stderr
    assert f"{path}: normalized" in done.stdout
    assert dumps(load(path), fmt="json") == dumps(Cassette(normalize_scope([held])[0]), fmt="json")
    assert all(is_placeholder(i) or i == "vs_missing" for i in ID.findall(path.read_text()))
    before = path.stat().st_mtime_ns
    again = _normalize(path)
    assert again.returncode == 0 and "0 normalized, 1 already normalized" in again.stdout
    assert path.stat().st_mtime_ns == before


def test_check_says_what_would_change_and_writes_nothing(
    tmp_path: Path, raw: list[Interaction]
) -> None:
    """--check: exit 1 naming the cassette, the file untouched; exit 0 once normalized."""
    path = tmp_path / "run.yaml"
    dump(Cassette(raw), path)
    data = path.read_bytes()
    done = _normalize("--check", path)
    assert done.returncode == 1 and f"{path}: not normalized" in done.stdout
    assert path.read_bytes() == data
    assert _normalize(path).returncode == 0
    assert _normalize("--check", path).returncode == 0


def test_the_recorders_appendable_layout_is_kept(tmp_path: Path, raw: list[Interaction]) -> None:
    """A cassette the recorder appends to stays appendable: only its values change."""
    path = tmp_path / "run.yaml"
    CassetteWriter(path).append_many(raw)
    assert path.read_bytes().startswith(APPENDABLE_HEAD)
    assert _normalize(path).returncode == 0
    assert path.read_bytes().startswith(APPENDABLE_HEAD)
    assert len(load(path).interactions) == len(raw)


def test_a_folder_shares_one_numbering_unless_per_file(
    tmp_path: Path, raw: list[Interaction]
) -> None:
    """Two cassettes of one folder get distinct numbers; --per-file numbers each from 1."""
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        dump(Cassette(raw[:3]), tmp_path / name / "one.yaml")
        dump(Cassette(recorded()[0][:3]), tmp_path / name / "two.yaml")
    assert _normalize(tmp_path / "a").returncode == 0
    assert _normalize("--per-file", tmp_path / "b").returncode == 0
    shared = ID.findall((tmp_path / "a" / "two.yaml").read_text())
    alone = ID.findall((tmp_path / "b" / "two.yaml").read_text())
    assert shared[0].endswith("2") and alone[0].endswith("1")  # the second store of the folder


def test_an_unusable_cassette_stops_everything_before_any_write(
    tmp_path: Path, raw: list[Interaction]
) -> None:
    """Exit 2 with file and line; the good cassette named before it is not written."""
    good, broken = tmp_path / "good.yaml", tmp_path / "broken.yaml"
    dump(Cassette(raw), good)
    data = good.read_bytes()
    broken.write_text("interactions:\n- request: {method: GET\n")
    done = _normalize(good, broken)
    assert done.returncode == 2
    assert f"{broken}:3:" in done.stderr and "nothing was written" in done.stderr
    assert good.read_bytes() == data
    assert sorted(os.listdir(tmp_path)) == ["broken.yaml", "good.yaml"]  # no temp file left


def test_no_paths_a_missing_one_and_paths_given_to_another_action(tmp_path: Path) -> None:
    """Each is refused with exit 2 and what to do."""
    none = _normalize()
    assert none.returncode == 2 and "name the cassettes or folders" in none.stderr
    missing = _normalize(tmp_path / "nope.yaml")
    assert missing.returncode == 2 and "no such cassette or folder" in missing.stderr
    (tmp_path / "empty").mkdir()
    assert _normalize(tmp_path / "empty").returncode == 2
    other = subprocess.run(
        [*VSTAPE, "cassettes", "check", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert other.returncode == 2 and "belong to `vstape cassettes normalize`" in other.stderr
