"""Every subcommand's ``--help``: examples kept on their own lines, no RST markup.

The subcommands are discovered from the parser itself, so a new one is covered the
day it is added.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys

import pytest

from vstape.cli.main import build_parser


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert len(actions) == 1
    return dict(actions[0].choices)


SUBCOMMANDS = _subcommands()


def test_the_parser_has_subcommands() -> None:
    """Guard against an empty parametrization passing silently."""
    assert {"record", "replay", "validate", "where", "docs"} <= set(SUBCOMMANDS)


def _examples(description: str) -> list[str]:
    """Lines of the description that are commands (they start with `vstape` or a variable)."""
    return [
        line
        for line in description.splitlines()
        if re.match(r"\s+(vstape |curl |mitmdump |[A-Z_]+=\S+ )", line)
    ]


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS))
def test_help_keeps_examples_on_their_own_lines(name: str) -> None:
    """`vstape NAME --help` prints each example line of the docs as written, and no ``."""
    done = subprocess.run(
        [sys.executable, "-m", "vstape.cli.main", name, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"COLUMNS": "80", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    text = done.stdout
    description = SUBCOMMANDS[name].description or ""
    examples = _examples(description)
    assert examples, f"vstape {name}: its help shows no example"
    lines = text.splitlines()
    for example in examples:
        assert example in lines, f"vstape {name} --help reflowed {example!r}"
    assert "``" not in text
    assert ":mod:" not in text and ":func:" not in text
    own = [line for line in lines if line.strip().startswith(f"vstape {name}")]
    assert own, f"vstape {name}: no example of the command itself"


def test_top_level_help_says_what_needs_the_proxy_extra() -> None:
    """`vstape --help` names the commands that need `vstape[proxy]` and how to get it."""
    done = subprocess.run(
        [sys.executable, "-m", "vstape.cli.main", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "pip install 'vstape[proxy]'" in done.stdout
    assert "emulate, record, replay, demo and cassettes regenerate need mitmproxy" in done.stdout
