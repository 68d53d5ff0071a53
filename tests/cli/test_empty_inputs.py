"""Empty inputs fail: a CI step pointed at a wrong path, or an empty recording, is not green.

``validate``, ``lint``, ``coverage`` and ``replay`` exit 2 on a folder holding no
cassette ("no cassettes found under ...") and on a cassette holding no interactions
("the cassette has no interactions"), each naming the path and the way out; with
``--allow-empty`` the first three exit 0 and replay starts.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.procs import ROOT, vstape_server

TOOLS = ["validate", "lint", "coverage"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vstape.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


@pytest.fixture
def empties(tmp_path: Path) -> dict[str, Path]:
    """An empty folder, a folder with only a README, an empty file, an empty list, a JSON one."""
    (tmp_path / "nothing").mkdir()
    (tmp_path / "docs-only").mkdir()
    (tmp_path / "docs-only" / "README.md").write_text("# not a cassette\n")
    (tmp_path / "empty.yaml").write_bytes(b"")
    (tmp_path / "no-items.yaml").write_text("interactions: []\nversion: 1\n")
    (tmp_path / "no-items.json").write_text('{"interactions": [], "version": 1}\n')
    return {p.name: p for p in tmp_path.iterdir()}


@pytest.mark.parametrize("tool", [*TOOLS, "replay"])
@pytest.mark.parametrize("folder", ["nothing", "docs-only"])
def test_a_folder_without_cassettes_is_exit_2(
    empties: dict[str, Path], tool: str, folder: str
) -> None:
    """'no cassettes found under' the folder, and how to accept it."""
    done = _run(tool, str(empties[folder]))
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.strip() == (
        f"vstape {tool}: {empties[folder]}: no cassettes found under it (searched recursively "
        "for *.yaml, *.yml, *.json); check the path (--allow-empty accepts empty input)"
    )


@pytest.mark.parametrize("tool", [*TOOLS, "replay"])
@pytest.mark.parametrize("name", ["empty.yaml", "no-items.yaml", "no-items.json"])
def test_a_cassette_without_interactions_is_exit_2(
    empties: dict[str, Path], tool: str, name: str
) -> None:
    """'the cassette has no interactions', with the file."""
    done = _run(tool, str(empties[name]))
    assert done.returncode == 2, done.stdout + done.stderr
    message = (
        f"{empties[name]}: the cassette has no interactions; record into it, or remove it "
        "(--allow-empty accepts empty input)"
    )
    assert message in done.stderr.splitlines() or f"vstape replay: {message}" in done.stderr


@pytest.mark.parametrize("tool", ["validate", "lint"])
def test_an_empty_cassette_is_an_unusable_finding_in_the_reports(
    empties: dict[str, Path], tool: str, tmp_path: Path
) -> None:
    """The JSON report says which file and why, as for any unusable cassette."""
    report = tmp_path / "r.json"
    done = _run(tool, str(empties["no-items.yaml"]), "--json", str(report))
    assert done.returncode == 2
    assert f"vstape {tool}: 1 cassettes, 0 " in done.stdout and "1 unusable" in done.stdout
    findings = json.loads(report.read_text())["findings"]
    assert [(f["rule"], f["file"]) for f in findings] == [
        ("unusable-cassette", str(empties["no-items.yaml"]))
    ]


@pytest.mark.parametrize("tool", TOOLS)
def test_allow_empty_accepts_them_all(empties: dict[str, Path], tool: str) -> None:
    """With --allow-empty every empty input is fine: exit 0."""
    done = _run(tool, *(str(p) for p in empties.values()), "--allow-empty")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.timeout(120)
def test_replay_allow_empty_starts(empties: dict[str, Path]) -> None:
    """`vstape replay --allow-empty` serves (nothing), so a miss is a miss."""
    with vstape_server(
        "replay",
        str(empties["nothing"]),
        str(empties["no-items.yaml"]),
        "--allow-empty",
        "--listen",
        "127.0.0.1:0",
    ) as (_, url):
        assert url.startswith("http://127.0.0.1:")


def test_one_empty_folder_among_good_ones_still_fails(empties: dict[str, Path]) -> None:
    """Each path named must hold something: a typo among several paths is caught too."""
    done = _run("validate", str(ROOT / "cassettes" / "get_file"), str(empties["nothing"]))
    assert done.returncode == 2
    assert "no cassettes found under it" in done.stderr
