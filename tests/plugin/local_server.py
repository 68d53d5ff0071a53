"""A small HTTP server on 127.0.0.1 that is *not* the OpenAI API, and pytester helpers.

The server answers deterministically (a fixed ``Date``, its own ``Server`` and
``X-Served-By`` headers, a gzip-compressed endpoint), so two recordings of the same test
are byte for byte the same file whoever writes them: stock pytest-recording or vstape.
"""

from __future__ import annotations

import gzip
import json
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

FIXED_DATE = "Mon, 01 Jan 2024 00:00:00 GMT"
INI = (
    "[pytest]\nasyncio_default_fixture_loop_scope = function\n"
    "filterwarnings =\n    ignore::pytest.PytestRemovedIn10Warning\n"
)


class _Handler(BaseHTTPRequestHandler):
    server_version = "LocalTestServer/1.0"
    sys_version = ""

    def date_time_string(self, timestamp: float | None = None) -> str:
        return FIXED_DATE

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _answer(self, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("X-Served-By", "local-test-server")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path == "/gzip":
            self._answer(
                gzip.compress(b"compressed hello", mtime=0),
                "text/plain",
                {"Content-Encoding": "gzip"},
            )
            return
        self._answer(json.dumps({"path": self.path}).encode(), "application/json")

    def do_POST(self) -> None:
        size = int(self.headers.get("Content-Length") or 0)
        received = self.rfile.read(size)
        self._answer(
            json.dumps({"path": self.path, "received": len(received)}).encode(), "application/json"
        )


@contextmanager
def local_server() -> Iterator[str]:
    """Serve on 127.0.0.1 (a free port) in a thread; yields ``http://127.0.0.1:PORT``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def write_module(pytester: pytest.Pytester, name: str, code: str) -> None:
    """A test module whose cassettes go to ``$CASSETTES`` (one folder per run), and the ini."""
    header = textwrap.dedent(
        """
        import os

        import pytest


        @pytest.fixture(scope="module")
        def vcr_cassette_dir():
            return os.environ["CASSETTES"]
        """
    )
    pytester.makepyfile(**{name: header + textwrap.dedent(code)})
    pytester.makeini(INI)


def run(
    pytester: pytest.Pytester, cassettes: Path, *args: str, stock: bool = False
) -> pytest.RunResult:
    """Run the module in a subprocess: vstape active, or stock (``-p no:vstape``)."""
    pytester._monkeypatch.setenv("CASSETTES", str(cassettes))
    return pytester.runpytest_subprocess(*(["-p", "no:vstape"] if stock else []), *args)


def files_in(folder: Path) -> list[str]:
    """Every file under ``folder``, relative, sorted (dot files included)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
