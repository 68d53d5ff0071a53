"""Bytes that are not UTF-8 are recorded losslessly and replayed byte for byte.

A raw-socket upstream on 127.0.0.1 answers with a header and a body that are not UTF-8;
a raw-socket client sends a header and a body that are not UTF-8. ``vstape record``
(the real proxy) must keep every such interaction (the run's summary says all were
recorded, exit 0), stock vcrpy must load the cassette and see the very bytes, and
``vstape replay`` must send the recorded header and body back byte for byte. YAML and
JSON cassettes both.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from vcr.persisters.filesystem import FilesystemPersister
from vcr.serializers import yamlserializer

from tests.procs import vstape_server
from vstape.cassettes.binary import header_bytes
from vstape.cassettes.io import load

WEIRD_HEADER = b"caf\xe9 \xff\xfe"  # Latin-1 and plain invalid UTF-8
BINARY_BODY = b"\x00\xff\xfe binary \x80\x81"
REQUEST_BODY = b'{"name": "caf\xe9"}'  # JSON-shaped, but not UTF-8


def _exchange(port: int, request: bytes) -> bytes:
    """Send one raw request (Connection: close); return the raw response."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data


def _split(raw: bytes) -> tuple[list[tuple[bytes, bytes]], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")[1:]
    headers = [
        (k.strip().lower(), v.strip()) for k, _, v in (line.partition(b":") for line in lines)
    ]
    return headers, body


def _request(method: bytes, path: bytes, body: bytes = b"") -> bytes:
    return (
        method
        + b" "
        + path
        + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer sk-secret-0123456789\r\n"
        + b"X-U: \xff\xfe\r\nContent-Type: application/json\r\n"
        + b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
        + body
    )


@contextmanager
def _upstream() -> Iterator[int]:
    """A raw HTTP/1.1 server: every answer carries WEIRD_HEADER; content paths a binary body."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(5)
                data = b""
                while b"\r\n\r\n" not in data:
                    data += conn.recv(65536)
                head, _, rest = data.partition(b"\r\n\r\n")
                length = next(
                    (
                        int(line.split(b":", 1)[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    ),
                    0,
                )
                while len(rest) < length:
                    rest += conn.recv(65536)
                binary = head.split(b" ")[1].endswith(b"/content")
                body = BINARY_BODY if binary else b'{"id": "vs_1", "object": "vector_store"}'
                kind = b"application/octet-stream" if binary else b"application/json"
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: "
                    + kind
                    + b"\r\nX-Weird: "
                    + WEIRD_HEADER
                    + b"\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
                    + body
                )

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        server.close()


CONTENT = b"/v1/vector_stores/vs_1/files/file-1/content"


@pytest.mark.timeout(180)
@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_non_utf8_bytes_are_recorded_and_replayed_byte_for_byte(
    tmp_path: Path, suffix: str
) -> None:
    """Record through the real proxy, load with stock vcrpy, replay to a raw client."""
    cassette = tmp_path / f"c{suffix}"
    with (
        _upstream() as upstream,
        vstape_server(
            "record",
            "--listen",
            "127.0.0.1:0",
            "--upstream",
            f"http://127.0.0.1:{upstream}",
            "--cassette",
            str(cassette),
            "--keep-ids",  # replayed to a raw client that sends the upstream's ids
        ) as (proc, url),
    ):
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        live = [
            _exchange(port, _request(b"POST", b"/v1/vector_stores", REQUEST_BODY)),
            _exchange(port, _request(b"GET", CONTENT)),
        ]
        proc.terminate()
        log, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, log
    assert "vstape: 2 exchanges, 2 recorded" in log
    assert "NOT recorded" not in log and "could not record" not in log
    for raw in live:  # the client got the upstream's bytes through the proxy
        headers, _ = _split(raw)
        assert (b"x-weird", WEIRD_HEADER) in headers

    items = load(cassette).interactions
    assert [header_bytes(i.request.headers["x-u"][0]) for i in items] == [b"\xff\xfe"] * 2
    assert [header_bytes(i.response.headers["x-weird"][0]) for i in items] == [WEIRD_HEADER] * 2
    assert items[0].request.body == REQUEST_BODY
    assert items[1].response.body.bytes == BINARY_BODY
    assert items[0].request.headers["authorization"] == ["REDACTED"]
    if suffix == ".yaml":
        text = cassette.read_text(encoding="utf-8")
        assert text.count("!!binary") == 6  # 2 x-u, 2 x-weird, 1 request body, 1 response body
        requests, responses = FilesystemPersister.load_cassette(str(cassette), yamlserializer)
        assert [r.headers["x-u"] for r in requests] == [b"\xff\xfe"] * 2
        assert responses[0]["headers"]["x-weird"] == [WEIRD_HEADER]
        assert responses[1]["body"]["string"] == BINARY_BODY
        assert requests[0].body == REQUEST_BODY

    with vstape_server("replay", str(cassette), "--listen", "127.0.0.1:0") as (proc, url):
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        replayed = [
            _exchange(port, _request(b"POST", b"/v1/vector_stores", REQUEST_BODY)),
            _exchange(port, _request(b"GET", CONTENT)),
        ]
    for raw in replayed:
        headers, _ = _split(raw)
        assert raw.startswith(b"HTTP/1.1 200"), raw[:200]
        assert (b"x-weird", WEIRD_HEADER) in headers
    # JSON bodies are stored pretty (by design: reviewable); the binary one is exact.
    assert json.loads(_split(replayed[0])[1]) == json.loads(_split(live[0])[1])
    assert _split(replayed[1])[1] == _split(live[1])[1] == BINARY_BODY
