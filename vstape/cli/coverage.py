"""Which routes x statuses x scenarios a set of cassettes exercises.

Examples:
  vstape coverage cassettes/ --html coverage.html --json coverage.json --fail-under 50
  vstape coverage out/demo/cassettes

Prints the route x scenario matrix (counts; . not covered, blank: does not apply) and
"N of M route x scenario cells covered". Exit status: 0; 1 when --fail-under is given
and coverage is lower; 2 unusable input (a cassette that cannot be loaded: the message
names the file and the line; a path holding no cassette, or a cassette with no
interactions, unless --allow-empty). With unusable input nothing else is printed or
written: a matrix without those cassettes would understate the coverage.
"""

from __future__ import annotations

import argparse
import sys

from vstape.cassettes.model import CassetteError
from vstape.cassettes.stream import iter_interactions
from vstape.cli import _cassette_paths as cassette_paths
from vstape.cli._findings_command import add_allow_empty, write_reports
from vstape.replay.replayer import cassette_files, no_interactions
from vstape.reports import coverage, html, json, text


def _percent(text: str) -> float:
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 100.0:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a percentage: give a number from 0 to 100, e.g. --fail-under 80"
        )
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``vstape coverage``."""
    cassette_paths.add_argument(parser)
    parser.add_argument("--json", default="", metavar="FILE", help="write the matrix as JSON")
    parser.add_argument(
        "--html",
        default="",
        metavar="FILE",
        help="write the matrix as one self-contained HTML page",
    )
    parser.add_argument(
        "--fail-under",
        type=_percent,
        default=None,
        metavar="PERCENT",
        help="exit 1 when fewer than PERCENT of the applicable cells are covered",
    )
    add_allow_empty(parser)


def run(args: argparse.Namespace) -> int:
    """Place every interaction, print the table, write the reports asked for."""
    try:
        files = cassette_files(args.paths, allow_empty=args.allow_empty)
    except CassetteError as err:
        print(f"vstape coverage: {err}", file=sys.stderr)
        return 2
    observations: list[coverage.Observation] = []
    unusable = 0
    for path in files:
        try:
            interactions = [item for _, item in iter_interactions(path)]
            if not interactions and not args.allow_empty:
                raise no_interactions(path)
            observations += coverage.observe(str(path), interactions)
        except CassetteError as err:  # load() refuses FIFOs and huge files from stat alone
            print(str(err), file=sys.stderr)
            unusable += 1
    if unusable:
        print(
            f"vstape coverage: {unusable} of {len(files)} cassettes cannot be loaded; "
            "fix or remove them (no coverage reported)",
            file=sys.stderr,
        )
        return 2
    matrix = coverage.build(observations, cassettes=len(files))
    print(text.coverage(matrix))
    written = write_reports(
        "coverage",
        (
            ("--json", args.json, lambda: json.coverage(matrix)),
            ("--html", args.html, lambda: html.coverage(matrix, [str(p) for p in files])),
        ),
    )
    if not written:
        return 2
    if args.fail_under is not None and matrix.percent < args.fail_under:
        print(
            f"vstape coverage: {matrix.percent:.1f}% of the cells covered, under "
            f"--fail-under {args.fail_under:g}%",
            file=sys.stderr,
        )
        return 1
    return 0
