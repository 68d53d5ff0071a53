"""The validator: every violation, with its kind and JSON path; drift vs strict."""

from __future__ import annotations

import json

import pytest

from vstape.validate import Kind, errors, validate_request, validate_response
from vstape.violations import Violation

JSON = {"content-type": "application/json"}

VECTOR_STORE = {
    "id": "vs_1",
    "object": "vector_store",
    "created_at": 1700000000,
    "name": "docs",
    "usage_bytes": 0,
    "file_counts": {"in_progress": 0, "completed": 0, "failed": 0, "cancelled": 0, "total": 0},
    "status": "completed",
    "last_active_at": 1700000000,
    "metadata": {},
    "expires_after": None,
    "description": None,
}
VS_FILE = {
    "id": "file-1",
    "object": "vector_store.file",
    "usage_bytes": 10,
    "created_at": 1700000000,
    "vector_store_id": "vs_1",
    "status": "completed",
    "last_error": None,
    "chunking_strategy": {
        "type": "static",
        "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400},
    },
    "attributes": {"lang": "en", "year": 2024, "draft": False},
}


def _body(value: object) -> bytes:
    return json.dumps(value).encode()


def _kinds(found: list[Violation]) -> list[tuple[Kind, str]]:
    return [(v.kind, v.path) for v in found]


def test_valid_vector_store_response_passes() -> None:
    """A real-shaped vector store (with the lenient nulls) has no violations."""
    assert validate_response("GET", "/v1/vector_stores/vs_1", 200, JSON, _body(VECTOR_STORE)) == []


def test_list_page_items_are_checked_with_paths() -> None:
    """A bad item in a list page is reported at its index."""
    bad = dict(VS_FILE, status="weird")
    page = {
        "object": "list",
        "data": [VS_FILE, bad],
        "first_id": "file-1",
        "last_id": "file-1",
        "has_more": False,
    }
    found = validate_response("GET", "/v1/vector_stores/vs_1/files", 200, JSON, _body(page))
    assert _kinds(found) == [(Kind.CONSTRAINT, "$.data[1].status")]


def test_three_independent_errors_yield_three_violations() -> None:
    """Wrong type, missing field and bad enum are all reported, not just the first."""
    bad = dict(VECTOR_STORE, usage_bytes="big", status="nope")
    del bad["file_counts"]
    found = validate_response("GET", "/v1/vector_stores/vs_1", 200, JSON, _body(bad))
    assert sorted(_kinds(found)) == sorted(
        [
            (Kind.TYPE, "$.usage_bytes"),
            (Kind.MISSING_FIELD, "$.file_counts"),
            (Kind.CONSTRAINT, "$.status"),
        ]
    )


def test_unknown_response_field_is_drift_warning_unless_strict() -> None:
    """A new field the API added is a warning by default and an error in strict mode."""
    body = _body(dict(VECTOR_STORE, brand_new=1))
    loose = validate_response("GET", "/v1/vector_stores/vs_1", 200, JSON, body)
    assert [(v.kind, v.severity, v.path) for v in loose] == [
        (Kind.UNKNOWN_FIELD, "warning", "$.brand_new")
    ]
    assert errors(loose) == []
    strict = validate_response("GET", "/v1/vector_stores/vs_1", 200, JSON, body, strict=True)
    assert [v.severity for v in strict] == ["error"]


def test_unknown_request_field_is_an_error() -> None:
    """The API rejects unknown arguments, so the validator does too."""
    found = validate_request("POST", "/v1/vector_stores", JSON, b'{"nmae": "x"}')
    assert [(v.kind, v.severity, v.path) for v in found] == [
        (Kind.UNKNOWN_FIELD, "error", "$.nmae")
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {
                "chunking_strategy": {
                    "type": "static",
                    "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 401},
                }
            },
            [(Kind.CONSTRAINT, "$.chunking_strategy.static")],
        ),
        ({"chunking_strategy": {"type": "other"}}, [(Kind.CONSTRAINT, "$.chunking_strategy.type")]),
        (
            {"expires_after": {"anchor": "last_active_at", "days": 0}},
            [(Kind.CONSTRAINT, "$.expires_after.days")],
        ),
        ({"metadata": {f"k{i}": "v" for i in range(17)}}, [(Kind.CONSTRAINT, "$.metadata")]),
        ({"metadata": {"k": "v" * 513}}, [(Kind.CONSTRAINT, "$.metadata.k")]),
        ({"file_ids": ["f"] * 501}, [(Kind.CONSTRAINT, "$.file_ids")]),
    ],
    ids=["overlap>half", "other-on-request", "days<1", "17-pairs", "value>512", "file_ids>500"],
)
def test_create_vector_store_limits(
    body: dict[str, object], expected: list[tuple[Kind, str]]
) -> None:
    """Every documented limit of the create request is enforced, with its path."""
    assert _kinds(validate_request("POST", "/v1/vector_stores", JSON, _body(body))) == expected


