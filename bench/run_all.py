"""``make bench``: run every ``bench/*.py`` script and print one table of figures.

Each benchmark script prints its own report and, for the summary, lines of the form::

    FIGURE<TAB>name<TAB>value<TAB>unit<TAB>anchor<TAB>anchor value<TAB>ratio<TAB>target<TAB>flag

(``ratio`` = how many times better than the anchor, measured in the same run; values are
``median (min–max)`` over interleaved rounds, and ``flag`` says NOISY where the spread
is larger than the gap: see :mod:`bench._common`). The table then replaces the one in
``docs/readme/performance.md`` and README.md is rebuilt (:mod:`bench._readme`;
``--no-readme`` only prints it). Timings are not tests: the machine is shared and noisy,
so read ratios, not absolute numbers.
"""

from __future__ import annotations

import datetime
import subprocess
import sys
import time
from pathlib import Path

from bench import _readme

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FRAGMENT = ROOT / "docs" / "readme" / "performance.md"
TIMEOUT_S = 3600


def _scripts() -> list[Path]:
    return sorted(
        p for p in HERE.glob("*.py") if not p.name.startswith("_") and p.name != "run_all.py"
    )


def main(argv: list[str]) -> int:
    """Run each script in a fresh interpreter, echo its output, print the table, and (unless
    ``--no-readme``, or a script failed) write it into the README's Performance section."""
    rows: list[list[str]] = []
    failed: list[str] = []
    for script in _scripts():
        print(f"== {script.name}", flush=True)
        started = time.perf_counter()
        try:
            done = subprocess.run(
                [sys.executable, "-m", f"bench.{script.stem}"],
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S,
                cwd=HERE.parent,
            )
        except subprocess.TimeoutExpired:
            failed.append(f"{script.name}: timed out after {TIMEOUT_S} s")
            continue
        print(done.stdout, end="")
        if done.returncode != 0:
            failed.append(f"{script.name}: exit {done.returncode}: {done.stderr.strip()[-500:]}")
        for line in done.stdout.splitlines():
            if line.startswith("FIGURE\t"):
                rows.append([script.stem, *line.split("\t")[1:]])
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
    header = [
        "bench",
        "figure",
        "value",
        "unit",
        "anchor",
        "anchor value",
        "ratio",
        "target",
        "flag",
    ]
    print()
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        row = (row + [""] * len(header))[: len(header)]
        print("| " + " | ".join(row) + " |")
    for problem in failed:
        print(f"FAILED {problem}", file=sys.stderr)
    if failed:
        print("README not updated: a script failed (figures of a partial run would mix in)")
        return 1
    if "--no-readme" not in argv:
        _readme.update(FRAGMENT, rows, datetime.date.today())
        subprocess.run([sys.executable, str(ROOT / "scripts" / "build_readme.py")], check=True)
        print(f"wrote {FRAGMENT.relative_to(ROOT)} and README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
