"""The README's "Reviewing cassette changes" workflow: valid, and its diff step runs as written.

The step's shell script is run with bash -eo pipefail (what GitHub Actions runs it with)
in a real git repository whose pull request changes a cassette: it writes the comment
and the job summary, passes on differences and fails on unusable input.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import msgspec
import pytest
import yaml

from tests.procs import ROOT
from tests.workload import recorded
from vstape.cassettes.io import dump
from vstape.cassettes.model import Cassette
from vstape.diff.render import MARKER
from vstape.recording.stable import normalize_scope

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _workflow() -> dict[Any, Any]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Reviewing cassette changes", 1)[1].split("\n## ", 1)[0]
    blocks = [b.split("```", 1)[0] for b in section.split("```yaml\n")[1:]]
    [block] = [b for b in blocks if "vstape diff" in b]
    document: dict[Any, Any] = yaml.safe_load(block)
    return document


def _step(workflow: dict[Any, Any], needle: str) -> dict[str, Any]:
    steps = workflow["jobs"]["cassette-diff"]["steps"]
    [step] = [s for s in steps if needle in s.get("run", "")]
    return step  # type: ignore[no-any-return]


def test_the_workflow_runs_on_pull_requests_that_change_cassettes() -> None:
    """Triggered by cassettes/**; may comment; the comment step looks for the Markdown's marker."""
    workflow = _workflow()
    trigger = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert trigger["pull_request"]["paths"] == ["cassettes/**"]
    assert workflow["permissions"]["pull-requests"] == "write"
    assert MARKER in _step(workflow, "gh pr comment")["run"]


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


def _run_step(repo: Path, base: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    step = _step(_workflow(), "--markdown")
    env = dict(
        os.environ,
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        BASE=base,
        RUNNER_TEMP=str(tmp / "runner"),
        GITHUB_STEP_SUMMARY=str(tmp / "summary.md"),
        **{k: str(v) for k, v in step.get("env", {}).items() if "${{" not in str(v)},
    )
    (tmp / "runner").mkdir(exist_ok=True)
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, str]:
    """A repository: a first commit without cassettes, a base with one, a head that edits it."""
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "README").write_text("app\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "no cassettes yet")
    items = normalize_scope([recorded()[0]])[0]
    dump(Cassette(items), repo / "cassettes" / "run.yaml")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "base")
    body = msgspec.json.decode(items[0].response.body.string)
    body["name"] = "renamed"
    items[0] = msgspec.structs.replace(
        items[0],
        response=msgspec.structs.replace(
            items[0].response,
            body=msgspec.structs.replace(
                items[0].response.body,
                string=msgspec.json.format(msgspec.json.encode(body), indent=2).decode(),
            ),
        ),
    )
    dump(Cassette(items), repo / "cassettes" / "run.yaml")
    _git(repo, "commit", "-qam", "head")
    return repo, _git(repo, "rev-parse", "HEAD~1")


def test_the_diff_step_writes_the_comment_and_the_summary(
    tmp_path: Path, repo: tuple[Path, str]
) -> None:
    """A pull request that renames the store: the step passes and the comment names $.name."""
    path, base = repo
    done = _run_step(path, base, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    comment = (path / "cassette-diff.md").read_text()
    assert comment.startswith(MARKER + "\n### vstape diff: 1 changed")
    assert "$.name: &quot;handbook&quot; -&gt; &quot;renamed&quot;" in comment
    assert (tmp_path / "summary.md").read_text() == comment


def test_a_base_without_cassettes_and_an_unusable_cassette(
    tmp_path: Path, repo: tuple[Path, str]
) -> None:
    """The pull request that adds cassettes/ passes (all added); a broken cassette fails the job."""
    path, _ = repo
    first = _git(path, "rev-list", "--max-parents=0", "HEAD")
    done = _run_step(path, first, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "added" in (path / "cassette-diff.md").read_text()
    _git(path, "worktree", "remove", "--force", str(tmp_path / "runner" / "base"))
    (path / "cassettes" / "broken.yaml").write_text("interactions:\n- request: {method: GET\n")
    broken = _run_step(path, first, tmp_path)
    assert broken.returncode != 0
    assert "broken.yaml:3: not a loadable cassette" in broken.stderr
