"""`vstape ... | head`: a reader that stops early ends the command quietly (no traceback)."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.procs import ROOT, VSTAPE


@pytest.mark.parametrize("command", [["faults"], ["faults", "--json"], ["routes"]])
def test_a_closed_stdout_is_not_a_traceback(command: list[str]) -> None:
    """stdout is a pipe whose reader is gone before the first write: exit 141, stderr empty."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader left (like `head` after its lines): every write is EPIPE
    try:
        done = subprocess.run(
            [*VSTAPE, *command],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            cwd=ROOT,
        )
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == 141


def test_head_reading_a_few_lines_then_closing() -> None:
    """The real pipeline: `vstape faults | head -2` prints two lines and no traceback."""
    done = subprocess.run(
        ["sh", "-c", '"$@" | head -2', "sh", *VSTAPE, "faults"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 0
    assert len(done.stdout.splitlines()) == 2
    assert "Traceback" not in done.stderr and "BrokenPipeError" not in done.stderr
