"""`vstape lint`: each kind of secret and problem is found with its interaction; shipped cassettes are clean."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.procs import ROOT, VSTAPE
from vstape.cassettes.io import dump
from vstape.cassettes.model import Cassette, Interaction, Request, Response, ResponseBody, Status
from vstape.reports.lint import lint


def _lint(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*VSTAPE, "lint", *args], capture_output=True, text=True, timeout=120, cwd=ROOT
    )


def test_shipped_cassettes_are_clean() -> None:
    """`vstape lint cassettes/` exits 0."""
    done = _lint(str(ROOT / "cassettes"))
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_rule_fires_with_its_interaction(tmp_path: Path) -> None:
    """Bearer token, sk- key in a body, query secret, cookie, org header, raw host, gzip, binary, unknown route."""
    bad = Cassette(
        [
            Interaction(
                Request(
                    "GET",
                    "http://127.0.0.1:8080/v1/vector_stores?api_key=abc123456789",
                    None,
                    {
                        "authorization": ["Bearer sk-abcdefghijklmnop"],
                        "openai-organization": ["org-abcdefghijkl"],
                        "cookie": ["session=1"],
                        "user-agent": ["OpenAI/Python"],
                    },
                ),
                Response(
                    Status(200, "OK"), {"content-encoding": ["gzip"]}, ResponseBody(b"\x1f\x8b\x00")
                ),
            ),
            Interaction(
                Request(
                    "POST",
                    "https://api.openai.com/v1/vector_stores/vs_1/bogus",
                    '{"note": "sk-live-0123456789abcdef"}',
                    {},
                ),
                Response(Status(200, "OK"), {}, ResponseBody("{}")),
            ),
        ]
    )
    dump(bad, tmp_path / "bad.yaml")
    findings = lint(tmp_path / "bad.yaml")
    rules = {(line.split(":")[0], line.split(":")[1].strip()) for line in findings}
    assert rules >= {
        ("interaction 0", "secret"),
        ("interaction 0", "cookie"),
        ("interaction 0", "host"),
        ("interaction 0", "compressed-body"),
        ("interaction 0", "binary-body"),
        ("interaction 0", "volatile-header"),
        ("interaction 1", "unknown-route"),
        ("interaction 1", "secret"),
    }
    assert any("header authorization is not redacted" in f for f in findings)
    assert any("header openai-organization is not redacted" in f for f in findings)
    assert any("query parameter api_key" in f for f in findings)
    done = _lint(str(tmp_path))
    assert (
        done.returncode == 1
        and f"{tmp_path / 'bad.yaml'}: interaction 1: unknown-route" in done.stdout
    )
    assert "sk-abcdefghijklmnop" not in done.stdout  # the linter never echoes a secret


def test_unusable_cassette_exit_2(tmp_path: Path) -> None:
    """A cassette that cannot be loaded is exit 2 with its file."""
    (tmp_path / "x.yaml").write_text("interactions: [")
    done = _lint(str(tmp_path))
    assert done.returncode == 2 and "x.yaml" in done.stderr
