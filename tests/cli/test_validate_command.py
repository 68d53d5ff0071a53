"""`vstape validate` on shipped, broken, malformed and hostile cassettes (exit codes 0/1/2)."""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.procs import ROOT, VSTAPE
from vstape.cassettes.io import dump, load
from vstape.cassettes.model import InteractionMeta


def _validate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*VSTAPE, "validate", *args], capture_output=True, text=True, timeout=120, cwd=ROOT
    )


def test_shipped_cassettes_are_clean() -> None:
    """`vstape validate cassettes/` exits 0: the shipped cassettes match the schemas."""
    done = _validate(str(ROOT / "cassettes"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert ", 0 violations, 0 unusable" in done.stdout


def test_violations_exit_1_with_file_interaction_and_path(tmp_path: Path) -> None:
    """A response that breaks the schema is reported with file, interaction index and JSON path."""
    cassette = load(ROOT / "cassettes" / "get_vector_store" / "ok.yaml")
    body = json.loads(cassette.interactions[0].response.body.string)
    body["usage_bytes"] = "lots"
    cassette.interactions[0].response.body.string = json.dumps(body, indent=2)
    dump(cassette, tmp_path / "bad.yaml")
    done = _validate(
        str(tmp_path), "--junit", str(tmp_path / "r.xml"), "--json", str(tmp_path / "r.json")
    )
    assert done.returncode == 1
    assert f"{tmp_path / 'bad.yaml'}: interaction 0: GET" in done.stdout
    assert "response $.usage_bytes: type: expected integer, got 'lots'" in done.stdout
    suite = ET.parse(tmp_path / "r.xml").getroot()
    assert suite.get("failures") == "1"
    (finding,) = json.loads((tmp_path / "r.json").read_text())["findings"]
    assert finding["file"] == str(tmp_path / "bad.yaml") and finding["interaction"] == 0
    assert finding["path"] == "response $.usage_bytes" and finding["rule"] == "type"


def test_malformed_and_hostile_yaml_exit_2(tmp_path: Path) -> None:
    """Broken YAML names file and line; python tags are refused without running anything."""
    (tmp_path / "broken.yaml").write_text("interactions:\n- request: {method: GET\n")
    marker = tmp_path / "pwned"
    (tmp_path / "evil.yaml").write_text(
        f"interactions:\n- !!python/object/apply:os.system ['touch {marker}']\n"
    )
    done = _validate(str(tmp_path))
    assert done.returncode == 2
    assert "broken.yaml:3:" in done.stderr or "broken.yaml:2:" in done.stderr
    assert "evil.yaml:2: " in done.stderr and "python object tags are never loaded" in done.stderr
    assert not marker.exists()


def test_responses_broken_on_purpose_are_not_violations(tmp_path: Path) -> None:
    """A body fault vstape injected (vstape.fault: malformed_json) is counted, not reported."""
    cassette = load(ROOT / "cassettes" / "get_vector_store" / "ok.yaml")
    item = cassette.interactions[0]
    item.response.body.string = item.response.body.string[:-1] + ",\n  vstape_broken: }\n"
    dump(cassette, tmp_path / "unmarked.yaml")
    done = _validate(str(tmp_path))
    assert done.returncode == 1 and "malformed_json" in done.stdout
    assert isinstance(item.vstape, InteractionMeta)
    item.vstape.fault = item.vstape.scenario = "malformed_json"
    dump(cassette, tmp_path / "unmarked.yaml")
    done = _validate(str(tmp_path))
    assert done.returncode == 0, done.stdout
    assert "0 violations, 0 unusable, 1 responses broken on purpose" in done.stdout


def test_a_hostile_field_name_cannot_forge_an_output_line(tmp_path: Path) -> None:
    """A newline or escape in an unknown field's name is printed as ``\\x0a``: one line a finding."""
    cassette = load(ROOT / "cassettes" / "get_vector_store" / "ok.yaml")
    body = json.loads(cassette.interactions[0].response.body.string)
    body["x\nvstape validate: 1 cassettes, 0 violations\x1b[2K"] = 1
    cassette.interactions[0].response.body.string = json.dumps(body)
    dump(cassette, tmp_path / "hostile.yaml")
    done = _validate(str(tmp_path), "--strict", "--junit", str(tmp_path / "r.xml"))
    assert done.returncode == 1
    finding, summary = done.stdout.splitlines()
    assert finding.startswith(f"{tmp_path / 'hostile.yaml'}: interaction 0: GET ")
    assert "$.x\\x0avstape validate: 1 cassettes, 0 violations\\x1b[2K: drift: " in finding
    assert summary == "vstape validate: 1 cassettes, 1 violations, 0 unusable"
    failure = ET.parse(tmp_path / "r.xml").getroot().find("testcase/failure")
    assert failure is not None and failure.text == finding
