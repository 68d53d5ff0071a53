"""The fault addons in mitmproxy's own test harness (taddons): options, decisions, flows."""

from __future__ import annotations

import asyncio
import json

import pytest
from mitmproxy import exceptions, http
from mitmproxy.test import taddons, tflow

from vstape.faults.plan import HEADER
from vstape_mitmproxy.faults import META, FaultEnactor, FaultInjector

STORE = {"id": "vs_1", "object": "vector_store", "name": "n"}


def _flow(method: str, path: str, headers: dict[str, str] | None = None) -> http.HTTPFlow:
    request = http.Request.make(
        method,
        f"http://127.0.0.1:9{path}",
        b"",
        {"authorization": "Bearer sk-x", **(headers or {})},
    )
    return tflow.tflow(req=request)


def test_a_bad_spec_is_an_options_error_naming_it() -> None:
    """mitmproxy refuses the option with the reason (start-up stops)."""
    injector = FaultInjector()
    with taddons.context(injector) as tctx:
        with pytest.raises(exceptions.OptionsError, match="unknown scenario 'nope'"):
            tctx.configure(injector, vstape_faults=["get_vector_store:nope"])
        with pytest.raises(exceptions.OptionsError, match="must be >= 0"):
            tctx.configure(injector, vstape_fault_latency_ms=-1)


def test_status_fault_is_answered_without_forwarding() -> None:
    """not_found on get_vector_store: the proxy answers 404 naming the id; nothing upstream."""
    injector = FaultInjector()
    with taddons.context(injector) as tctx:
        tctx.configure(injector, vstape_faults=["get_vector_store:not_found"])
        flow = _flow("GET", "/v1/vector_stores/vs_abc")
        asyncio.run(injector.request(flow))
        assert flow.response is not None and flow.response.status_code == 404
        assert "vs_abc" in json.loads(flow.response.content or b"")["error"]["message"]
        assert flow.metadata[META] == {"scenario": "not_found", "step": "not_found"}
        other = _flow("GET", "/v1/vector_stores")
        asyncio.run(injector.request(other))
        assert other.response is None and META not in other.metadata


def test_the_header_is_removed_and_honoured_only_when_allowed() -> None:
    """x-vstape-fault never goes upstream; with vstape_fault_header=false it is ignored."""
    injector = FaultInjector()
    with taddons.context(injector) as tctx:
        flow = _flow("GET", "/v1/files", {HEADER: "server_error"})
        asyncio.run(injector.request(flow))
        assert HEADER not in flow.request.headers
        assert flow.response is not None and flow.response.status_code == 500
        tctx.configure(injector, vstape_fault_header=False)
        ignored = _flow("GET", "/v1/files", {HEADER: "server_error"})
        asyncio.run(injector.request(ignored))
        assert HEADER not in ignored.request.headers and ignored.response is None


def test_body_faults_break_the_real_response() -> None:
    """malformed_json keeps the real body's start but no longer parses; gzip is undone."""
    injector = FaultInjector()
    with taddons.context(injector) as tctx:
        tctx.configure(injector, vstape_faults=["get_vector_store:malformed_json"])
        flow = _flow("GET", "/v1/vector_stores/vs_1")
        asyncio.run(injector.request(flow))
        assert flow.response is None  # body faults are forwarded, then broken
        flow.response = http.Response.make(200, b"", {"content-type": "application/json"})
        flow.response.headers["content-encoding"] = "gzip"
        flow.response.content = json.dumps(STORE).encode()  # encoded as gzip
        injector.response(flow)
        assert "content-encoding" not in flow.response.headers
        text = flow.response.content or b""
        assert text.startswith(b'{"id": "vs_1"')
        with pytest.raises(json.JSONDecodeError):
            json.loads(text)


def test_truncated_body_announces_more_than_it_sends() -> None:
    """The enactor sets content-length to the whole body and closes the connection."""
    injector, enactor = FaultInjector(), FaultEnactor()
    with taddons.context(injector, enactor) as tctx:
        tctx.configure(injector, vstape_faults=["get_vector_store:truncated_body"])
        flow = _flow("GET", "/v1/vector_stores/vs_1")
        asyncio.run(injector.request(flow))
        whole = json.dumps(STORE).encode()
        flow.response = http.Response.make(200, whole, {"content-type": "application/json"})
        injector.response(flow)
        asyncio.run(enactor.response(flow))
        assert len(flow.response.raw_content or b"") < len(whole)
        assert flow.response.headers["content-length"] == str(len(whole))
        assert flow.response.headers["connection"] == "close"


def test_connection_reset_kills_the_flow_after_the_stand_in_is_set() -> None:
    """The stand-in is what the recorder records; the client gets a dropped connection."""
    injector, enactor = FaultInjector(), FaultEnactor()
    with taddons.context(injector, enactor) as tctx:
        tctx.configure(injector, vstape_faults=["*:connection_reset"])
        flow = _flow("DELETE", "/v1/files/file-1")
        asyncio.run(injector.request(flow))
        assert flow.response is not None and flow.response.status_code == 502
        assert json.loads(flow.response.content or b"")["error"]["code"] == "connection_reset"
        asyncio.run(enactor.response(flow))
        assert flow.error is not None  # killed


def test_a_replayed_cut_body_is_sent_as_recorded_not_cut_again() -> None:
    """Replayer -> injector -> enactor: the recorded half body goes out, announced as more."""
    from vstape.cassettes.io import load
    from vstape.cassettes.shipped import shipped_path
    from vstape.replay.replayer import Replayer
    from vstape_mitmproxy.replayer import ReplayerAddon

    path = shipped_path("list_vector_stores", "truncated_body")
    recorded = load(path).interactions[0].response.body.bytes
    injector, replayer, enactor = (
        FaultInjector(),
        ReplayerAddon(Replayer([path], match="route")),
        FaultEnactor(),
    )
    with taddons.context(injector, replayer, enactor):
        flow = _flow("GET", "/v1/vector_stores?limit=5")
        asyncio.run(injector.request(flow))
        replayer.request(flow)
        injector.response(flow)
        asyncio.run(enactor.response(flow))
        assert flow.response is not None and flow.response.raw_content == recorded
        assert int(flow.response.headers["content-length"]) > len(recorded)
