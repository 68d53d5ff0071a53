"""Emulator behaviour that the SDK script does not reach: failures, expiry, cancel, paging."""

from __future__ import annotations

import json
from typing import Any

import pytest

from vstape.emulator import Emulator
from vstape.emulator.handlers import HANDLERS
from vstape.http import Request

AUTH = (("authorization", "Bearer sk-test"), ("content-type", "application/json"))


def call(
    emu: Emulator, method: str, path: str, body: Any = None
) -> tuple[int, Any, dict[str, str]]:
    raw = b"" if body is None else json.dumps(body).encode()
    answer = emu.handle(Request(method, path, AUTH, raw))
    return answer.status, json.loads(answer.body), dict(answer.headers)


def upload(emu: Emulator, content: bytes, name: str = "a.txt") -> str:
    boundary = "b0undary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nassistants\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = (
        ("authorization", "Bearer x"),
        ("content-type", f"multipart/form-data; boundary={boundary}"),
    )
    answer = emu.handle(Request("POST", "/v1/files", headers, body))
    assert answer.status == 200, answer.body
    return str(json.loads(answer.body)["id"])


def test_empty_and_binary_files_fail_with_last_error() -> None:
    """Empty content fails as invalid_file, binary as unsupported_file; counts stay true."""
    emu = Emulator(seed=1)
    _, vs, _ = call(emu, "POST", "/v1/vector_stores", {"name": "x"})
    for content, code in ((b"", "invalid_file"), (b"\x00\xff\x00", "unsupported_file")):
        file_id = upload(emu, content)
        status, attached, headers = call(
            emu, "POST", f"/v1/vector_stores/{vs['id']}/files", {"file_id": file_id}
        )
        assert (status, attached["status"], headers["openai-poll-after-ms"]) == (
            200,
            "in_progress",
            "100",
        )
        for _ in range(2):
            _, attached, _ = call(emu, "GET", f"/v1/vector_stores/{vs['id']}/files/{file_id}")
        assert (attached["status"], attached["last_error"]["code"]) == ("failed", code)
    _, store, _ = call(emu, "GET", f"/v1/vector_stores/{vs['id']}")
    assert store["file_counts"] == {
        "in_progress": 0,
        "completed": 0,
        "failed": 2,
        "cancelled": 0,
        "total": 2,
    }


def test_store_expires_when_the_clock_passes_expires_at() -> None:
    """`expires_after` sets `expires_at`; past it the store reports `expired`."""
    now = [1_000_000.0]
    emu = Emulator(now=lambda: now[0])
    _, vs, _ = call(
        emu, "POST", "/v1/vector_stores", {"expires_after": {"anchor": "last_active_at", "days": 1}}
    )
    assert vs["expires_at"] == 1_000_000 + 86_400 and vs["status"] == "completed"
    now[0] += 86_401
    assert call(emu, "GET", f"/v1/vector_stores/{vs['id']}")[1]["status"] == "expired"


def test_cancel_marks_batch_and_pending_files_cancelled() -> None:
    """Cancelling an in-progress batch cancels it and its unfinished files."""
    emu = Emulator(seed=2)
    _, vs, _ = call(emu, "POST", "/v1/vector_stores", {})
    ids = [upload(emu, b"text") for _ in range(3)]
    _, batch, _ = call(emu, "POST", f"/v1/vector_stores/{vs['id']}/file_batches", {"file_ids": ids})
    _, cancelled, _ = call(
        emu, "POST", f"/v1/vector_stores/{vs['id']}/file_batches/{batch['id']}/cancel"
    )
    assert cancelled["status"] == "cancelled" and cancelled["file_counts"]["cancelled"] == 3


