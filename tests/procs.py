"""Start and stop vstape server processes for tests (127.0.0.1 only, bounded waits)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

VSTAPE = [sys.executable, "-m", "vstape.cli.main"]
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def exited(pid: int, within: float = 15.0) -> bool:
    """Whether process ``pid`` is gone (or a zombie) within ``within`` seconds (Linux /proc)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":
            return True
        time.sleep(0.02)
    return False


@contextmanager
def vstape_server(
    *args: str,
    ready: str = r"http://127\.0\.0\.1:(\d+)",
    timeout: float = 30.0,
    session: bool = False,
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Run ``vstape ARGS`` until it prints a line matching ``ready``; yields (process, base URL).

    ``session``: in a process group of its own (its id the process's), for signals to the group.
    """
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [*VSTAPE, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        env=env,
        start_new_session=session,
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    seen: list[str] = []
    url = ""
    try:
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                if proc.poll() is not None:
                    break
                continue
            seen.append(line)
            found = re.search(ready, line)
            if found:
                url = f"http://127.0.0.1:{found.group(1)}/v1"
                break
        assert url, f"vstape {' '.join(args)} did not start:\n{''.join(seen)}"
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        if proc.stdout is not None:
            proc.stdout.close()
