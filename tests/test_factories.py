"""The payload builders of tests/factories.py are valid, fresh and take changes."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories as f
from vstape.api.routes import BY_NAME
from vstape.validation.validate import errors, validate_response

JSON = {"content-type": "application/json"}
IDS = {"vector_store_id": "vs_1", "file_id": "file-1", "batch_id": "vsfb_1"}
# Each family's builder and a route that answers with it.
CASES: list[tuple[str, Any]] = [
    ("get_vector_store", f.vector_store()),
    ("get_file", f.file()),
    ("get_vector_store_file", f.vector_store_file()),
    ("get_vector_store_file_batch", f.batch()),
    ("search_vector_store", f.search_page()),
    ("list_vector_stores", f.list_page([f.vector_store(), f.vector_store(id="vs_2")])),
    ("list_vector_store_files", f.list_page([])),
]


@pytest.mark.parametrize(("route", "payload"), CASES, ids=[c[0] for c in CASES])
def test_every_builder_makes_a_payload_the_validator_accepts(route: str, payload: Any) -> None:
    """Strict-level validation of the default payload finds nothing."""
    found = BY_NAME[route]
    path = found.path(**{p: IDS[p] for p in found.params})
    violations = validate_response(found.method, path, 200, JSON, f.body(payload))
    assert violations == [], [v.line() for v in violations]


def test_the_error_envelope_is_what_a_404_carries() -> None:
    """The error builder passes as a 404 of any route, and takes every field."""
    envelope = f.error("gone", type="invalid_request_error", param="id", code="not_found")
    assert errors(validate_response("GET", "/v1/files/file-1", 404, JSON, f.body(envelope))) == []
    assert envelope["error"] == {
        "message": "gone",
        "type": "invalid_request_error",
        "param": "id",
        "code": "not_found",
    }


def test_changes_replace_fields_and_each_payload_is_fresh() -> None:
    """A change lands at the top level; mutating one payload leaves the next one whole."""
    first = f.vector_store(name="handbook", metadata={"team": "docs"})
    assert (first["name"], first["metadata"]) == ("handbook", {"team": "docs"})
    first["file_counts"]["total"] = 99
    assert f.vector_store()["file_counts"]["total"] == 0
    page = f.list_page([f.vector_store_file(id="file-a"), f.vector_store_file(id="file-b")])
    assert (page["first_id"], page["last_id"]) == ("file-a", "file-b")
