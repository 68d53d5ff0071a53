"""`vstape record` and its writer process, as a user runs it: Ctrl-C, kill -9, nothing left behind.

The recording proxy's cassette work runs in a child process; these tests see it from
outside, as a user would: the child is in the proxy's process group (Ctrl-C in a terminal
reaches both), and a proxy killed with -9 must not leave it running.
"""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path

import httpx2

from tests.procs import exited, vstape_server
from vstape.cassettes.io import load

HEADERS = {"authorization": "Bearer sk-e2e-0123456789"}


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _traffic(url: str, count: int) -> list[str]:
    with httpx2.Client(base_url=url, headers=HEADERS, timeout=30) as http:
        return [
            http.post("/vector_stores", json={"name": f"s{n}"}).headers["x-request-id"]
            for n in range(count)
        ]


def test_ctrl_c_to_the_process_group_records_every_answered_request(tmp_path: Path) -> None:
    """SIGINT to the whole group (a terminal's Ctrl-C): exit 0, all 25 interactions in the cassette."""
    cassette = tmp_path / "c.yaml"
    with vstape_server(
        "record", "--listen", "127.0.0.1:0", "--cassette", str(cassette), "--keep-ids", session=True
    ) as (proc, url):
        got = _traffic(url, 25)
        writers = _children(proc.pid)
        assert writers, "the proxy started no writer process"
        os.killpg(proc.pid, signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    assert re.search(r"25 exchanges, 25 recorded", out), out
    recorded = [i.response.headers["x-request-id"][0] for i in load(cassette).interactions]
    assert recorded == got
    assert all(exited(pid) for pid in writers)


def test_kill_9_of_the_proxy_leaves_no_writer_process_running(tmp_path: Path) -> None:
    """The child lives as long as its pipe from the proxy: kill -9 the proxy and it exits too."""
    cassette = tmp_path / "c.yaml"
    with vstape_server(
        "record", "--listen", "127.0.0.1:0", "--cassette", str(cassette), "--keep-ids", "--quiet"
    ) as (proc, url):
        got = _traffic(url, 5)
        writers = _children(proc.pid)
        assert writers
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    assert all(exited(pid) for pid in writers), "a writer process outlived its proxy"
    recorded = [i.response.headers["x-request-id"][0] for i in load(cassette).interactions]
    assert recorded == got
