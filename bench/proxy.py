"""Requests/s through mitmdump with vstape's addons vs bare mitmdump, same upstream.

Both proxies run side by side in front of one tiny stdlib upstream (TCP_NODELAY, a fixed
valid Vector Store answer), and the same client load goes through each in interleaved
rounds (bench._common.interleave); the figure is the median of the per-round ratios, with
its min-max spread. Two vstape setups are measured: the validator alone, and validator +
recorder (every interaction fsync'ed into a cassette).
Target: ratio >= 0.85.
"""

from __future__ import annotations

import functools
import http.client
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench._common import figure, interleave, ratio_of

ROOT = Path(__file__).resolve().parents[1]
MITMDUMP = str(Path(sys.executable).with_name("mitmdump"))
CLIENTS = 4
PER_CLIENT = 150
ROUNDS = 7
STORE = json.dumps(
    {
        "id": "vs_bench",
        "object": "vector_store",
        "created_at": 1700000000,
        "name": "bench",
        "usage_bytes": 0,
        "file_counts": {"in_progress": 0, "completed": 0, "failed": 0, "cancelled": 0, "total": 0},
        "status": "completed",
        "expires_after": None,
        "expires_at": None,
        "last_active_at": 1700000000,
        "metadata": {},
    }
).encode()


class _Upstream(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("x-request-id", "req_bench")
        self.send_header("content-length", str(len(STORE)))
        self.end_headers()
        self.wfile.write(STORE)

    do_GET = _answer
    do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_port(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"mitmdump exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"mitmdump did not listen on {port}")


def _mitmdump(upstream: int, extra: list[str]) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    proc = subprocess.Popen(
        [
            MITMDUMP,
            "-q",
            "--listen-host",
            "127.0.0.1",
            "-p",
            str(port),
            "--mode",
            f"reverse:http://127.0.0.1:{upstream}",
            *extra,
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_port(port, proc)
    return proc, port


def _client(port: int, errors: list[str]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"authorization": "Bearer sk-bench", "content-type": "application/json"}
    try:
        for i in range(PER_CLIENT):
            if i % 2:
                conn.request("POST", "/v1/vector_stores", body=b'{"name":"bench"}', headers=headers)
            else:
                conn.request("GET", "/v1/vector_stores/vs_bench", headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(str(response.status))
    finally:
        conn.close()


def _round(port: int) -> float:
    """Requests per second for CLIENTS keep-alive clients x PER_CLIENT requests."""
    errors: list[str] = []
    threads = [threading.Thread(target=_client, args=(port, errors)) for _ in range(CLIENTS)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.perf_counter() - start
    if errors:
        raise RuntimeError(f"non-200 answers through port {port}: {errors[:5]}")
    return CLIENTS * PER_CLIENT / elapsed


def main() -> int:
    """Run the interleaved rounds and print the ratios."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    upstream = int(server.server_address[1])
    script = str(ROOT / "proxy_addons" / "vstape_mitmproxy" / "addons.py")
    with tempfile.TemporaryDirectory() as tmp:
        setups = {
            "bare": [],
            "validate": ["-s", script, "--set", "vstape_quiet=true"],
            "validate+record": [
                "-s",
                script,
                "--set",
                "vstape_quiet=true",
                "--set",
                f"vstape_cassette={Path(tmp) / 'bench.yaml'}",
            ],
        }
        procs = {name: _mitmdump(upstream, extra) for name, extra in setups.items()}
        try:
            results = interleave(
                {name: functools.partial(_round, port) for name, (_, port) in procs.items()},
                rounds=ROUNDS,
                warmup=1,
            )
        finally:
            for proc, _ in procs.values():
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
            server.shutdown()
    for name, spread in results.items():
        print(
            f"{name:16} median {spread.median:8.0f} req/s  rounds {[round(v) for v in spread.values]}"
        )
    bare = results["bare"]
    for name in ("validate", "validate+record"):
        ratio = ratio_of(results[name], bare)
        print(f"{name}: {ratio.median:.2f} of bare mitmdump (target >= 0.85)")
        figure(
            f"proxy req/s, vstape {name}",
            results[name],
            "req/s",
            "bare mitmdump",
            bare,
            ratio,
            ">= 0.85x",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
