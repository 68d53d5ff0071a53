"""``vstape validate`` on one big YAML cassette (~200 MB): wall time and peak memory.

The cassette is generated the way the recorder writes it (the appendable layout: every
shipped route's ``ok`` interaction again and again, each with its own request id), into a
temporary folder; ``vstape validate`` runs on it in a child process, and the child's peak
resident set size comes from ``getrusage(RUSAGE_CHILDREN)``. Target: under 300 MB.

    .venv/bin/python -m bench.validate_big            # 200 MB
    .venv/bin/python -m bench.validate_big --mb 20    # a quicker look
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import msgspec

from bench._common import figure
from vstape.api.routes import ROUTES
from vstape.cassettes.io import dump_item, load
from vstape.cassettes.shipped import shipped_path
from vstape.cassettes.writer import APPENDABLE_HEAD

TARGET_RSS_MB = 300


def write_cassette(path: Path, megabytes: float) -> int:
    """A cassette of about ``megabytes`` MB (every route's ok interaction in turn); its length."""
    samples = [load(shipped_path(route.name)).interactions[0] for route in ROUTES]
    goal = int(megabytes * 1_000_000)
    count = 0
    with open(path, "wb") as out:
        out.write(APPENDABLE_HEAD)
        size = len(APPENDABLE_HEAD)
        while size < goal:
            item = samples[count % len(samples)]
            headers = dict(item.response.headers, **{"x-request-id": [f"req_bench_{count:09d}"]})
            fresh = msgspec.structs.replace(
                item, response=msgspec.structs.replace(item.response, headers=headers)
            )
            data = dump_item(fresh)
            out.write(data)
            size += len(data)
            count += 1
    return count


def measure(path: Path, *extra: str) -> tuple[float, float, int, str]:
    """(seconds, peak RSS in MB, exit status, last output line) of ``vstape validate PATH``."""
    command = [sys.executable, "-m", "vstape.cli.main", "validate", str(path), *extra]
    script = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "took = time.perf_counter() - start\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "tail = (done.stdout.strip().splitlines() or [''])[-1]\n"
        "print(f'{took}\\t{peak}\\t{done.returncode}\\t{tail}')\n"
    )
    # A fresh parent per measurement: RUSAGE_CHILDREN is the peak over all children so far.
    done = subprocess.run(
        [sys.executable, "-c", script, *command], capture_output=True, text=True, check=True
    )
    took, peak, code, tail = done.stdout.rstrip("\n").split("\t", 3)
    return float(took), float(peak), int(code), tail


def main() -> int:
    """Generate, validate, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=200.0, help="cassette size (default 200)")
    parser.add_argument("--keep", default="", help="write the cassette here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep) if args.keep else Path(tmp) / "big.yaml"
        started = time.perf_counter()
        count = write_cassette(path, args.mb)
        size_mb = os.path.getsize(path) / 1e6
        print(
            f"generated {path.name}: {size_mb:.0f} MB, {count:,} interactions "
            f"({time.perf_counter() - started:.1f} s)",
            flush=True,
        )
        took, peak, code, tail = measure(path)
        print(f"vstape validate: {took:.1f} s, peak RSS {peak:.0f} MB, exit {code}: {tail}")
        figure(
            f"vstape validate, one {size_mb:.0f} MB YAML cassette ({count:,} interactions)",
            peak,
            "MB peak RSS",
            target=f"< {TARGET_RSS_MB} MB",
        )
        figure(
            f"same, wall time ({count / took:,.0f} interactions/s)",
            took,
            "s",
        )
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
