"""Run ``vstape record`` as a child process and learn its URL (for ``demo`` and ``cassettes``).

The proxy prints ``... reverse proxy at http://127.0.0.1:PORT/v1 ...`` once it listens;
port 0 lets the OS choose, so two runs never collide.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

READY = re.compile(r"(http://127\.0\.0\.1:\d+/v1)")


def start(
    record_args: list[str],
    *,
    echo: bool = False,
    timeout_s: float = 30,
    env: dict[str, str] | None = None,
) -> tuple[subprocess.Popen[str], str]:
    """Start ``vstape record --listen 127.0.0.1:0 RECORD_ARGS``; returns (process, base URL).

    ``echo`` prints the proxy's start-up lines; ``env``: variables set for it. RuntimeError (with what it printed) when it
    does not come up in ``timeout_s``.
    """
    command = [
        sys.executable,
        "-m",
        "vstape.cli.main",
        "record",
        "--listen",
        "127.0.0.1:0",
        *record_args,
    ]
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1", **(env or {})),
    )
    assert proc.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        seen.append(line)
        if echo:
            print(line, end="", flush=True)
        found = READY.search(line)
        if found:
            return proc, found.group(1)
    proc.kill()
    proc.communicate(timeout=10)
    raise RuntimeError("the recording proxy did not start:\n" + "".join(seen))


def stop(proc: subprocess.Popen[str], timeout_s: float = 60) -> str:
    """SIGTERM (the proxy writes its report and closes its cassettes); returns what it printed."""
    proc.send_signal(signal.SIGTERM)
    remaining, _ = proc.communicate(timeout=timeout_s)
    return remaining or ""
