"""Run ``vstape`` in a subprocess as if some packages were not installed, and see what it tried.

A ``sitecustomize`` in a folder on the child's ``PYTHONPATH`` puts a finder first on
``sys.meta_path`` that makes each blocked module (a top-level name, or a dotted one and
everything under it) fail to import exactly as a missing package does, and writes each
name it refused to ``site/blocked.log``: a command that swallowed the ImportError still
shows that it tried.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tests.procs import ROOT

BLOCKER = '''
import os, sys

BLOCKED = tuple(os.environ["VSTAPE_TEST_BLOCK"].split(","))
LOG = os.environ["VSTAPE_TEST_BLOCK_LOG"]


class Missing:
    """Acts as if the blocked packages were not installed."""

    def find_spec(self, name, path=None, target=None):
        if any(name == b or name.startswith(b + ".") for b in BLOCKED):
            with open(LOG, "a", encoding="utf-8") as log:
                log.write(name + "\\n")
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, Missing())
'''


@dataclass(frozen=True)
class Done:
    """What the command did: its exit status, output, and the blocked modules it tried."""

    returncode: int
    stdout: str
    stderr: str
    tried: list[str]


def run_without(blocked: Iterable[str], tmp: Path, *args: str, cwd: Path | None = None) -> Done:
    """``python -m vstape.cli.main ARGS`` with ``blocked`` unimportable (cwd: ``tmp``).

    Writes only ``tmp/site/`` (the ``sitecustomize`` and its log).
    """
    site = tmp / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(BLOCKER)
    log = site / "blocked.log"
    log.write_text("")
    env = dict(
        os.environ,
        PYTHONPATH=f"{site}:{ROOT}",
        VSTAPE_TEST_BLOCK=",".join(blocked),
        VSTAPE_TEST_BLOCK_LOG=str(log),
    )
    done = subprocess.run(
        [sys.executable, "-m", "vstape.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd or tmp,
        env=env,
    )
    return Done(done.returncode, done.stdout, done.stderr, log.read_text().split())