def test_pagination_cursors_before_and_after() -> None:
    """`after` and `before` cut the listing at the cursor, in either order."""
    emu = Emulator(seed=3)
    ids = [call(emu, "POST", "/v1/vector_stores", {"name": str(i)})[1]["id"] for i in range(5)]
    _, page, _ = call(emu, "GET", f"/v1/vector_stores?order=asc&after={ids[1]}&limit=2")
    assert ([v["id"] for v in page["data"]], page["has_more"]) == (ids[2:4], True)
    assert (page["first_id"], page["last_id"]) == (ids[2], ids[3])
    _, page, _ = call(emu, "GET", f"/v1/vector_stores?order=asc&before={ids[2]}")
    assert [v["id"] for v in page["data"]] == ids[:2]
    _, page, _ = call(emu, "GET", "/v1/vector_stores?after=vs_nope")
    assert page["error"]["param"] == "after"


def test_unknown_route_and_missing_auth() -> None:
    """Unknown URLs are 404 `Invalid URL`; requests without a bearer token are 401."""
    emu = Emulator()
    status, body, _ = call(emu, "GET", "/v1/vector_stores/vs_1/bogus")
    assert (status, body["error"]["message"]) == (
        404,
        "Invalid URL (GET /v1/vector_stores/vs_1/bogus)",
    )
    answer = emu.handle(Request("GET", "/v1/vector_stores"))
    assert answer.status == 401 and b"API key" in answer.body


def test_search_filters_threshold_and_limit() -> None:
    """Filters pick files by attributes; the threshold and max_num_results trim results."""
    emu = Emulator(seed=4)
    _, vs, _ = call(emu, "POST", "/v1/vector_stores", {})
    for i, text in enumerate([b"alpha beta", b"alpha", b"gamma"]):
        file_id = upload(emu, text, f"f{i}.txt")
        call(
            emu,
            "POST",
            f"/v1/vector_stores/{vs['id']}/files",
            {"file_id": file_id, "attributes": {"n": i}},
        )
        call(emu, "GET", f"/v1/vector_stores/{vs['id']}/files/{file_id}")
        call(emu, "GET", f"/v1/vector_stores/{vs['id']}/files/{file_id}")
    search = f"/v1/vector_stores/{vs['id']}/search"
    names = lambda body: [r["filename"] for r in call(emu, "POST", search, body)[1]["data"]]  # noqa: E731
    assert names({"query": "alpha beta"}) == ["f0.txt", "f1.txt"]
    assert names({"query": "alpha", "filters": {"type": "in", "key": "n", "value": [1, 2]}}) == [
        "f1.txt"
    ]
    assert names({"query": "alpha beta", "ranking_options": {"score_threshold": 0.5}}) == ["f0.txt"]
    assert names({"query": "alpha", "max_num_results": 1}) == ["f0.txt"]


def test_internal_errors_become_500_envelopes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in a handler is a 500 in OpenAI's envelope, never an exception."""
    emu = Emulator()
    monkeypatch.setitem(HANDLERS, "get_vector_store", None)
    _, vs, _ = call(emu, "POST", "/v1/vector_stores", {})
    status, body, _ = call(emu, "GET", f"/v1/vector_stores/{vs['id']}")
    assert status == 500 and body["error"]["type"] == "server_error"


def test_numbers_out_of_range_are_worded_as_the_real_api_words_them() -> None:
    """limit=1000 / limit=0 / max_num_results=99: the real API's message, code and param."""
    emu = Emulator(seed=2)
    _, vs, _ = call(emu, "POST", "/v1/vector_stores", {})
    cases = [
        (
            ("GET", "/v1/vector_stores?limit=1000", None),
            "Invalid 'limit': integer above maximum value. "
            "Expected a value <= 100, but got 1000 instead.",
            "integer_above_max_value",
            "limit",
        ),
        (
            ("GET", "/v1/vector_stores?limit=0", None),
            "Invalid 'limit': integer below minimum value. "
            "Expected a value >= 1, but got 0 instead.",
            "integer_below_min_value",
            "limit",
        ),
        (
            ("GET", f"/v1/vector_stores/{vs['id']}/files?limit=101", None),
            "Invalid 'limit': integer above maximum value. "
            "Expected a value <= 100, but got 101 instead.",
            "integer_above_max_value",
            "limit",
        ),
        (
            ("POST", f"/v1/vector_stores/{vs['id']}/search", {"query": "q", "max_num_results": 99}),
            "Invalid 'max_num_results': integer above maximum value. "
            "Expected a value <= 50, but got 99 instead.",
            "integer_above_max_value",
            "max_num_results",
        ),
        (
            (
                "POST",
                f"/v1/vector_stores/{vs['id']}/search",
                {"query": "q", "ranking_options": {"score_threshold": 1.5}},
            ),
            "Invalid 'ranking_options.score_threshold': decimal above maximum value. "
            "Expected a value <= 1, but got 1.5 instead.",
            "decimal_above_max_value",
            "ranking_options.score_threshold",
        ),
    ]
    for (method, path, body), message, code, param in cases:
        status, answer, _ = call(emu, method, path, body)
        assert status == 400, path
        assert answer["error"] == {
            "message": message,
            "type": "invalid_request_error",
            "param": param,
            "code": code,
        }


