"""The emulator behind a plain stdlib HTTP server (no mitmproxy), for test fixtures.

``vstape emulate`` (mitmproxy) is the product; this is the lightweight in-process twin
the pytest plugin's ``vector_store_emulator`` fixture starts on 127.0.0.1.
"""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from vstape.emulator.app import Emulator
from vstape.http import Request


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: avoid 40 ms stalls

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        answer = self.server.emulator.handle(
            Request(self.command, self.path, tuple(self.headers.items()), body)
        )
        self.send_response(answer.status)
        for name, value in answer.headers:
            self.send_header(name, value)
        self.send_header("content-length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)

    do_GET = do_POST = do_DELETE = _answer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read results, not access logs."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        super().__init__(("127.0.0.1", 0), _Handler)


class EmulatorServer:
    """A running emulator on 127.0.0.1 with a free port; ``stop()`` ends it."""

    def __init__(self, emulator: Emulator | None = None) -> None:
        self.emulator = emulator or Emulator()
        self._server = _Server(self.emulator)
        self._server.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="vstape-emulator", daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        """The base URL clients use, ending in /v1."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def stop(self) -> None:
        """Shut the server down and wait for it."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
