"""The README's interop section: its Python example runs as written, its commands exist."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.procs import ROOT
from tests.unit.interop import har_factory as make
from vstape.cassettes.io import load

FRAGMENT = ROOT / "docs" / "readme" / "interop.md"


def test_the_library_example_runs_as_written(tmp_path: Path) -> None:
    """har.read, importer.plan and importer.commit, on a HAR with one API entry of two."""
    [code] = re.findall(r"```python\n(.*?)```", FRAGMENT.read_text(), re.S)
    make.write(tmp_path / "session.har", [make.entry("https://example.com/"), make.entry()])
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "0 not /v1/vector_stores or /v1/files ",
        "cassettes/imported/get_vector_store.yaml 1",
    ]
    assert (
        len(load(tmp_path / "cassettes" / "imported" / "get_vector_store.yaml").interactions) == 1
    )


def test_every_command_line_of_the_section_parses() -> None:
    """Each `vstape import|export ...` line is accepted by the real parser."""
    from vstape.cli.main import build_parser

    lines = re.findall(r"^vstape (?:import|export) [^|\n]*", FRAGMENT.read_text(), re.M)
    assert len(lines) >= 4
    for line in lines:
        build_parser().parse_args(line.split("#")[0].split()[1:])
