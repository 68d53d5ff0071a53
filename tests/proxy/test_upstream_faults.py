"""A misbehaving upstream: the recording proxy gives the client a clear error and keeps serving."""

from __future__ import annotations

import signal
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from tests.procs import free_port, vstape_server
from vstape.cassettes.io import load

GOOD = (
    b'{"id":"vs_1","object":"vector_store","created_at":1,"name":"x","usage_bytes":0,'
    b'"file_counts":{"in_progress":0,"completed":0,"failed":0,"cancelled":0,"total":0},'
    b'"status":"completed","last_active_at":1,"metadata":{}}'
)


def _serve(sock: socket.socket, stop: threading.Event) -> None:
    """Answer by path: /reset (drop mid-body), /garbage (not HTTP), /stall (say nothing), else a good store."""
    sock.settimeout(0.2)
    while not stop.is_set():
        try:
            conn, _ = sock.accept()
        except TimeoutError:
            continue
        with conn:
            conn.settimeout(5)
            try:
                request = conn.recv(65536)
            except OSError:
                continue
            line = request.split(b"\r\n", 1)[0]
            if b"/reset" in line:
                conn.sendall(
                    b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"id":'
                )
                conn.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
                )
            elif b"/garbage" in line:
                conn.sendall(b"\x00\xffthis is not http\r\n\r\n")
            elif b"/stall" in line:
                stop.wait(3)
            else:
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                    + str(len(GOOD)).encode()
                    + b"\r\nConnection: close\r\n\r\n"
                    + GOOD
                )


@pytest.fixture
def bad_upstream() -> Iterator[str]:
    """A raw-socket upstream on 127.0.0.1 that misbehaves on demand."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    stop = threading.Event()
    thread = threading.Thread(target=_serve, args=(sock, stop), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=10)
        sock.close()


def test_upstream_failures_are_reported_and_the_proxy_keeps_serving(
    tmp_path: Path, bad_upstream: str
) -> None:
    """Reset mid-body, garbage, stall and a refused upstream each fail one request; good ones still record."""
    cassette = tmp_path / "c.yaml"
    headers = {"authorization": "Bearer sk-x"}
    with vstape_server(
        "record",
        "--listen",
        "127.0.0.1:0",
        "--upstream",
        bad_upstream,
        "--cassette",
        str(cassette),
        "--quiet",
    ) as (proc, url):
        with httpx2.Client(base_url=url, headers=headers, timeout=2) as http:
            assert http.get("/vector_stores/vs_1").json()["id"] == "vs_1"
            for path in ("/vector_stores/reset", "/vector_stores/garbage"):
                response = http.get(path)
                assert response.status_code == 502, (path, response.status_code)
            with pytest.raises(httpx2.ReadTimeout):
                http.get("/vector_stores/stall")
            assert http.get("/vector_stores/vs_1").json()["id"] == "vs_1"
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    recorded = [i.request.uri for i in load(cassette).interactions]
    assert recorded.count("https://api.openai.com/v1/vector_stores/vs_1") == 2


def test_refused_upstream_is_a_502_not_a_crash(tmp_path: Path) -> None:
    """With nothing listening upstream the client gets a 502 and the proxy stays up."""
    dead = f"http://127.0.0.1:{free_port()}"
    with vstape_server("record", "--listen", "127.0.0.1:0", "--upstream", dead, "--quiet") as (
        proc,
        url,
    ):
        with httpx2.Client(
            base_url=url, headers={"authorization": "Bearer sk-x"}, timeout=5
        ) as http:
            for _ in range(3):
                assert http.get("/vector_stores").status_code == 502
        assert proc.poll() is None