def test_other_400s_keep_their_wording() -> None:
    """Type errors, unknown and missing fields are not range violations: worded as before."""
    emu = Emulator(seed=2)
    status, answer, _ = call(emu, "GET", "/v1/vector_stores?limit=abc")
    assert (status, answer["error"]["code"]) == (400, "invalid_value")
    assert answer["error"]["message"] == "Invalid 'limit': expected integer, got 'abc'."
    status, answer, _ = call(emu, "POST", "/v1/vector_stores", {"name": 5})
    assert answer["error"]["message"] == "Invalid 'name': expected string, got 5."
    status, answer, _ = call(emu, "POST", "/v1/vector_stores", {"nmae": "x"})
    assert answer["error"]["code"] == "unknown_parameter"
    _, vs, _ = call(emu, "POST", "/v1/vector_stores", {})
    status, answer, _ = call(emu, "POST", f"/v1/vector_stores/{vs['id']}/search", {})
    assert answer["error"]["code"] == "missing_required_parameter"


def test_the_sdk_sees_the_real_code_for_a_limit_above_the_maximum() -> None:
    """The official SDK raises BadRequestError with code integer_above_max_value, param limit."""
    import httpx2
    import openai

    from vstape.emulator.transport import EmulatorTransport

    with openai.OpenAI(
        api_key="sk-test",
        base_url="http://emulator/v1",
        max_retries=0,
        http_client=httpx2.Client(transport=EmulatorTransport(Emulator(seed=3))),
    ) as client:
        try:
            client.vector_stores.list(limit=1000)
        except openai.BadRequestError as err:
            assert (err.code, err.param) == ("integer_above_max_value", "limit")
            assert "Expected a value <= 100, but got 1000 instead." in err.message
        else:
            raise AssertionError("limit=1000 was accepted")


def _form(
    fields: list[tuple[str, str]], file: bool = True
) -> tuple[tuple[tuple[str, str], ...], bytes]:
    """Headers and body as `curl -F purpose=batch -F 'expires_after[seconds]=3600' -F file=@a` send."""
    boundary = "------------------------3f2a9c0e5d7b1a46"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields
    ]
    if file:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.jsonl"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n{}\r\n"
        )
    headers = (
        ("authorization", "Bearer x"),
        ("content-type", f"multipart/form-data; boundary={boundary}"),
    )
    return headers, ("".join(parts) + f"--{boundary}--\r\n").encode()


def _upload(emu: Emulator, fields: list[tuple[str, str]], file: bool = True) -> tuple[int, Any]:
    headers, body = _form(fields, file)
    answer = emu.handle(Request("POST", "/v1/files", headers, body))
    return answer.status, json.loads(answer.body)


