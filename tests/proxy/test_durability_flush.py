"""`vstape record --durability flush`: `kill -9` still keeps every completed interaction; a bad value is refused."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx2
import pytest

from tests.procs import ROOT, vstape_server
from vstape.cassettes.io import load

KILLS = 3


@pytest.mark.parametrize("seed", range(KILLS))
def test_kill_in_flush_mode_keeps_every_completed_interaction(tmp_path: Path, seed: int) -> None:
    """Written to the OS before the response goes back: a killed proxy loses nothing completed."""
    out = tmp_path / "c"
    with vstape_server(
        "record",
        "--listen",
        "127.0.0.1:0",
        "--cassette-dir",
        str(out),
        "--durability",
        "flush",
        "--keep-ids",  # the answers are identified by their real x-request-id
        "--quiet",
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
                            response = http.post("/vector_stores", json={"name": f"k{kind}"})
                        else:
                            response = http.get("/vector_stores?limit=2")
                    except httpx2.HTTPError:
                        return
                    with lock:
                        got.append(response.headers["x-request-id"])

        threads = [threading.Thread(target=client, args=(k,)) for k in (0, 1, 2)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 20
        while len(got) < 5 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.2 + 0.2 * seed)
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
    assert len(got) >= 5, "too little traffic before the kill"
    assert set(got) <= set(recorded)
    assert len(recorded) == len(set(recorded))


def test_an_unknown_durability_is_refused_naming_the_flag(tmp_path: Path) -> None:
    """`--durability fast`: exit 2 before listening, the choices listed."""
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("vstape")),
            "record",
            "--cassette",
            str(tmp_path / "c.yaml"),
            "--durability",
            "fast",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 2
    assert "--durability" in done.stderr and "'sync', 'flush'" in done.stderr
    assert list(tmp_path.iterdir()) == []
