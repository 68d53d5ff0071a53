"""`vstape record --mode forward`: an HTTP(S) proxy the client is configured with, mitmproxy's CA trusted."""

from __future__ import annotations

import http.server
import json
import signal
import ssl
import subprocess
import threading
from pathlib import Path
from typing import ClassVar

import httpx2
import pytest
from openai import OpenAI

from tests import factories as f
from tests.procs import ROOT, VSTAPE, vstape_server
from vstape.cassettes.io import load


def test_forward_mode_with_mitmproxys_ca(tmp_path: Path) -> None:
    """Forward (HTTPS) proxy, --upstream emulator: the SDK trusts mitmproxy's CA, the emulator answers."""
    confdir = tmp_path / "conf"
    cassette = tmp_path / "fwd.yaml"
    args = [
        "record",
        "--mode",
        "forward",
        "--upstream",
        "emulator",
        "--listen",
        "127.0.0.1:0",
        "--confdir",
        str(confdir),
        "--cassette",
        str(cassette),
        "--quiet",
        "--keep-ids",  # the cassette's ids are the ones the client saw
    ]
    ready = r"forward proxy at http://127\.0\.0\.1:(\d+) -> the emulator"
    with vstape_server(*args, ready=ready) as (proc, url):
        proxy = url.removesuffix("/v1")
        trust = ssl.create_default_context(cafile=str(confdir / "mitmproxy-ca-cert.pem"))
        http = httpx2.Client(proxy=proxy, verify=trust)
        with OpenAI(api_key="sk-test", max_retries=0, http_client=http) as client:
            created = client.vector_stores.create(name="fwd")
            assert client.vector_stores.retrieve(created.id).name == "fwd"
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    uris = [i.request.uri for i in load(cassette).interactions]
    assert uris == [
        "https://api.openai.com/v1/vector_stores",
        f"https://api.openai.com/v1/vector_stores/{created.id}",
    ]


REAL_STORE = f.vector_store(id="vs_from_the_real_server", name="answered by the real upstream")


class _RealUpstream(http.server.BaseHTTPRequestHandler):
    """A stand-in for a real host: answers one recognizable vector store to any GET."""

    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        body = json.dumps(REAL_STORE).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.send_header("x-request-id", "req_real_upstream")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_forward_mode_records_the_real_destination(tmp_path: Path) -> None:
    """Forward mode without --upstream: each request goes to its own host, and that is recorded."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _RealUpstream)
    _RealUpstream.seen = []
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}).start()
    real = f"http://127.0.0.1:{server.server_address[1]}/v1"
    cassette = tmp_path / "fwd.yaml"
    args = ["record", "--mode", "forward", "--listen", "127.0.0.1:0", "--cassette", str(cassette)]
    args.append("--keep-ids")  # the cassette holds exactly what the real destination said
    ready = r"forward proxy at http://127\.0\.0\.1:(\d+) -> each request's own host"
    try:
        with vstape_server(*args, ready=ready) as (proc, url):
            proxy = url.removesuffix("/v1")
            with (
                httpx2.Client(proxy=proxy, timeout=10) as http_client,
                OpenAI(
                    api_key="sk-test", base_url=real, max_retries=0, http_client=http_client
                ) as client,
            ):
                got = client.vector_stores.retrieve(REAL_STORE["id"])  # type: ignore[arg-type]
            proc.send_signal(signal.SIGTERM)
            log, _ = proc.communicate(timeout=30)
    finally:
        server.shutdown()
        server.server_close()
    assert got.name == "answered by the real upstream"
    assert _RealUpstream.seen == ["/v1/vector_stores/vs_from_the_real_server"]
    assert "vstape get_vector_store 200" in log and "OK" in log
    [item] = load(cassette).interactions
    assert json.loads(item.response.body.bytes) == REAL_STORE
    assert item.response.headers["x-request-id"] == ["req_real_upstream"]


@pytest.mark.parametrize("upstream", ["https://api.openai.com", "http://127.0.0.1:9"])
def test_forward_mode_refuses_an_upstream_url(upstream: str) -> None:
    """--mode forward --upstream URL is an error (exit 2) saying what --upstream URL is for."""
    done = subprocess.run(
        [*VSTAPE, "record", "--listen", "127.0.0.1:0", "--mode", "forward", "--upstream", upstream],
        capture_output=True,
        text=True,
        timeout=15,
        cwd=ROOT,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "forward mode sends each request to its own host" in done.stderr
    assert "--upstream URL is for reverse mode" in done.stderr
    assert done.stdout == ""