def test_upload_expiry_sets_expires_at_and_batch_files_expire_after_30_days() -> None:
    """expires_after -> created_at + seconds; purpose=batch alone -> 30 days; others never."""
    now = [1_800_000_000.0]
    emu = Emulator(now=lambda: now[0])
    expiry = [("expires_after[anchor]", "created_at"), ("expires_after[seconds]", "3600")]
    status, timed = _upload(emu, [("purpose", "assistants"), *expiry])
    assert status == 200 and timed["expires_at"] == timed["created_at"] + 3600
    _, batch = _upload(emu, [("purpose", "batch")])
    assert batch["expires_at"] == batch["created_at"] + 30 * 86_400
    _, kept = _upload(emu, [("purpose", "user_data")])
    assert kept["expires_at"] is None
    _, short_batch = _upload(emu, [("purpose", "batch"), *expiry])
    assert short_batch["expires_at"] == short_batch["created_at"] + 3600
    now[0] += 3600
    assert call(emu, "GET", f"/v1/files/{timed['id']}")[0] == 404
    listed = [f["id"] for f in call(emu, "GET", "/v1/files")[1]["data"]]
    assert listed == [kept["id"], batch["id"]]


def test_invalid_uploads_get_the_real_api_400_naming_the_param() -> None:
    """purpose, expires_after and unknown fields: 400 with `param`, worded as the API words it."""
    emu = Emulator(seed=9)
    cases = [
        (
            [("purpose", "AAA")],
            "'AAA' is not one of ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', "
            "'evals'] - 'purpose'",
            "purpose",
        ),
        (
            [("purpose", "batch"), ("expires_after[anchor]", "created_at")],
            "Missing required parameter: 'expires_after.seconds'.",
            "expires_after.seconds",
        ),
        (
            [
                ("purpose", "batch"),
                ("expires_after[anchor]", "created_at"),
                ("expires_after[seconds]", "60"),
            ],
            "Invalid 'expires_after.seconds': integer below minimum value. "
            "Expected a value >= 3600, but got 60 instead.",
            "expires_after.seconds",
        ),
        (
            [
                ("purpose", "batch"),
                ("expires_after[anchor]", "created_at"),
                ("expires_after[seconds]", "2592001"),
            ],
            "Invalid 'expires_after.seconds': integer above maximum value. "
            "Expected a value <= 2592000, but got 2592001 instead.",
            "expires_after.seconds",
        ),
        (
            [
                ("purpose", "batch"),
                ("expires_after[anchor]", "AAA"),
                ("expires_after[seconds]", "3600"),
            ],
            "Invalid 'expires_after.anchor': expected one of 'created_at', got 'AAA'.",
            "expires_after.anchor",
        ),
        (
            [("purpose", "batch"), ("colour", "red")],
            "Unrecognized request argument supplied: colour",
            "colour",
        ),
    ]
    for fields, message, param in cases:
        status, body = _upload(emu, fields)
        assert (status, body["error"]["message"], body["error"]["param"]) == (400, message, param)
    status, body = _upload(emu, [("purpose", "batch")], file=False)
    assert (status, body["error"]["param"]) == (400, "file")
    assert call(emu, "GET", "/v1/files")[1]["data"] == []  # nothing was stored


def test_integral_floats_are_treated_as_integers() -> None:
    """days: 365.0 and max_num_results: 3.0 are accepted and come back as integers."""
    emu = Emulator(seed=6)
    answer = emu.handle(
        Request(
            "POST",
            "/v1/vector_stores",
            AUTH,
            b'{"expires_after": {"anchor": "last_active_at", "days": 365.0}}',
        )
    )
    assert answer.status == 200 and b'"days":365}' in answer.body
    vs = json.loads(answer.body)
    status, _, _ = call(
        emu, "POST", f"/v1/vector_stores/{vs['id']}/search", {"query": "q", "max_num_results": 3.0}
    )
    assert status == 200


def test_an_empty_body_is_read_as_an_empty_object() -> None:
    """POST /vector_stores with no body creates a store; a route with required fields names them."""
    emu = Emulator(seed=8)
    created = emu.handle(Request("POST", "/v1/vector_stores", (("authorization", "Bearer x"),)))
    assert created.status == 200
    store = json.loads(created.body)["id"]
    answer = emu.handle(
        Request("POST", f"/v1/vector_stores/{store}/files", (("authorization", "Bearer x"),))
    )
    assert (answer.status, json.loads(answer.body)["error"]["message"]) == (
        400,
        "Missing required parameter: 'file_id'.",
    )
