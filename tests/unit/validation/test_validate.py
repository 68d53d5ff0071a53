"""The validator: every violation, with its kind and JSON path; drift vs strict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import factories as f
from vstape.validation.validate import Kind, errors, validate_request, validate_response
from vstape.validation.violations import Violation

JSON = {"content-type": "application/json"}

VECTOR_STORE = f.vector_store()
VS_FILE = f.vector_store_file()


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
    page = f.list_page([VS_FILE, bad])
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
    for spelling in ("vector_store.file_batch", "vector_store.files_batch"):
        body = _body(f.batch(object=spelling))
        assert (
            validate_response("GET", "/v1/vector_stores/vs_1/file_batches/vsfb_1", 200, JSON, body)
            == []
        )


def test_violation_cap_bounds_hostile_input() -> None:
    """A page of thousands of bad items reports a bounded number of violations."""
    page = f.list_page([{"id": i} for i in range(5000)], first_id=None, last_id=None)
    found = validate_response("GET", "/v1/vector_stores", 200, JSON, _body(page))
    assert 0 < len(found) <= 100


# -- response headers --------------------------------------------------------------------

ERROR = _body(f.error("m", type="requests"))


def _header_kinds(status: int, headers: dict[str, str]) -> list[tuple[Kind, str]]:
    found = validate_response("GET", "/v1/vector_stores", status, {**JSON, **headers}, ERROR)
    return _kinds(found)


@pytest.mark.parametrize(
    ("status", "headers", "expected"),
    [
        (429, {"retry-after": "soon"}, [(Kind.TYPE, "header.retry-after")]),
        (429, {"Retry-After": "0"}, [(Kind.CONSTRAINT, "header.retry-after")]),
        (429, {"retry-after": "1.5"}, [(Kind.TYPE, "header.retry-after")]),
        (429, {"retry-after": "2", "retry-after-ms": "20"}, []),
        (503, {"retry-after": "Wed, 21 Oct 2026 07:28:00 GMT"}, []),
        (503, {"retry-after": "0"}, []),
        (503, {"retry-after": "soon"}, [(Kind.TYPE, "header.retry-after")]),
        (429, {"retry-after-ms": "-1"}, [(Kind.TYPE, "header.retry-after-ms")]),
        (429, {"retry-after-ms": "1.5"}, []),
        (200, {"openai-poll-after-ms": "1.5"}, [(Kind.TYPE, "header.openai-poll-after-ms")]),
        (500, {"x-should-retry": "yes"}, [(Kind.CONSTRAINT, "header.x-should-retry")]),
        (429, {"x-should-retry": "false"}, []),
        (
            429,
            {"x-ratelimit-limit-requests": "many"},
            [(Kind.TYPE, "header.x-ratelimit-limit-requests")],
        ),
        (
            429,
            {"x-ratelimit-remaining-tokens": "-3"},
            [(Kind.TYPE, "header.x-ratelimit-remaining-tokens")],
        ),
        (429, {"x-ratelimit-reset-requests": "6m0s", "x-ratelimit-reset-tokens": "20ms"}, []),
        (
            429,
            {"x-ratelimit-reset-requests": "soon"},
            [(Kind.TYPE, "header.x-ratelimit-reset-requests")],
        ),
        (429, {"x-custom": "anything", "retry-after-milliseconds": "x"}, []),
    ],
)
def test_response_headers_with_a_format_are_checked(
    status: int, headers: dict[str, str], expected: list[tuple[Kind, str]]
) -> None:
    """Retry-After (an integer >= 1 on a 429, as the spec says), the SDK's headers, rate limits."""
    body = ERROR if status >= 400 else _body(VECTOR_STORE)
    path = "/v1/vector_stores" if status >= 400 else "/v1/vector_stores/vs_1"
    found = validate_response("GET", path, status, {**JSON, **headers}, body)
    assert _kinds(found) == expected
    for violation in found:
        assert violation.path.removeprefix("header.") in violation.message


def test_every_header_of_the_failure_catalog_is_valid() -> None:
    """What vstape's own fault catalog puts on the wire passes the header checks."""
    from vstape.faults.catalog import CATALOG

    with_headers = [scenario for scenario in CATALOG if scenario.headers]
    assert with_headers
    for scenario in with_headers:
        status = scenario.status or 200
        assert _header_kinds(status, dict(scenario.headers)) == [], scenario.name


