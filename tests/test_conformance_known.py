"""`make conformance` accounts for failures by the keys of README's known differences.

Schemathesis itself runs in `make conformance` (its own venv, the official spec); this
module keeps its bookkeeping honest: every key is in the README table and back, a
failure is explained only by the difference it names, and a server error never is.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conformance.known import KNOWN, Failure, explain
from conformance.run import find_spec, read_failures, summarize

README = Path(__file__).resolve().parents[1] / "README.md"


def _readme_keys() -> set[str]:
    text = README.read_text(encoding="utf-8")
    table = text.split("### Known differences from the spec", 1)[1].split("\n\n`tests/", 1)[0]
    return set(re.findall(r"^\| `([a-z0-9-]+)` \|", table, re.MULTILINE))


def test_every_known_difference_is_in_the_readme_and_back() -> None:
    """The README table's keys are exactly conformance/known.py's, each with a reason."""
    assert _readme_keys() == {known.key for known in KNOWN}
    assert all(known.reason for known in KNOWN)
    assert len({known.key for known in KNOWN}) == len(KNOWN)


def _schema_failure(operation: str, schema_path: str, value: str = "null") -> Failure:
    message = (
        f'{value} is not of type "string"\n\nValidated against the response schema for status '
        f"code 200.\n\nSchema at {schema_path}:\n\n    {{}}\n\nValue:\n\n    {value}"
    )
    return Failure("response_schema_conformance", "ST108", operation, message, 200, "")


def _rejected(operation: str, message: str) -> Failure:
    body = json.dumps({"error": {"message": message, "type": "invalid_request_error"}})
    return Failure("positive_data_acceptance", "ST202", operation, "Valid data...", 400, body)


@pytest.mark.parametrize(
    ("failure", "key"),
    [
        (
            _schema_failure(
                "GET /vector_stores",
                "/components/schemas/ListVectorStoresResponse/properties/first_id",
            ),
            "list-ids-null",
        ),
        (_schema_failure("GET /files/{file_id}", "/properties/expires_at"), "file-expires-at-null"),
        (_schema_failure("GET /files/{file_id}", "/properties/bytes"), None),
        (_schema_failure("GET /vector_stores", "/properties/first_id", '"x"'), None),
        (
            _rejected(
                "GET /vector_stores",
                "Invalid 'limit': integer above maximum value. Expected a value <= 100, but got 101 instead.",
            ),
            "prose-limits",
        ),
        (
            _rejected(
                "POST /vector_stores/{vector_store_id}/search",
                "Invalid 'max_num_results': integer above maximum value.",
            ),
            None,
        ),
        (
            _rejected("POST /vector_stores", "Unrecognized request argument supplied: name"),
            None,
        ),
    ],
)
def test_a_failure_is_explained_only_by_the_difference_it_names(
    failure: Failure, key: str | None
) -> None:
    """Exact operation and evidence: an unrelated failure on the same field is a regression."""
    found = explain(failure)
    assert (found.key if found else None) == key


def test_a_server_error_always_fails_the_run(capsys: pytest.CaptureFixture[str]) -> None:
    """ST101 is never a known difference; known ones alone pass."""
    known = _schema_failure("GET /vector_stores", "/properties/last_id")
    assert summarize([known]) == 0
    server = Failure("not_a_server_error", "ST101", "POST /vector_stores", "", 500, "{}")
    assert summarize([known, server]) == 1
    assert "1 server errors" in capsys.readouterr().out


def test_failures_are_read_from_the_ndjson_report(tmp_path: Path) -> None:
    """The report's failing checks, with the response body of their case, deduplicated."""
    import base64

    body = base64.b64encode(b'{"error": {"message": "m"}}').decode()
    check = {
        "name": "positive_data_acceptance",
        "status": "failure",
        "failure_info": {
            "failure": {"code": "ST202", "operation": "GET /files", "message": "Valid data"}
        },
    }
    event = {
        "ScenarioFinished": {
            "recorder": {
                "checks": {"c1": [check, {"name": "x", "status": "success"}], "c2": [check]},
                "interactions": {
                    "c1": {"response": {"status_code": 400, "content": {"$base64": body}}},
                    "c2": {"response": {"status_code": 400, "content": {"$base64": body}}},
                },
            }
        }
    }
    report = tmp_path / "r.ndjson"
    report.write_text(json.dumps({"Initialize": {}}) + "\n" + json.dumps(event) + "\n")
    [failure] = read_failures(report)
    assert (failure.code, failure.status, failure.response) == (
        "ST202",
        400,
        '{"error": {"message": "m"}}',
    )


def test_the_spec_is_found_where_the_tests_look(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """$VSTAPE_OPENAPI first."""
    spec = tmp_path / "openapi.yaml"
    spec.write_text("openapi: 3.1.0\n")
    monkeypatch.setenv("VSTAPE_OPENAPI", str(spec))
    assert find_spec() == spec
