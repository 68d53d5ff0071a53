"""The shipped-cassette location: checkout vs wheel, and no path traversal through names."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from vstape.shipped import scenarios_of, shipped_dir, shipped_path


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
        [sys.executable, "-m", "vstape.cli", "cassettes", "regenerate", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=200,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    made = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.glob("*/*.yaml")}
    shipped = {p.relative_to(shipped_dir()): p.read_bytes() for p in shipped_dir().glob("*/*.yaml")}
    assert len(made) == 393
    assert sorted(made) == sorted(shipped)
    changed = [str(name) for name in made if made[name] != shipped[name]]
    assert changed == [], f"regenerate the shipped cassettes: {changed[:5]}"
