"""Load: 16 concurrent clients for 60 s through the recording proxy (127.0.0.1, bounded).

Every response a client got is in the cassettes exactly once, and the proxy's memory
stays flat (peak RSS reported at the start and at the end).
"""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import httpx2

from tests.procs import vstape_server
from vstape.cassettes.io import load

CLIENTS = 16
DURATION_S = 60.0
MAX_REQUESTS_PER_CLIENT = 20_000


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def test_sixteen_clients_for_a_minute(tmp_path: Path) -> None:
    """Zero lost or duplicated interactions under sustained concurrency; RSS stays flat."""
    out = tmp_path / "load"
    # --keep-ids: each response's real x-request-id says which one the cassettes hold
    with vstape_server(
        "record", "--listen", "127.0.0.1:0", "--cassette-dir", str(out), "--quiet", "--keep-ids"
    ) as (proc, url):
        headers = {"authorization": "Bearer sk-load"}
        with httpx2.Client(base_url=url, headers=headers) as setup:
            store = setup.post("/vector_stores", json={"name": "load"}).json()["id"]
        seen: list[str] = []
        lock = threading.Lock()
        deadline = time.monotonic() + DURATION_S

        def client(n: int) -> None:
            mine: list[str] = []
            with httpx2.Client(base_url=url, headers=headers, timeout=30) as http:
                for i in range(MAX_REQUESTS_PER_CLIENT):
                    if time.monotonic() > deadline:
                        break
                    if i % 2:
                        response = http.get(f"/vector_stores/{store}")
                    else:
                        response = http.get(f"/vector_stores?limit={1 + (n + i) % 3}")
                    mine.append(response.headers["x-request-id"])
            with lock:
                seen.extend(mine)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        time.sleep(5)
        rss_start = _rss_kib(proc.pid)
        for thread in threads:
            thread.join(timeout=DURATION_S + 60)
        rss_end = _rss_kib(proc.pid)
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
    recorded = [
        i.response.headers["x-request-id"][0]
        for path in sorted(out.glob("*.yaml"))
        for i in load(path).interactions
    ]
    print(
        f"load: {len(seen)} requests by {CLIENTS} clients in {DURATION_S:.0f} s; "
        f"proxy RSS {rss_start / 1024:.1f} MiB after 5 s, {rss_end / 1024:.1f} MiB at the end"
    )
    assert len(seen) > CLIENTS * 50
    assert len(recorded) == len(set(recorded)), "an interaction was recorded twice"
    assert set(seen) <= set(recorded), "an interaction the client got is missing"
    assert len(recorded) == len(seen) + 1  # + the setup request
    assert rss_end < rss_start * 1.5 + 64 * 1024, (rss_start, rss_end)
