"""`vstape demo` end to end: proxy, emulator, the official SDK, report, cassettes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.procs import ROOT
from vstape.api.routes import ROUTES
from vstape.cassettes.io import load


def test_demo_records_every_route_and_reports(tmp_path: Path) -> None:
    """The demo exits 0, writes a loadable cassette per route and a report naming them all."""
    out = tmp_path / "demo"
    done = subprocess.run(
        [sys.executable, "-m", "vstape.cli.main", "demo", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    cassettes = sorted((out / "cassettes").glob("*.yaml"))
    recorded = {path.stem for path in cassettes}
    assert recorded == {route.name for route in ROUTES}, "every route of the table is driven"
    for path in cassettes:
        assert load(path).interactions, path
    report = json.loads((out / "report.json").read_text())
    assert set(report["routes"]) == recorded
    assert report["routes"]["get_vector_store"]["statuses"]["404"] >= 1
    assert report["routes"]["search_vector_store"]["statuses"]["400"] >= 1
    # Responses the fault injector broke on purpose are not violations; the one violation
    # left is the demo's deliberately invalid search request (max_num_results=99).
    assert report["routes"]["get_vector_store"]["violations"] == 0
    assert report["routes"]["get_vector_store"]["broken_on_purpose"] >= 4
    assert report["broken_on_purpose"] == report["routes"]["get_vector_store"]["broken_on_purpose"]
    assert {r: s["violations"] for r, s in report["routes"].items() if s["violations"]} == {
        "search_vector_store": 1
    }
    assert "responses broken on purpose by fault injection (not validated)" in done.stdout
    assert "malformed_json" not in "".join(report["routes"]["get_vector_store"]["messages"])
    assert "exchanges" in done.stdout and str(out / "cassettes") in done.stdout
    # every failure mode of the catalog, injected by the proxy, as the SDK saw it
    for line in (
        "rate_limited         -> RateLimitError 429 rate_limit_exceeded",
        "read_timeout         -> APITimeoutError",
        "malformed_json       -> JSONDecodeError",
        "retry_then_ok        -> ok after 2 retries",
    ):
        assert line in done.stdout
    labels = {
        i.vstape.scenario for i in load(out / "cassettes" / "get_vector_store.yaml").interactions
    }  # type: ignore[union-attr]
    assert {"rate_limited", "connection_reset", "html_error_page"} <= labels
    assert "<table" in (out / "coverage.html").read_text()
    written = b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file())
    assert b"sk-demo-0123456789abcdef" not in written + done.stdout.encode()