def test_batch_needs_file_ids_or_files() -> None:
    """A batch with neither `file_ids` nor `files` is refused at the body root."""
    found = validate_request("POST", "/v1/vector_stores/vs_1/file_batches", JSON, b"{}")
    assert _kinds(found) == [(Kind.CONSTRAINT, "$")]
    assert "file_ids" in found[0].message


def test_search_filters_are_checked_recursively() -> None:
    """A bad operator deep inside a compound filter is found at its path."""
    body = {
        "query": "q",
        "max_num_results": 51,
        "filters": {
            "type": "and",
            "filters": [{"type": "or", "filters": [{"type": "zz", "key": "a", "value": 1}]}],
        },
    }
    found = validate_request("POST", "/v1/vector_stores/vs_1/search", JSON, _body(body))
    assert sorted(_kinds(found)) == sorted(
        [
            (Kind.CONSTRAINT, "$.max_num_results"),
            (Kind.CONSTRAINT, "$.filters.filters[0].filters[0].type"),
        ]
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("limit=0", [(Kind.CONSTRAINT, "query.limit")]),
        ("limit=abc", [(Kind.TYPE, "query.limit")]),
        ("order=up", [(Kind.CONSTRAINT, "query.order")]),
        ("filter=done", [(Kind.CONSTRAINT, "query.filter")]),
        ("limit=100&order=asc&after=file-1&filter=completed", []),
    ],
)
def test_list_query_parameters(query: str, expected: list[tuple[Kind, str]]) -> None:
    """List query parameters are converted from strings and checked against their limits."""
    assert (
        _kinds(validate_request("GET", f"/v1/vector_stores/vs_1/files?{query}", {}, None))
        == expected
    )


def test_error_status_is_checked_against_the_envelope() -> None:
    """A 4xx body must be OpenAI's error envelope."""
    good = {
        "error": {
            "message": "No vector store found",
            "type": "invalid_request_error",
            "param": None,
            "code": None,
        }
    }
    assert validate_response("GET", "/v1/vector_stores/vs_x", 404, JSON, _body(good)) == []
    found = validate_response("GET", "/v1/vector_stores/vs_x", 404, JSON, b'{"detail": "nope"}')
    assert (Kind.MISSING_FIELD, "$.error") in _kinds(found)


def test_malformed_json_and_wrong_content_type() -> None:
    """Non-JSON bodies are reported as such instead of crashing."""
    found = validate_response("GET", "/v1/vector_stores/vs_1", 200, JSON, b'{"id": ')
    assert _kinds(found) == [(Kind.MALFORMED_JSON, "$")]
    found = validate_response(
        "GET", "/v1/vector_stores/vs_1", 502, {"content-type": "text/html"}, b"<html>"
    )
    assert _kinds(found) == [(Kind.CONTENT_TYPE, "$")]


def test_unknown_vector_store_route_and_foreign_paths() -> None:
    """An unknown /v1/vector_stores route is reported; other APIs are ignored."""
    found = validate_request("GET", "/v1/vector_stores/vs_1/bogus", {}, None)
    assert _kinds(found) == [(Kind.UNKNOWN_ROUTE, "$")]
    assert validate_request("POST", "/v1/chat/completions", JSON, b"not json") == []


def test_batch_object_accepts_both_spellings() -> None:
    """`vector_store.file_batch` (real) and `vector_store.files_batch` (spec) both pass."""
    batch = {
        "id": "vsfb_1",
        "created_at": 1,
        "vector_store_id": "vs_1",
        "status": "completed",
        "file_counts": {"in_progress": 0, "completed": 1, "failed": 0, "cancelled": 0, "total": 1},
    }
    for spelling in ("vector_store.file_batch", "vector_store.files_batch"):
        body = _body(dict(batch, object=spelling))
        assert (
            validate_response("GET", "/v1/vector_stores/vs_1/file_batches/vsfb_1", 200, JSON, body)
            == []
        )


def test_violation_cap_bounds_hostile_input() -> None:
    """A page of thousands of bad items reports a bounded number of violations."""
    page = {
        "object": "list",
        "data": [{"id": i} for i in range(5000)],
        "first_id": None,
        "last_id": None,
        "has_more": False,
    }
    found = validate_response("GET", "/v1/vector_stores", 200, JSON, _body(page))
    assert 0 < len(found) <= 100
