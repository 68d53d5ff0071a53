"""The client gets exactly what the upstream sent; the cassette gets it decoded."""

from __future__ import annotations

import gzip
import http.client
import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import brotli
import pytest
import zstandard

from tests import factories as f
from tests.procs import ROOT, free_port, vstape_server
from vstape.cassettes.io import load

STORE = f.body(f.vector_store(name="n"))
BINARY = bytes(range(256)) * 4
# path -> (content-type, content-encoding, body as sent, chunked)
ANSWERS: dict[str, tuple[str, str, bytes, bool]] = {
    "/v1/vector_stores/vs_gzip": ("application/json", "gzip", gzip.compress(STORE, mtime=0), False),
    "/v1/vector_stores/vs_br": ("application/json", "br", brotli.compress(STORE), True),
    "/v1/vector_stores/vs_zstd": (
        "application/json",
        "zstd",
        zstandard.ZstdCompressor().compress(STORE),
        False,
    ),
    "/v1/vector_stores/vs_plain": ("application/json", "", STORE, True),
    "/v1/files/file-1/content": ("application/octet-stream", "", BINARY, True),
    "/v1/vector_stores/vs_1/events": (
        "text/event-stream",
        "",
        b"data: {}\n\ndata: [DONE]\n\n",
        True,
    ),
    "/v1/models": ("application/json", "", b'{"object":"list","data":[]}', False),
}


class _Upstream(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        content_type, encoding, body, chunked = ANSWERS[self.path]
        self.send_response(200)
        self.send_header("content-type", content_type)
        self.send_header("x-request-id", "req_" + self.path.rsplit("/", 1)[-1])
        if encoding:
            self.send_header("content-encoding", encoding)
        if chunked:
            self.send_header("transfer-encoding", "chunked")
            self.end_headers()
            for start in range(0, len(body), 100):
                part = body[start : start + 100]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def upstream() -> Iterator[int]:
    """A stdlib upstream on 127.0.0.1 answering ANSWERS, stopped afterwards."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_client_gets_upstream_bytes_and_cassette_gets_them_decoded(
    tmp_path: Path, upstream: int
) -> None:
    """Compressed, chunked, binary and SSE answers reach the client byte for byte."""
    cassette = tmp_path / "t.yaml"
    args = ["record", "--listen", "127.0.0.1:0", "--cassette", str(cassette), "--quiet"]
    args.append("--keep-ids")  # the cassette holds exactly what the upstream said, decoded
    with vstape_server(*args, "--upstream", f"http://127.0.0.1:{upstream}") as (proc, url):
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for path, (_, encoding, body, _) in ANSWERS.items():
            conn.request("GET", path, headers={"authorization": "Bearer sk-x"})
            response = conn.getresponse()
            assert response.read() == body, path  # raw bytes: still compressed
            assert response.headers.get("content-encoding", "") == encoding, path
        conn.close()
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    recorded = {
        i.request.uri.removeprefix("https://api.openai.com"): i for i in load(cassette).interactions
    }
    assert set(recorded) == {
        "/v1/vector_stores/vs_gzip",
        "/v1/vector_stores/vs_br",
        "/v1/vector_stores/vs_zstd",
        "/v1/vector_stores/vs_plain",
        "/v1/files/file-1/content",
    }, "SSE streams and traffic outside the two families are not recorded"
    for name in ("vs_gzip", "vs_br", "vs_zstd", "vs_plain"):
        item = recorded[f"/v1/vector_stores/{name}"]
        assert json.loads(item.response.body.bytes) == json.loads(STORE)
        assert "content-encoding" not in item.response.headers
        assert "transfer-encoding" not in item.response.headers
    assert recorded["/v1/files/file-1/content"].response.body.bytes == BINARY


def test_mitmdump_script_entry_records_per_route(tmp_path: Path, upstream: int) -> None:
    """`mitmdump -s proxy_addons/vstape_mitmproxy/addons.py --set vstape_cassette_dir=DIR` as documented."""
    port = free_port()
    out = tmp_path / "recorded"
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("mitmdump")),
            "--mode",
            f"reverse:http://127.0.0.1:{upstream}",
            "--listen-host",
            "127.0.0.1",
            "-p",
            str(port),
            "-s",
            "proxy_addons/vstape_mitmproxy/addons.py",
            "--set",
            f"vstape_cassette_dir={out}",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = b""
        for _ in range(200):  # up to ~10 s for mitmdump to listen
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", "/v1/vector_stores/vs_plain", headers={"authorization": "x"})
                body = conn.getresponse().read()
                conn.close()
                break
            except ConnectionRefusedError:
                time.sleep(0.05)
        assert body == STORE
    finally:
        proc.send_signal(signal.SIGINT)
        log, _ = proc.communicate(timeout=30)
    assert "vstape get_vector_store 200" in log
    [item] = load(out / "get_vector_store.yaml").interactions
    assert item.request.uri == "https://api.openai.com/v1/vector_stores/vs_plain"
