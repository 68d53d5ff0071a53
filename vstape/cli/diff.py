"""Compare two cassettes, or two cassette folders, interaction by interaction.

Examples:
  vstape diff cassettes/run.yaml rerecorded/run.yaml
  vstape diff base/cassettes cassettes            # two trees: files paired by their path
  vstape diff base/cassettes cassettes --markdown > cassette-diff.md
  vstape diff old.yaml new.json --json

A semantic diff: both sides are normalized first (placeholders for server-assigned ids,
times shifted onto one epoch), so a re-recording that only got new ids and new clock
readings is equivalent. Interactions are matched by route and request key, as replay
matches them, and reported per route: added, removed, changed (status, and each field
that changed as a JSON path with its old and new value). Timestamps within
--time-tolerance seconds of each other count as equal (two runs never take exactly as
long); headers that change on every call (date, openai-processing-ms, x-ratelimit-*,
x-request-id...) are not compared.

Exit status: 0 equivalent, 1 different, 2 unusable input (a path that does not exist, a
cassette that does not load - with its file and line -, a file compared with a folder).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from vstape.cassettes.model import CassetteError
from vstape.cli._cassette_sides import Scope, load_scope
from vstape.diff.cassettes import DEFAULT_TOLERANCE_S, diff_scopes
from vstape.diff.render import as_json, as_markdown, as_text


def _seconds(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of seconds: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``vstape diff``."""
    parser.add_argument("old", metavar="OLD", help="the cassette or folder before")
    parser.add_argument("new", metavar="NEW", help="the cassette or folder after")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the diff as JSON")
    output.add_argument(
        "--markdown",
        action="store_true",
        help="print the diff as Markdown sized for a pull-request comment",
    )
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the terminal output (auto: on a terminal, unless NO_COLOR is set)",
    )
    parser.add_argument(
        "--time-tolerance",
        type=_seconds,
        default=DEFAULT_TOLERANCE_S,
        metavar="SECONDS",
        help=f"timestamps this close count as equal (default {DEFAULT_TOLERANCE_S}; 0: exact)",
    )


def _colour(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def _load(label: str, raw: str) -> Scope:
    try:
        return load_scope(raw)
    except CassetteError as err:
        raise CassetteError(f"{label}: {err}") from None


def run(args: argparse.Namespace) -> int:
    """Compare OLD with NEW; 0 equivalent, 1 different, 2 unusable input."""
    kinds = {Path(p).is_dir() for p in (args.old, args.new) if Path(p).exists()}
    if len(kinds) == 2:  # said before reading anything
        file, folder = (args.new, args.old) if Path(args.old).is_dir() else (args.old, args.new)
        print(
            f"vstape diff: {file} is a cassette and {folder} a folder; compare two cassettes "
            "or two folders",
            file=sys.stderr,
        )
        return 2
    try:
        old, new = _load("OLD", args.old), _load("NEW", args.new)
    except CassetteError as err:
        print(f"vstape diff: {err}", file=sys.stderr)
        return 2
    if old.folder and not old.items and not new.items:
        print(
            f"vstape diff: neither {args.old} nor {args.new} holds a cassette (searched "
            "recursively for *.yaml, *.yml, *.json); check the paths",
            file=sys.stderr,
        )
        return 2
    if old.folder:
        before, after = old.items, new.items
    else:  # two files: one pair, whatever their names
        before, after = {"": next(iter(old.items.values()))}, {"": next(iter(new.items.values()))}
    report = diff_scopes(before, after, tolerance=args.time_tolerance)
    if args.json:
        sys.stdout.write(as_json(report, args.old, args.new))
    elif args.markdown:
        sys.stdout.write(as_markdown(report, args.old, args.new))
    else:
        sys.stdout.write(as_text(report, colour=_colour(args.color)))
    return 0 if report.equivalent else 1
