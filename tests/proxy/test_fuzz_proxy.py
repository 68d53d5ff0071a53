"""Schema-derived fuzzing through the real recording proxy: the validator keeps serving.

`vstape record --strict` (a mitmproxy process) sits in front of a stub upstream on
127.0.0.1 that answers each request with a mutated response of the route's schema. The
client sends mutated requests: every invalid one is answered by the proxy's validator
with a 400 in OpenAI's envelope and is not forwarded; every valid one reaches the
upstream and its (mutated) response comes back unchanged. Afterwards a clean request
still works and the cassette holds every interaction.
"""

from __future__ import annotations

import random
import signal
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import httpx2
import msgspec
import pytest

from tests.procs import vstape_server
from tests.unit.validation import schema_fuzz as sf
from vstape.api.routes import ROUTES
from vstape.cassettes.io import load
from vstape.http import Request
from vstape.validation.validate import errors, validate_request

PER_SAMPLE = 2  # mutations per sample, drawn with a fixed seed: ~200 flows over every route
IDS = {"vector_store_id": "vs_1", "file_id": "file-1", "batch_id": "vsfb_1"}


class _Upstream(BaseHTTPRequestHandler):
    """Answers with the response the request's ``x-fuzz-case`` header names."""

    protocol_version = "HTTP/1.1"
    cases: ClassVar[list[tuple[int, bytes]]] = []

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        status, body = self.cases[int(self.headers.get("x-fuzz-case", "0"))]
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = _answer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def upstream() -> Iterator[str]:
    """The stub upstream on a free port of 127.0.0.1."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _first(route: Any, side: str) -> sf.Sample | None:
    return next(
        (
            s
            for s in sf.samples()
            if s.route is route and s.side == side and s.shape != "query" and s.status == 200
        ),
        None,
    )


def _plain(route: Any) -> Request:
    """A valid request of ``route`` (its first valid body, if it takes one)."""
    base = _first(route, "request")
    if base is not None:
        return sf.request_of(base, base.value, IDS)
    path = route.path(**{p: IDS[p] for p in route.params})
    return Request(route.method, path, tuple(sf.AUTH.items()))


def _flows() -> Iterator[tuple[Any, Request, tuple[int, bytes]]]:
    """(route, request, upstream response) for a spread of mutated requests and responses."""
    rng = random.Random(13)
    for sample in sf.samples():
        route = sample.route
        for _, mutated in rng.sample(list(sf.mutations(sample)), PER_SAMPLE):
            if sample.side == "request":
                response = _first(route, "response")
                assert response is not None
                yield route, sf.request_of(sample, mutated, IDS), (200, sf.encode(response.value))
            else:
                yield route, _plain(route), (sample.status, sf.encode(mutated))


def test_the_strict_proxy_keeps_serving_mutated_traffic(upstream: str, tmp_path: Path) -> None:
    """Invalid requests: the validator's 400; valid ones: the upstream's response, unchanged."""
    flows = list(_flows())
    listing = _first(ROUTES[0], "response")
    assert listing is not None
    _Upstream.cases = [answer for *_, answer in flows] + [(200, sf.encode(listing.value))]
    assert {route.name for route, *_ in flows} == {r.name for r in ROUTES}
    cassette = tmp_path / "fuzz.yaml"
    args = ("record", "--upstream", upstream, "--listen", "127.0.0.1:0", "--strict")
    with vstape_server(*args, "--cassette", str(cassette), "--quiet") as (proc, url):
        origin = url.removesuffix("/v1")
        rejected = forwarded = 0
        with httpx2.Client(timeout=30) as client:
            for case, (route, request, (status, sent)) in enumerate(flows):
                headers = dict(request.headers)
                answer = client.request(
                    route.method,
                    origin + request.url,
                    headers={**headers, "x-fuzz-case": str(case)},
                    content=request.body,
                )
                invalid = errors(validate_request(route.method, request.url, headers, request.body))
                if invalid:
                    assert answer.status_code == 400, (route.name, answer.text[:200])
                    assert answer.headers["x-vstape-strict"] == "rejected"
                    assert msgspec.json.decode(answer.content)["error"]["param"] is not None
                    rejected += 1
                else:
                    assert (answer.status_code, answer.content) == (status, sent), route.name
                    forwarded += 1
            last = {**sf.AUTH, "x-fuzz-case": str(len(flows))}
            assert client.get(origin + "/v1/vector_stores", headers=last).status_code == 200
        assert proc.poll() is None, "the proxy died"
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
    assert rejected and forwarded, (rejected, forwarded)
    assert len(load(cassette).interactions) == len(flows) + 1
