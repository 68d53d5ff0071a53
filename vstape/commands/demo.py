"""The main job, end to end: the recording proxy in front of the emulator, driven by the SDK.

Starts ``vstape record`` (reverse mode, emulator upstream, cassettes per route), runs the
official SDK through every route (polling helpers, pagination, search, attribute
update, content, deletes, uploads) and two failure cases (404, 400), stops the proxy,
and prints its report and where the cassettes are.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``vstape demo``."""
    parser.add_argument(
        "--out",
        default="out/demo",
        help="where cassettes and reports go (default out/demo, emptied first)",
    )


def _start(out: Path) -> tuple[subprocess.Popen[str], str]:
    command = [
        sys.executable,
        "-m",
        "vstape.cli",
        "record",
        "--listen",
        "127.0.0.1:0",
        "--seed",
        "1",
        "--cassette-dir",
        str(out / "cassettes"),
        "--report-json",
        str(out / "report.json"),
        "--junit",
        str(out / "report.xml"),
        "--quiet",
    ]
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        print(line, end="", flush=True)
        found = re.search(r"(http://127\.0\.0\.1:\d+/v1)", line)
        if found:
            return proc, found.group(1)
    proc.kill()
    raise RuntimeError("the recording proxy did not start")


def _file_routes(client: Any) -> list[Any]:
    """The /v1/files routes run_everything leaves out: paginated listing and delete."""
    listed = [f.id for f in client.files.list(purpose="assistants", limit=2)]
    return [listed, client.files.delete(listed[0])]


def run(args: argparse.Namespace) -> int:
    """Record the demo traffic and print the report."""
    try:
        from openai import AsyncOpenAI, OpenAI
    except ImportError:
        print("vstape demo needs the official SDK: pip install openai", file=sys.stderr)
        return 2
    from vstape.demo_script import run_async, run_everything

    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    proc, url = _start(out)
    try:
        key = "sk-demo-0123456789abcdef"  # redacted in every cassette
        with OpenAI(api_key=key, base_url=url, max_retries=0) as client:
            results = run_everything(client)
            results.extend(_file_routes(client))

        async def go() -> None:
            async with AsyncOpenAI(api_key=key, base_url=url, max_retries=0) as client:
                await run_async(client)

        asyncio.run(go())
        print(
            f"vstape demo: the SDK made {len(results)} calls through the proxy (sync), plus an async run",
            flush=True,
        )
    finally:
        proc.send_signal(signal.SIGTERM)
        remaining, _ = proc.communicate(timeout=30)
        print(remaining, end="")
    cassettes = sorted((out / "cassettes").glob("*.yaml"))
    print(
        f"\nvstape demo: {len(cassettes)} cassettes in {out / 'cassettes'}; report: {out / 'report.json'}, {out / 'report.xml'}"
    )
    print("replay them offline with pytest (see README 'Testing with vstape'), or validate them:")
    print(f"  vstape validate {out / 'cassettes'}")
    return proc.returncode or 0
