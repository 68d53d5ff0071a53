"""The recorder addon under mitmproxy's own harness: placeholders in the cassette, real ids on the wire.

``vstape_keep_ids`` (what ``vstape record --keep-ids`` and ``mitmdump --set
vstape_keep_ids=true`` set) writes the real values instead.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from mitmproxy import http
from mitmproxy.test import taddons, tflow

from vstape.cassettes.io import load
from vstape.recording.timeshift import EPOCH
from vstape_mitmproxy.recorder import Recorder
from vstape_mitmproxy.validator import Validator

AUTH = {"authorization": "Bearer sk-unit-0123456789", "content-type": "application/json"}
REAL = "vs_ZQLW4iMYXD01cLuDomfyrfbw"
CREATED = 1_790_000_123


def _store(name: str) -> dict[str, object]:
    return {
        "id": REAL,
        "object": "vector_store",
        "created_at": CREATED,
        "name": name,
        "usage_bytes": 0,
        "file_counts": {"in_progress": 0, "completed": 0, "failed": 0, "cancelled": 0, "total": 0},
        "status": "completed",
        "expires_after": None,
        "expires_at": None,
        "last_active_at": CREATED,
        "metadata": {},
    }


def _exchange(
    validator: Validator, recorder: Recorder, method: str, path: str, body: bytes, request_id: str
) -> bytes:
    """One flow through the validator and the recorder; the body the client receives."""
    request = http.Request.make(method, f"http://127.0.0.1:9{path}", body, AUTH)
    flow = tflow.tflow(req=request)
    validator.request(flow)
    flow.response = http.Response.make(
        200,
        json.dumps(_store("n")).encode(),
        {
            "content-type": "application/json",
            "x-request-id": request_id,
        },
    )
    validator.responseheaders(flow)
    validator.response(flow)
    asyncio.run(recorder.response(flow))
    assert flow.response is not None
    return flow.response.content or b""


@pytest.mark.parametrize("keep", [False, True])
def test_the_cassette_gets_placeholders_the_client_the_real_ids(tmp_path: Path, keep: bool) -> None:
    """Create then retrieve: the client sees REAL both times; the cassette a placeholder (or REAL)."""
    cassette = tmp_path / "c.yaml"
    validator, recorder = Validator(), Recorder()
    with taddons.context(validator, recorder) as tctx:
        tctx.configure(
            validator, vstape_cassette=str(cassette), vstape_quiet=True, vstape_keep_ids=keep
        )
        created = _exchange(
            validator,
            recorder,
            "POST",
            "/v1/vector_stores",
            b'{"name": "n"}',
            "req_7f3c9a0b1d2e4f5a6b7c8d9e0f1a2b3c",
        )
        got = _exchange(validator, recorder, "GET", f"/v1/vector_stores/{REAL}", b"", "req_0a1b")
        recorder.done()
    assert json.loads(created)["id"] == REAL and json.loads(got)["id"] == REAL
    assert json.loads(got)["created_at"] == CREATED
    first, second = load(cassette).interactions
    text = cassette.read_text()
    if keep:
        assert REAL in text and json.loads(first.response.body.bytes)["created_at"] == CREATED
        assert first.vstape is not None and first.vstape.recorded_at  # type: ignore[union-attr]
        return
    placeholder = "vs_vstape000000000000000001"
    assert REAL not in text and json.loads(first.response.body.bytes)["id"] == placeholder
    assert second.request.uri.endswith(f"/v1/vector_stores/{placeholder}")
    assert json.loads(first.response.body.bytes)["created_at"] == EPOCH
    assert second.response.headers["x-request-id"] == ["req_vstape0002"]  # its length
    assert first.vstape is not None and first.vstape.recorded_at is None  # type: ignore[union-attr]