def test_header_lists_from_cassettes_are_checked_value_by_value() -> None:
    """Cassettes keep header values as lists: every value is checked."""
    from vstape.validation.headers import check_headers

    found = check_headers(429, {"retry-after": ["1", "later"]})
    assert [(v.kind, v.path, v.actual) for v in found] == [
        (Kind.TYPE, "header.retry-after", "'later'")
    ]


# -- integers as JSON Schema counts them --------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "expected"),
    [
        ("/v1/vector_stores", {"expires_after": {"anchor": "last_active_at", "days": 365.0}}, []),
        (
            "/v1/vector_stores",
            {"expires_after": {"anchor": "last_active_at", "days": 365.5}},
            [(Kind.TYPE, "$.expires_after.days")],
        ),
        (
            "/v1/vector_stores",
            {"expires_after": {"anchor": "last_active_at", "days": 366.0}},
            [(Kind.CONSTRAINT, "$.expires_after.days")],
        ),
        ("/v1/vector_stores/vs_1/search", {"query": "q", "max_num_results": 3.0}, []),
        (
            "/v1/vector_stores/vs_1/search",
            {"query": "q", "max_num_results": 3.0, "rewrite_query": 1},
            [(Kind.TYPE, "$.rewrite_query")],
        ),
        (
            "/v1/vector_stores",
            {
                "chunking_strategy": {
                    "type": "static",
                    "static": {"max_chunk_size_tokens": 800.0, "chunk_overlap_tokens": 400.0},
                }
            },
            [],
        ),
    ],
    ids=["days-365.0", "days-365.5", "days-366.0", "max-3.0", "float-and-other-error", "static"],
)
def test_integral_floats_are_integers(
    path: str, body: dict[str, object], expected: list[tuple[Kind, str]]
) -> None:
    """365.0 is an integer (JSON Schema); 365.5 is not; bounds and prose limits still apply."""
    assert _kinds(validate_request("POST", path, JSON, _body(body))) == expected


def test_integral_floats_in_responses_are_integers() -> None:
    """A response with `created_at: 1700000000.0` and `usage_bytes: 0.0` is valid."""
    store = dict(VECTOR_STORE, created_at=1700000000.0, usage_bytes=0.0)
    assert validate_response("GET", "/v1/vector_stores/vs_1", 200, JSON, _body(store)) == []
    store["usage_bytes"] = 0.5
    found = validate_response("GET", "/v1/vector_stores/vs_1", 200, JSON, _body(store))
    assert _kinds(found) == [(Kind.TYPE, "$.usage_bytes")]


# -- an empty body ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("POST", "/v1/vector_stores", []),
        ("POST", "/v1/vector_stores/vs_1", []),
        ("POST", "/v1/vector_stores/vs_1/files", [(Kind.MISSING_FIELD, "$.file_id")]),
        ("POST", "/v1/vector_stores/vs_1/search", [(Kind.MISSING_FIELD, "$.query")]),
        ("POST", "/v1/vector_stores/vs_1/files/file-1", [(Kind.MISSING_FIELD, "$.attributes")]),
        ("POST", "/v1/vector_stores/vs_1/file_batches", [(Kind.CONSTRAINT, "$")]),
    ],
)
def test_an_empty_body_reads_as_an_empty_object(
    method: str, path: str, expected: list[tuple[Kind, str]]
) -> None:
    """No body is `{}`: valid where every field is optional, else the missing field is named."""
    for body in (None, b""):
        assert _kinds(validate_request(method, path, {}, body)) == expected


# -- uploads (POST /v1/files) ------------------------------------------------------------------

BOUNDARY = "------------------------d74496d66958873e"
FORM = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}


