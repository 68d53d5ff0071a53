"""Find secrets, cookies, raw bodies, stray hosts and unreachable interactions in cassettes.

    vstape lint cassettes/ --json lint.json

Exit status: 0 clean, 1 findings, 2 unusable input (file and line in the message).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import msgspec

from vstape.cassettes import CassetteError
from vstape.lint import lint
from vstape.replay_server import cassette_files


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``vstape lint``."""
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="cassette files or folders (searched recursively)"
    )
    parser.add_argument("--json", default="", metavar="FILE", help="write the findings as JSON")


def run(args: argparse.Namespace) -> int:
    """Lint every cassette; print ``file: interaction N: rule: message`` lines."""
    try:
        files = cassette_files(args.paths)
    except CassetteError as err:
        print(f"vstape lint: {err}", file=sys.stderr)
        return 2
    findings: dict[str, list[str]] = {}
    unusable = 0
    for path in files:
        try:
            findings[str(path)] = lint(path)
        except CassetteError as err:
            print(str(err), file=sys.stderr)
            unusable += 1
    total = 0
    for name, lines in findings.items():
        for line in lines:
            print(f"{name}: {line}")
            total += 1
    print(f"vstape lint: {len(files)} cassettes, {total} findings, {unusable} unusable")
    if args.json:
        Path(args.json).write_bytes(msgspec.json.format(msgspec.json.encode(findings), indent=2))
    if unusable:
        return 2
    return 1 if total else 0
