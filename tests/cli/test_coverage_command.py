"""`vstape coverage`: the route x scenario matrix as a table and JSON, exit codes, inputs.

The HTML page is tested in :mod:`tests.cli.test_coverage_html`, the scenario a response
stands for in :mod:`tests.unit.reports.test_coverage`.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests import factories as f
from tests.procs import ROOT, VSTAPE
from vstape.api.routes import ROUTES
from vstape.cassettes.io import dump
from vstape.cassettes.model import (
    Cassette,
    Interaction,
    InteractionMeta,
    Request,
    Response,
    ResponseBody,
    Status,
)
from vstape.faults.catalog import CATALOG, scenarios_for

API = "https://api.openai.com/v1"
JSON = {"content-type": ["application/json"]}


def _item(
    method: str,
    path: str,
    status: int,
    body: str = "{}",
    headers: dict[str, list[str]] | None = None,
    scenario: str | None = None,
) -> Interaction:
    meta = InteractionMeta(scenario=scenario) if scenario else InteractionMeta()
    return Interaction(
        Request(method, API + path, None, {}),
        Response(Status(status, ""), JSON if headers is None else headers, ResponseBody(body)),
        meta,
    )


def error_json(code: str | None, kind: str = "invalid_request_error") -> str:
    return json.dumps(f.error("m", type=kind, code=code))


def hand_made(folder: Path) -> Path:
    """Two cassettes covering a known set of cells (and one unmatched path, one odd status)."""
    folder.mkdir(parents=True, exist_ok=True)
    dump(
        Cassette(
            [
                _item("GET", "/vector_stores/vs_1", 200),
                _item("GET", "/vector_stores/vs_1", 404, error_json(None)),
                _item("GET", "/vector_stores/vs_1", 404, error_json(None)),
                _item("GET", "/vector_stores", 429, error_json("rate_limit_exceeded", "requests")),
                _item(
                    "GET",
                    "/vector_stores",
                    429,
                    error_json("insufficient_quota", "insufficient_quota"),
                ),
                _item("GET", "/vector_stores", 429, "{}"),
                _item("GET", "/vector_stores", 418, "{}"),
            ]
        ),
        folder / "a.yaml",
    )
    dump(
        Cassette(
            [
                _item(
                    "POST",
                    "/vector_stores",
                    502,
                    "<html>bad gateway</html>",
                    {"content-type": ["text/html"]},
                ),
                _item(
                    "POST",
                    "/vector_stores",
                    504,
                    error_json("read_timeout", "vstape_transport_fault"),
                ),
                _item(
                    "POST",
                    "/vector_stores",
                    429,
                    error_json("rate_limit_exceeded"),
                    scenario="retry_then_ok",
                ),
                _item("POST", "/vector_stores", 200, scenario="retry_then_ok"),
                _item("GET", "/vector_stores/vs_1/bogus", 200),
            ]
        ),
        folder / "b.yaml",
    )
    return folder


def run_coverage(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*VSTAPE, "coverage", *args], capture_output=True, text=True, timeout=120, cwd=cwd
    )


def _parse_table(stdout: str) -> dict[str, dict[str, str]]:
    """The terminal table back into {route: {column: mark}} (marks: count, '.', '')."""
    lines = stdout.splitlines()
    first = lines[0]
    name_width = len(first) - len(first.lstrip()) - 2  # "ok" ends the first cell, width 3
    columns = []
    for line in lines:
        if line.startswith("-"):
            break
        columns.append(line.rsplit(" ", 1)[-1])
    columns = columns[:-1]  # the last header line is "cells  statuses"
    rows = {}
    for line in lines[len(columns) + 2 :]:
        if line.startswith("-"):
            break
        route = line[:name_width].strip()
        cells = [
            line[name_width + 3 * j : name_width + 3 * (j + 1)].strip() for j in range(len(columns))
        ]
        rows[route] = dict(zip(columns, cells, strict=True))
    return rows


def _applicable() -> int:
    return sum(1 + len(scenarios_for(r)) for r in ROUTES)


def test_table_has_exact_cells(tmp_path: Path) -> None:
    """Counts where interactions are, '.' where an applicable cell is empty, blank when n/a."""
    done = run_coverage(str(hand_made(tmp_path)))
    assert done.returncode == 0, done.stdout + done.stderr
    rows = _parse_table(done.stdout)
    assert list(rows) == [r.name for r in ROUTES]
    columns = list(rows["get_vector_store"])
    assert columns == ["ok", *(s.name for s in CATALOG), "status_418", "status_429"]
    expected = {
        "get_vector_store": {"ok": "1", "not_found": "2"},
        "list_vector_stores": {
            "rate_limited": "1",
            "insufficient_quota": "1",
            "status_418": "1",
            "status_429": "1",
        },
        "create_vector_store": {"html_error_page": "1", "read_timeout": "1", "retry_then_ok": "2"},
    }
    for route in ROUTES:
        applies = {"ok", *(s.name for s in scenarios_for(route))}
        for column, mark in rows[route.name].items():
            want = expected.get(route.name, {}).get(column)
            if want is None:
                want = "." if column in applies else ""
            assert mark == want, (route.name, column)
    assert rows["list_vector_stores"]["not_found"] == ""  # no id: a 404 cannot happen
    assert rows["list_vector_stores"]["conflict"] == ""
    assert f"7 of {_applicable()} route x scenario cells covered" in done.stdout
    assert "12 interactions in 2 cassettes, 1 matching no route" in done.stdout


def test_json_has_exact_cells_and_unmatched(tmp_path: Path) -> None:
    """The JSON matrix: exact cells with statuses, misses, totals, unmatched interactions."""
    hand_made(tmp_path / "in")
    done = run_coverage("in", "--json", "out/c.json", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads((tmp_path / "out" / "c.json").read_text())
    assert report["summary"] == {
        "covered": 7,
        "applicable": _applicable(),
        "percent": round(700 / _applicable(), 2),
        "interactions": 12,
        "cassettes": 2,
        "unmatched": 1,
    }
    routes = report["routes"]
    assert set(routes) == {r.name for r in ROUTES}
    assert routes["get_vector_store"]["cells"] == {
        "ok": {"count": 1, "statuses": {"200": 1}, "applies": True},
        "not_found": {"count": 2, "statuses": {"404": 2}, "applies": True},
    }
    assert routes["create_vector_store"]["cells"] == {
        "html_error_page": {"count": 1, "statuses": {"502": 1}, "applies": True},
        "read_timeout": {"count": 1, "statuses": {"504": 1}, "applies": True},
        "retry_then_ok": {"count": 2, "statuses": {"200": 1, "429": 1}, "applies": True},
    }
    assert routes["list_vector_stores"]["cells"]["status_418"] == {
        "count": 1,
        "statuses": {"418": 1},
        "applies": False,
    }
    assert "ok" in routes["list_vector_stores"]["missing"]
    assert "not_found" not in routes["list_vector_stores"]["missing"]
    assert routes["get_vector_store"]["covered"] == 2
    assert routes["delete_file"]["interactions"] == 0 and routes["delete_file"]["cells"] == {}
    assert report["totals"]["not_found"] == 2 and report["totals"]["retry_then_ok"] == 2
    assert report["unmatched"] == [
        {
            "file": str(Path("in") / "b.yaml"),
            "interaction": 4,
            "method": "GET",
            "path": "/v1/vector_stores/vs_1/bogus",
            "status": 200,
            "scenario": "ok",
        }
    ]


def test_fail_under(tmp_path: Path) -> None:
    """--fail-under exits 1 below the threshold, 0 at or above it, 2 for a bad percentage."""
    folder = str(hand_made(tmp_path))
    low = run_coverage(folder, "--fail-under", "50")
    assert low.returncode == 1 and "under --fail-under 50%" in low.stderr
    assert run_coverage(folder, "--fail-under", "1").returncode == 0
    bad = run_coverage(folder, "--fail-under", "lots")
    assert bad.returncode == 2 and "'lots' is not a percentage" in bad.stderr


def test_unusable_cassette_exit_2_with_file_and_line(tmp_path: Path) -> None:
    """A cassette that cannot be loaded: exit 2, only the errors (file and line); a missing path too."""
    hand_made(tmp_path / "in")
    (tmp_path / "in" / "x.yaml").write_text("interactions:\n- request: {method: GET\n")
    done = run_coverage(str(tmp_path / "in"), "--json", str(tmp_path / "c.json"))
    assert done.returncode == 2
    assert f"{tmp_path / 'in' / 'x.yaml'}:3:" in done.stderr
    assert "not a loadable cassette" in done.stderr
    assert "1 of 3 cassettes cannot be loaded; fix or remove them" in done.stderr
    assert done.stdout == ""  # no matrix that leaves the broken cassette out
    assert not (tmp_path / "c.json").exists()
    alone = run_coverage(str(tmp_path / "in" / "x.yaml"))
    assert alone.returncode == 2 and alone.stdout == ""
    assert "0 interactions" not in alone.stdout + alone.stderr
    missing = run_coverage(str(tmp_path / "nope"))
    assert missing.returncode == 2 and "no such cassette or folder" in missing.stderr


def test_shipped_cassettes_cover_every_route_ok(tmp_path: Path) -> None:
    """`vstape coverage cassettes/` exits 0 and every route's ok cell is covered."""
    done = run_coverage("cassettes", "--json", str(tmp_path / "c.json"))
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads((tmp_path / "c.json").read_text())
    for route in ROUTES:
        assert report["routes"][route.name]["cells"]["ok"]["count"] >= 1, route.name
    assert report["summary"]["unmatched"] == 0
    assert f"of {_applicable()} route x scenario cells covered" in done.stdout
