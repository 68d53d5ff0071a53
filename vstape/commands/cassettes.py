"""Regenerate or check the shipped cassettes (``cassettes/<route>/<scenario>.yaml``).

    vstape cassettes regenerate           # record them again, through the proxy, from the emulator
    vstape cassettes check                # every route has its ok cassette and every cassette validates

``regenerate`` runs ``vstape record`` in front of the emulator (deterministic seed), drives
the official SDK through every route, and keeps for each route one ``ok`` interaction
(the last one for the polled routes: their finished state).
"""

from __future__ import annotations

import argparse
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from vstape.cassettes import Cassette, CassetteError, dump, load
from vstape.routes import ROUTES
from vstape.shipped import shipped_dir, shipped_path
from vstape.validate import errors, validate_response


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``vstape cassettes``."""
    parser.add_argument("action", choices=("regenerate", "check"))
    parser.add_argument(
        "--out", default=None, help="folder to write (default: the shipped cassettes folder)"
    )


def _record(folder: Path) -> None:
    from openai import OpenAI

    from vstape.demo_script import run_everything

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
        str(folder),
        "--quiet",
    ]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    url = ""
    deadline = time.monotonic() + 30
    while not url and time.monotonic() < deadline:
        line = proc.stdout.readline()
        found = re.search(r"(http://127\.0\.0\.1:\d+/v1)", line)
        url = found.group(1) if found else ""
        if not line and proc.poll() is not None:
            break
    try:
        if not url:
            raise RuntimeError("the recording proxy did not start")
        with OpenAI(api_key="sk-shipped", base_url=url, max_retries=0) as client:
            run_everything(client)
            page = client.files.list()
            client.files.delete(page.data[0].id)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)


def regenerate(out: Path) -> list[Path]:
    """Record every route's ``ok`` cassette into ``out``; returns the files written."""
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        _record(Path(tmp))
        for route in ROUTES:
            source = Path(tmp) / f"{route.name}.yaml"
            oks = [i for i in load(source).interactions if 200 <= i.response.status.code < 300]
            if not oks:
                raise RuntimeError(f"no successful {route.name} exchange was recorded")
            # A list page that says has_more would make a route-matched replay paginate forever.
            complete = [i for i in oks if b'"has_more": true' not in i.response.body.bytes]
            oks = complete or oks
            chosen = oks[-1] if route.polled else oks[0]
            target = out / route.name / "ok.yaml"
            dump(Cassette([chosen]), target)
            written.append(target)
    return written


def check(folder: Path) -> list[str]:
    """Problems with the shipped cassettes (missing ``ok`` files, invalid responses)."""
    problems = []
    for route in ROUTES:
        path = folder / route.name / "ok.yaml"
        if not path.exists():
            problems.append(f"{path}: missing (run `vstape cassettes regenerate`)")
            continue
        try:
            for index, item in enumerate(load(path).interactions):
                uri = item.request.uri.split("://", 1)[-1]
                found = errors(
                    validate_response(
                        item.request.method,
                        "/" + uri.split("/", 1)[1],
                        item.response.status.code,
                        {k: v[0] for k, v in item.response.headers.items() if v},
                        item.response.body.bytes,
                    )
                )
                problems += [f"{path} #{index}: {v.line()}" for v in found]
        except CassetteError as err:
            problems.append(str(err))
    return problems


def run(args: argparse.Namespace) -> int:
    """Regenerate or check."""
    folder = Path(args.out) if args.out else shipped_dir()
    if args.action == "regenerate":
        for route in ROUTES:
            shutil.rmtree(folder / route.name, ignore_errors=True)
        written = regenerate(folder)
        print(f"vstape cassettes: wrote {len(written)} cassettes under {folder}")
        return 0
    problems = check(folder)
    for line in problems:
        print(line)
    print(f"vstape cassettes: {len(ROUTES)} routes checked, {len(problems)} problems")
    return 1 if problems else 0


__all__ = ["check", "regenerate", "shipped_path"]
