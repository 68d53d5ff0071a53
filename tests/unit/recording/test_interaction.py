"""One exchange -> one cassette interaction: validated, redacted, normalized."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from vcr.serializers import yamlserializer

from tests import factories as f
from vstape.cassettes.io import dumps, loads
from vstape.cassettes.model import Cassette
from vstape.http import Request, Response
from vstape.recording.interaction import Exchange, RecordPolicy, to_interaction
from vstape.recording.redact import RedactionPolicy

NOW = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
STORE = f.vector_store(id="vs_abc", name="handbook", metadata={"owner": "alice"})


def _exchange(**changes: Any) -> Exchange:
    """The base exchange with any of its wire fields changed (``request_body=``, ``status=``...)."""
    wire: dict[str, Any] = {
        "method": "POST",
        "url": "http://127.0.0.1:8080/v1/vector_stores",
        "request_headers": [
            ("Authorization", "Bearer sk-live-SECRET0123456789"),
            ("Content-Type", "application/json"),
            ("User-Agent", "OpenAI/Python 3.57"),
            ("X-Stainless-OS", "Linux"),
        ],
        "request_body": b'{"name":"handbook","metadata":{"owner":"alice"}}',
        "status": 200,
        "reason": "OK",
        "response_headers": [
            ("Content-Type", "application/json"),
            ("x-request-id", "req_1"),
            ("openai-processing-ms", "12"),
            ("Date", "Tue, 01 Jan 2026 00:00:00 GMT"),
            ("Content-Encoding", "gzip"),
            ("Set-Cookie", "__cf_bm=SECRETcookie; path=/"),
        ],
        "response_body": msgspec.json.encode(STORE),
    }
    wire.update(changes)
    return Exchange(
        Request(wire["method"], wire["url"], wire["request_headers"], wire["request_body"]),
        Response.as_received(
            wire["status"], wire["response_headers"], wire["response_body"], wire["reason"]
        ),
        duration_ms=12.345,
    )


def test_valid_exchange_is_normalized_redacted_and_judged_ok() -> None:
    """Host canonical, volatile headers gone, secrets redacted, pretty JSON in sent order, verdict ok."""
    policy = RecordPolicy(redaction=RedactionPolicy(json_paths=("$.metadata.owner",)))
    item = to_interaction(_exchange(), policy, now=NOW)
    assert item.request.uri == "https://api.openai.com/v1/vector_stores"
    assert item.request.headers == {
        "authorization": ["REDACTED"],
        "content-type": ["application/json"],
    }
    assert (
        item.request.body
        == '{\n  "name": "handbook",\n  "metadata": {\n    "owner": "REDACTED"\n  }\n}'
    )
    assert set(item.response.headers) == {
        "content-type",
        "x-request-id",
        "openai-processing-ms",
        "set-cookie",
    }
    assert item.response.headers["set-cookie"] == ["REDACTED"]
    body = item.response.body.string
    assert isinstance(body, str) and body.index('"id"') < body.index('"created_at"')  # as sent
    assert '"owner": "REDACTED"' in body
    meta = item.vstape
    assert not isinstance(meta, type(msgspec.UNSET))
    assert (meta.route, meta.verdict, meta.violations) == ("create_vector_store", "ok", [])
    assert meta.recorded_at == "2026-01-02T03:04:05+00:00" and meta.duration_ms == 12.3


def test_invalid_response_is_judged_invalid_with_json_paths() -> None:
    """A response missing a required field gets verdict invalid and a violation naming it."""
    broken = {k: v for k, v in STORE.items() if k != "file_counts"}
    item = to_interaction(_exchange(response_body=msgspec.json.encode(broken)), RecordPolicy())
    assert not isinstance(item.vstape, type(msgspec.UNSET))
    assert item.vstape.verdict == "invalid"
    assert any("file_counts" in line for line in item.vstape.violations)


def test_keep_host_and_unknown_routes() -> None:
    """keep_host keeps the origin, query secrets still go; an unknown path has route None."""
    item = to_interaction(
        _exchange(
            url="http://127.0.0.1:9/v1/vector_stores/vs_1/nonsense?api_key=sk-querySECRET123",
            request_body=b"",
        ),
        RecordPolicy(keep_host=True),
    )
    assert item.request.uri == "http://127.0.0.1:9/v1/vector_stores/vs_1/nonsense?api_key=REDACTED"
    assert not isinstance(item.vstape, type(msgspec.UNSET))
    assert item.vstape.route is None


def test_binary_bodies_survive_and_cassette_loads_in_stock_vcrpy() -> None:
    """A non-UTF-8 response body stays bytes; the cassette round-trips in vstape and vcrpy."""
    item = to_interaction(
        _exchange(
            method="GET",
            url="https://api.openai.com/v1/files/file-1/content",
            request_body=b"",
            response_headers=[("content-type", "application/octet-stream")],
            response_body=b"\x00\xff\xfe binary",
        ),
        RecordPolicy(),
    )
    assert item.response.body.string == b"\x00\xff\xfe binary"
    data = dumps(Cassette([item]))
    assert loads(data).interactions[0].response.body.bytes == b"\x00\xff\xfe binary"
    stock = yamlserializer.deserialize(data.decode())
    assert stock["interactions"][0]["response"]["body"]["string"] == b"\x00\xff\xfe binary"


def test_violation_lines_never_quote_a_secret() -> None:
    """A violation quoting a redacted body value shows REDACTED instead of the value."""
    body = b'{"name": "n", "metadata": {"owner": 987654321}, "password": "tr0ub4dor-SECRET"}'
    policy = RecordPolicy(redaction=RedactionPolicy(json_paths=("$.metadata.owner",)))
    item = to_interaction(_exchange(request_body=body), policy)
    assert not isinstance(item.vstape, type(msgspec.UNSET))
    assert item.vstape.verdict == "invalid"
    assert item.vstape.violations
    assert "request $.metadata.owner: type: expected string, got REDACTED" in item.vstape.violations
    assert "tr0ub4dor" not in repr(item) and "987654321" not in repr(item)
