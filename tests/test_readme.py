"""README.md is assembled from docs/readme/ and kept current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_is_built_from_current_fragments() -> None:
    """`scripts/build_readme.py --check` passes: README.md equals its fragments."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_readme.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def test_readme_opens_with_the_two_commands() -> None:
    """The README's first code block is `make demo` and `make test`."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("```sh", 1)[1].split("```", 1)[0]
    assert "make demo" in block
    assert "make test" in block
