"""`kill -9` of the recording proxy at 20 random moments: cassettes always load, nothing completed is lost."""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from pathlib import Path

import httpx2
import pytest

from tests.procs import vstape_server
from vstape.cassettes.io import load

KILLS = 20


@pytest.mark.parametrize("seed", range(KILLS))
def test_kill_at_a_random_moment(tmp_path: Path, seed: int) -> None:
    """Kill after a random delay mid-traffic (two clients, two cassettes): every completed response is recorded."""
    delay = random.Random(seed).uniform(0.2, 0.8)
    out = tmp_path / "c"
    # --keep-ids: each response's real x-request-id says which one the cassettes hold
    with vstape_server(
        "record", "--listen", "127.0.0.1:0", "--cassette-dir", str(out), "--quiet", "--keep-ids"
    ) as (proc, url):
        got: list[str] = []
        lock = threading.Lock()
        stop = threading.Event()

        def client(kind: int) -> None:
            with httpx2.Client(
                base_url=url, headers={"authorization": "Bearer sk-k"}, timeout=5
            ) as http:
                while not stop.is_set():
                    try:
                        if kind:
                            response = http.post(
                                "/vector_stores", json={"name": "k", "metadata": {"n": str(kind)}}
                            )
                        else:
                            response = http.get("/vector_stores?limit=2")
                    except httpx2.HTTPError:
                        return
                    with lock:
                        got.append(response.headers["x-request-id"])

        threads = [threading.Thread(target=client, args=(k,)) for k in (0, 1)]
        for thread in threads:
            thread.start()
        # The random moment counts from the first completed response: on a loaded machine
        # the proxy may take longer than the delay to answer at all.
        deadline = time.monotonic() + 20
        while not got and time.monotonic() < deadline and all(t.is_alive() for t in threads):
            time.sleep(0.01)
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
    recorded = [
        i.response.headers["x-request-id"][0]
        for p in sorted(out.glob("*.yaml"))
        for i in load(p).interactions
    ]
    assert got, "no traffic before the kill"
    assert set(got) <= set(recorded)
    assert len(recorded) == len(set(recorded))
