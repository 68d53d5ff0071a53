"""Re-record diffs through ``vstape record`` itself: stable placeholders against ``--keep-ids``.

The demo workload (the official SDK driving every route, :func:`vstape.cli.sdk.script.
run_everything`) is recorded through the real recording proxy (mitmproxy) in front of a
fresh emulator *without* ``--seed`` (random ids, the wall clock), in interleaved rounds:
stable, kept, stable, kept, so both modes see the same machine. Printed per pair: the
cassette's lines, the changed lines (added + deleted, as ``git diff`` counts them) between
the two cassettes of each mode,
and what ``vstape diff`` says of each pair (exit 0: equivalent). The README's "Reviewing
cassette changes" quotes these figures.
"""

from __future__ import annotations

import difflib
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from openai import OpenAI

from bench._common import figure
from vstape.cli import _proxy_process as proxy_process
from vstape.cli.sdk.script import run_everything

PAIRS = 5


def _record(path: Path, *flags: str) -> None:
    proc, url = proxy_process.start(["--cassette", str(path), "--quiet", *flags])
    try:
        with OpenAI(api_key="sk-bench", base_url=url, max_retries=0) as client:
            run_everything(client)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)


def _changed(old: Path, new: Path) -> int:
    """Added plus deleted lines, as ``git diff`` (a pull request) counts them; else difflib's."""
    try:
        done = subprocess.run(
            ["git", "diff", "--no-index", "--numstat", str(old), str(new)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except OSError:
        done = None
    if done is not None and done.returncode in (0, 1):
        return sum(int(n) for line in done.stdout.splitlines() for n in line.split("\t")[:2])
    lines = difflib.unified_diff(
        old.read_text().splitlines(), new.read_text().splitlines(), lineterm="", n=0
    )
    return sum(1 for line in lines if line[:1] in "+-" and not line.startswith(("+++", "---")))


def _diff_exit(old: Path, new: Path) -> int:
    command = [sys.executable, "-m", "vstape.cli.main", "diff", str(old), str(new)]
    return subprocess.run(command, capture_output=True, timeout=120).returncode


def main() -> None:
    """Print the pairs, then the FIGURE line."""
    stable, kept = [], []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["VSTAPE_STATE_DIR"] = str(folder / "state")  # no journal left behind
        (folder / "state").mkdir(mode=0o700)
        for pair in range(PAIRS):
            paths = {}
            for run in ("a", "b"):
                for mode, flags in (("stable", ()), ("kept", ("--keep-ids",))):
                    paths[mode, run] = folder / f"{mode}-{pair}-{run}.yaml"
                    _record(paths[mode, run], *flags)
            stable.append(_changed(paths["stable", "a"], paths["stable", "b"]))
            kept.append(_changed(paths["kept", "a"], paths["kept", "b"]))
            lines = [len(paths[m, "a"].read_text().splitlines()) for m in ("stable", "kept")]
            verdicts = [_diff_exit(paths[m, "a"], paths[m, "b"]) for m in ("stable", "kept")]
            print(
                f"pair {pair + 1}: stable {lines[0]} lines, {stable[-1]} changed, vstape diff "
                f"exit {verdicts[0]}; --keep-ids {lines[1]} lines, {kept[-1]} changed, "
                f"vstape diff exit {verdicts[1]}",
                flush=True,
            )
    worst = max(stable)
    figure(
        "vstape record re-record diff, changed lines (worst of 5 pairs)",
        worst,
        "lines",
        "--keep-ids (best of 5)",
        min(kept),
        min(kept) / worst if worst else None,
    )


if __name__ == "__main__":
    main()
