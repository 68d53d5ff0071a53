"""The shipped-cassette location: checkout vs wheel, and no path traversal through names."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from vstape.api.routes import ROUTES
from vstape.cassettes.shipped import scenarios_of, shipped_dir, shipped_path
from vstape.cli.cassettes import expected_files


def test_location_in_a_checkout() -> None:
    """In a checkout the shipped cassettes are the repository's cassettes/ folder."""
    assert shipped_dir().name == "cassettes"
    assert shipped_path("get_vector_store").is_file()
    assert scenarios_of("get_vector_store")[0] == "ok"


@pytest.mark.parametrize(
    ("route", "scenario"),
    [
        ("get_vector_store", "../../../etc/passwd"),
        ("../vstape", "ok"),
        ("get_vector_store", "/abs"),
        ("get_vector_store", "ok.yaml"),
        ("GET", "ok"),
    ],
)
def test_hostile_names_are_refused(route: str, scenario: str) -> None:
    """Traversal and odd names from markers or the CLI are refused with the rule."""
    with pytest.raises(ValueError, match="lower-case letters, digits and underscores"):
        shipped_path(route, scenario)


@pytest.mark.timeout(240)
def test_regenerating_reproduces_the_shipped_cassettes_byte_for_byte(tmp_path: Path) -> None:
    """`vstape cassettes regenerate` (proxy + emulator + SDK + faults) makes exactly what is checked in."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "vstape.cli.main",
            "cassettes",
            "regenerate",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=200,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    made = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.glob("*/*.yaml")}
    shipped = {p.relative_to(shipped_dir()): p.read_bytes() for p in shipped_dir().glob("*/*.yaml")}
    expected = [path.relative_to(tmp_path) for path in expected_files(tmp_path)]
    assert len(made) == len(expected)  # ok + each shipped scenario, per route: from the catalog
    assert sorted(made) == sorted(expected)
    assert sorted(made) == sorted(shipped)
    changed = [str(name) for name in made if made[name] != shipped[name]]
    assert changed == [], f"regenerate the shipped cassettes: {changed[:5]}"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.timeout(90)
@pytest.mark.parametrize("failure", [RuntimeError, KeyboardInterrupt])
def test_a_failed_regeneration_leaves_the_old_cassettes_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: type[BaseException]
) -> None:
    """The proxy runs, the SDK records some traffic, then the run dies: every old file stays."""
    from openai import OpenAI

    from vstape.cli import _shipped_record as shipped_record
    from vstape.cli import main as cli

    target = tmp_path / "cassettes"
    shutil.copytree(shipped_dir(), target)
    before = _snapshot(target)

    def dies_part_way(url: str) -> None:
        with OpenAI(api_key="sk-shipped", base_url=url, max_retries=0) as client:
            client.vector_stores.create(name="half-way")
        raise failure("the run died part-way")

    monkeypatch.setattr(shipped_record, "drive", dies_part_way)
    if failure is KeyboardInterrupt:
        assert cli.main(["cassettes", "regenerate", "--out", str(target)]) == 130
    else:
        assert cli.main(["cassettes", "regenerate", "--out", str(target)]) == 1
    assert _snapshot(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cassettes"], "no staging left behind"


def test_a_successful_regeneration_swaps_whole_route_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New route folders replace old ones whole (stale files go), through a sibling folder."""
    from vstape.cli import cassettes

    target = tmp_path / "cassettes"
    (target / "get_vector_store").mkdir(parents=True)
    (target / "get_vector_store" / "stale.yaml").write_text("old\n")
    (target / "get_vector_store" / "ok.yaml").write_text("old\n")
    (target / "README").write_text("not a route folder: kept\n")
    staged: list[Path] = []

    def fake_regenerate(out: Path) -> list[Path]:
        staged.append(out)
        assert out.parent == target.parent, "staged next to the target (same filesystem)"
        assert (target / "get_vector_store" / "ok.yaml").read_text() == "old\n"
        written = []
        for route in ROUTES:
            path = out / route.name / "ok.yaml"
            path.parent.mkdir(parents=True)
            path.write_text(f"new {route.name}\n")
            written.append(path)
        return written

    monkeypatch.setattr(cassettes, "regenerate", fake_regenerate)
    written = cassettes.regenerate_in_place(target)
    assert written == [target / route.name / "ok.yaml" for route in ROUTES]
    assert (target / "get_vector_store" / "ok.yaml").read_text() == "new get_vector_store\n"
    assert not (target / "get_vector_store" / "stale.yaml").exists()
    assert (target / "README").read_text() == "not a route folder: kept\n"
    assert not staged[0].exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cassettes"]
