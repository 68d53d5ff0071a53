"""Requests/s through mitmdump with vstape's addons vs bare mitmdump, same upstream.

Both proxies run side by side in front of one tiny stdlib upstream (TCP_NODELAY, a fixed
valid Vector Store answer), and the same client load goes through each in interleaved
rounds (bench._common.interleave); the figure is the median of the per-round ratios, with
its min-max spread. Three vstape setups are measured: the validator alone, validator +
recorder in the default durable mode (``vstape_durability=sync``: each response waits
until its interaction is synced to disk), and validator + recorder with the opt-in
``vstape_durability=flush`` (each response waits until its interaction is written to the
OS, not synced). Each at 4 and at 16 concurrent keep-alive clients (the same number of
requests per round). Target: ratio >= 0.85 for the default mode. One more row shows what recording itself
costs: validate+record against the validator alone, in the same rounds.

The recording work runs in vstape's writer process (vstape.recording.writer_child), on
the machine's other core; the figures are the proxy's throughput, the child's CPU is not
hidden from them (the bench's clients, the upstream, mitmdump and the child share the
machine's cores).
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
CLIENTS = (4, 16)
REQUESTS = 600  # per round, split between the clients
ROUNDS = 11
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


def _client(port: int, errors: list[str], count: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"authorization": "Bearer sk-bench", "content-type": "application/json"}
    try:
        for i in range(count):
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


def _round(port: int, clients: int) -> float:
    """Requests per second for ``clients`` keep-alive clients sharing REQUESTS requests."""
    errors: list[str] = []
    each = REQUESTS // clients
    threads = [threading.Thread(target=_client, args=(port, errors, each)) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.perf_counter() - start
    if errors:
        raise RuntimeError(f"non-200 answers through port {port}: {errors[:5]}")
    return clients * each / elapsed


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
            "validate+record flush": [
                "-s",
                script,
                "--set",
                "vstape_quiet=true",
                "--set",
                f"vstape_cassette={Path(tmp) / 'flush.yaml'}",
                "--set",
                "vstape_durability=flush",
            ],
        }
        procs = {name: _mitmdump(upstream, extra) for name, extra in setups.items()}
        try:
            runs = {
                clients: interleave(
                    {
                        name: functools.partial(_round, port, clients)
                        for name, (_, port) in procs.items()
                    },
                    rounds=ROUNDS,
                    warmup=1,
                )
                for clients in CLIENTS
            }
        finally:
            for proc, _ in procs.values():
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
            server.shutdown()
    for clients, results in runs.items():
        for name, spread in results.items():
            rounds = [round(v) for v in spread.values]
            print(
                f"{clients:>2} clients {name:22} median {spread.median:8.0f} req/s  rounds {rounds}"
            )
        bare = results["bare"]
        own = ratio_of(results["validate+record"], results["validate"])
        print(f"{clients:>2} clients validate+record: {own.median:.2f} of validate alone")
        figure(
            f"proxy req/s, vstape validate+record (durable) vs validate alone, {clients} clients",
            results["validate+record"],
            "req/s",
            "vstape validate",
            results["validate"],
            own,
            "",
        )
        for name in ("validate", "validate+record", "validate+record flush"):
            ratio = ratio_of(results[name], bare)
            print(f"{clients:>2} clients {name}: {ratio.median:.2f} of bare mitmdump")
            mode = {"validate+record": " (durable: synced)", "validate+record flush": " (opt-in)"}
            figure(
                f"proxy req/s, vstape {name}{mode.get(name, '')}, {clients} clients",
                results[name],
                "req/s",
                "bare mitmdump",
                bare,
                ratio,
                ">= 0.85x" if name != "validate+record flush" else "",
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
