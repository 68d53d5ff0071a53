"""README "Catching drift": the weekly workflow is valid, and its two scripts run as written.

The drift step runs in a temporary project (shipped cassettes, the official spec as
`openapi.yaml`, no API key): status 0 on the official spec, 1 on a copy with a new
property (the job still passes: the next step files the issue), and the job fails on a
spec that does not parse. The issue step runs against a stand-in `gh` that records its
arguments (GitHub's CLI is not what is tested here): it creates the issue, updates the
one it opened before, or closes it once the drift is gone.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import msgspec
import pytest
import yaml

from tests.procs import ROOT
from tests.unit.api.test_crosscheck import SPEC
from tests.unit.drift.spec_copy import needs_spec, official, patched, setting
from vstape.drift.render import MARKER

BIN = Path(sys.executable).parent  # the venv's bin: `vstape` is there


def _workflow() -> dict[Any, Any]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Catching drift", 1)[1].split("\n## ", 1)[0]
    (block,) = [b.split("```", 1)[0] for b in section.split("```yaml\n")[1:]]
    document: dict[Any, Any] = yaml.safe_load(block)
    return document


def _step(name: str) -> dict[str, Any]:
    steps = _workflow()["jobs"]["drift"]["steps"]
    return next(s for s in steps if s.get("name") == name)


def test_the_workflow_is_weekly_and_may_open_issues() -> None:
    document = _workflow()
    triggers = document[True]  # YAML 1.1 reads the key `on` as true
    (schedule,) = triggers["schedule"]
    _minute, _hour, day, month, weekday = schedule["cron"].split()
    assert (day, month) == ("*", "*") and weekday.isdigit(), "once a week"
    assert "workflow_dispatch" in triggers
    assert document["permissions"] == {"contents": "read", "issues": "write"}
    fetch = _step("Fetch the latest OpenAPI spec")["run"]
    assert "githubusercontent.com/openai/openai-openapi/" in fetch and "-o openapi.yaml" in fetch
    assert "OPENAI_API_KEY" in _step("vstape drift all")["env"]


def _project(tmp: Path, spec: bytes | None) -> Path:
    shutil.copytree(ROOT / "cassettes" / "get_vector_store", tmp / "cassettes" / "get_vector_store")
    if spec is None:
        (tmp / "openapi.yaml").symlink_to(SPEC)
    else:
        (tmp / "openapi.yaml").write_bytes(spec)
    return tmp


def _bash(script: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(cwd)}
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=cwd,
        env={**base, **env},
    )


def _drift_step(tmp: Path) -> tuple[subprocess.CompletedProcess[str], str]:
    (tmp / "summary.md").write_text("")
    (tmp / "output").write_text("")
    done = _bash(
        _step("vstape drift all")["run"],
        tmp,
        OPENAI_API_KEY="",
        GITHUB_STEP_SUMMARY=str(tmp / "summary.md"),
        GITHUB_OUTPUT=str(tmp / "output"),
    )
    return done, (tmp / "output").read_text()


@needs_spec
def test_the_drift_step_on_the_official_spec(tmp_path: Path) -> None:
    done, output = _drift_step(_project(tmp_path, None))
    assert done.returncode == 0, done.stderr
    assert output == "status=0\n"
    report = (tmp_path / "drift.md").read_text()
    assert report.startswith(MARKER) and "drift: 0;" in report
    assert (tmp_path / "summary.md").read_text() == report


@needs_spec
def test_the_drift_step_on_a_drifted_spec(tmp_path: Path) -> None:
    path = ("components", "schemas", "VectorStoreObject", "properties")
    document = patched(official()[0], path, setting("color", {"type": "string"}))
    done, output = _drift_step(_project(tmp_path, msgspec.json.encode(document)))
    assert done.returncode == 0, done.stderr
    assert output == "status=1\n"
    assert "color" in (tmp_path / "drift.md").read_text()


def test_the_drift_step_fails_on_a_spec_that_does_not_parse(tmp_path: Path) -> None:
    done, output = _drift_step(_project(tmp_path, b"paths: [unclosed\n"))
    assert done.returncode != 0
    assert output == "status=2\n"
    assert "openapi.yaml" in done.stderr


GH = """#!/bin/sh
echo "$*" >> "$GH_LOG"
case "$1 $2" in
  "issue list") printf '%s' "$GH_OPEN_ISSUE" ;;
esac
"""


@pytest.mark.parametrize(
    ("status", "open_issue", "expected"),
    [
        (
            "1",
            "",
            "issue create --title API drift: the cassettes no longer match the API --body-file drift.md",
        ),
        ("1", "7", "issue edit 7 --body-file drift.md"),
        ("0", "7", "issue close 7 --comment vstape drift: no drift any more."),
        ("0", "", None),
    ],
)
def test_the_issue_step(tmp_path: Path, status: str, open_issue: str, expected: str | None) -> None:
    stand_in = tmp_path / "bin" / "gh"
    stand_in.parent.mkdir()
    stand_in.write_text(GH)
    stand_in.chmod(0o755)
    (tmp_path / "drift.md").write_text(MARKER + "\n")
    log = tmp_path / "gh.log"
    done = subprocess.run(
        [
            "bash",
            "--noprofile",
            "--norc",
            "-eo",
            "pipefail",
            "-c",
            _step("Open or update the drift issue")["run"],
        ],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=tmp_path,
        env={
            "PATH": f"{stand_in.parent}:/usr/bin:/bin",
            "GH_LOG": str(log),
            "GH_OPEN_ISSUE": open_issue,
            "STATUS": status,
            "GH_TOKEN": "unused",
        },
    )
    assert done.returncode == 0, done.stderr
    calls = log.read_text().splitlines()
    assert calls[0].startswith("issue list --state open --search")
    assert calls[1:] == ([expected] if expected else [])