def form(*fields: tuple[str, str], file: bool = True, json_part: str | None = None) -> bytes:
    """A body as `curl -F name=value -F file=@a.txt` writes it."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields
    ]
    if json_part is not None:
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="expires_after"\r\n'
            f"Content-Type: application/json\r\n\r\n{json_part}\r\n"
        )
    if file:
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
            "Content-Type: text/plain\r\n\r\nhello\r\n"
        )
    return ("".join(parts) + f"--{BOUNDARY}--\r\n").encode()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (form(("purpose", "assistants")), []),
        (
            form(
                ("purpose", "batch"),
                ("expires_after[anchor]", "created_at"),
                ("expires_after[seconds]", "3600"),
            ),
            [],
        ),
        (form(("purpose", "batch"), json_part='{"anchor": "created_at", "seconds": 2592000}'), []),
        (form(("purpose", "AAA")), [(Kind.CONSTRAINT, "$.purpose")]),
        (form(("purpose", "assistants_output")), [(Kind.CONSTRAINT, "$.purpose")]),
        (form(), [(Kind.MISSING_FIELD, "$.purpose")]),
        (form(("purpose", "batch"), file=False), [(Kind.MISSING_FIELD, "$.file")]),
        (
            form(("purpose", "batch"), ("expires_after[anchor]", "created_at")),
            [(Kind.MISSING_FIELD, "$.expires_after.seconds")],
        ),
        (
            form(("purpose", "batch"), ("expires_after[seconds]", "3600")),
            [(Kind.MISSING_FIELD, "$.expires_after.anchor")],
        ),
        (
            form(
                ("purpose", "batch"),
                ("expires_after[anchor]", "AAA"),
                ("expires_after[seconds]", "2592001"),
            ),
            [
                (Kind.CONSTRAINT, "$.expires_after.anchor"),
                (Kind.CONSTRAINT, "$.expires_after.seconds"),
            ],
        ),
        (
            form(
                ("purpose", "batch"),
                ("expires_after[anchor]", "created_at"),
                ("expires_after[seconds]", "soon"),
            ),
            [(Kind.TYPE, "$.expires_after.seconds")],
        ),
        (form(("purpose", "batch"), ("expires_after", "3600")), [(Kind.TYPE, "$.expires_after")]),
        (form(("purpose", "batch"), ("colour", "red")), [(Kind.UNKNOWN_FIELD, "$.colour")]),
    ],
    ids=[
        "plain",
        "sdk-brackets",
        "openapi-json-part",
        "purpose-AAA",
        "response-only-purpose",
        "no-purpose",
        "no-file",
        "no-seconds",
        "no-anchor",
        "anchor-and-seconds-out-of-range",
        "seconds-not-a-number",
        "expires-after-scalar",
        "unknown-field",
    ],
)
def test_uploads_are_checked_as_forms(body: bytes, expected: list[tuple[Kind, str]]) -> None:
    """purpose enum, expires_after (anchor created_at, seconds 3600..2592000), unknown fields."""
    assert _kinds(validate_request("POST", "/v1/files", FORM, body)) == expected


def test_an_upload_that_is_not_a_form_is_a_content_type_violation() -> None:
    """JSON or a multipart type without a boundary cannot carry a file."""
    for content_type in ("application/json", "multipart/form-data"):
        found = validate_request("POST", "/v1/files", {"content-type": content_type}, b"{}")
        assert _kinds(found) == [(Kind.CONTENT_TYPE, "$")]


def test_files_list_limit_is_1_to_10000() -> None:
    """The prose-only limit of GET /files (default 10,000)."""
    assert validate_request("GET", "/v1/files?limit=10000", {}, None) == []
    found = validate_request("GET", "/v1/files?limit=10001", {}, None)
    assert _kinds(found) == [(Kind.CONSTRAINT, "query.limit")]


def test_query_values_are_read_as_their_field_wants() -> None:
    """`after=123` stays a string cursor even when another parameter is wrong."""
    found = validate_request("GET", "/v1/vector_stores?after=123&limit=0", {}, None)
    assert _kinds(found) == [(Kind.CONSTRAINT, "query.limit")]


def test_vstape_validate_reports_the_crash_inputs_instead_of_raising(tmp_path: Path) -> None:
    """A recorded request with a discriminator sent as an object: exit 1 with the path, no traceback."""
    import subprocess

    from tests.procs import ROOT, VSTAPE
    from vstape.cassettes.io import dump, load

    cassette = load(ROOT / "cassettes" / "create_vector_store" / "ok.yaml")
    cassette.interactions[0].request.body = '{"chunking_strategy": {"type": {}}}'
    dump(cassette, tmp_path / "crash.yaml")
    done = subprocess.run(
        [*VSTAPE, "validate", str(tmp_path)], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert (
        "request $.chunking_strategy.type: type: expected one of 'auto' | 'static'" in done.stdout
    )
    assert "Traceback" not in done.stderr
