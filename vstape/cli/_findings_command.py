"""What ``vstape validate`` and ``vstape lint`` share: their arguments, the load loop, the reports.

Each command supplies only what it finds in one interaction; this module reads every
cassette one interaction at a time (:mod:`vstape.cassettes.stream`: memory stays flat
however big the file), turns an unusable one into a finding and exit 2 (never a
traceback), prints the terminal lines and the summary, writes ``--json`` / ``--junit`` /
``--sarif``, and picks the exit status: 0 clean, 1 findings, 2 unusable input (a path
holding no cassette or a cassette with no interactions too, unless ``--allow-empty``) or
a report that cannot be written. ``vstape coverage`` uses its ``--allow-empty`` and
:func:`write_reports` too.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from vstape.cassettes.io import check_file, write_atomic
from vstape.cassettes.model import CassetteError, Interaction
from vstape.cassettes.stream import iter_interactions
from vstape.cli import _cassette_paths as cassette_paths
from vstape.cli import _progress as progress
from vstape.replay.replayer import cassette_files, no_interactions
from vstape.reports import json, junit, sarif, text
from vstape.reports.findings import Finding, Report, Rule, unusable

# (file, interaction index, interaction, line of the file where it starts) -> findings
Inspect = Callable[[str, int, Interaction, int], list[Finding]]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """PATH... and the three report files."""
    cassette_paths.add_argument(parser)
    parser.add_argument("--json", default="", metavar="FILE", help="write the findings as JSON")
    parser.add_argument(
        "--junit", default="", metavar="FILE", help="write the findings as JUnit XML"
    )
    parser.add_argument(
        "--sarif",
        default="",
        metavar="FILE",
        help="write the findings as SARIF 2.1.0 (GitHub code scanning); paths relative to the cwd",
    )
    add_allow_empty(parser)
    progress.add_argument(parser)


def add_allow_empty(parser: argparse.ArgumentParser) -> None:
    """``--allow-empty``: a folder without cassettes, or a cassette without interactions, is fine."""
    parser.add_argument(
        "--allow-empty",
        action="store_true",
        help="accept a folder holding no cassette and a cassette holding no interactions "
        "(by default both are unusable input, exit 2: a CI step pointed at the wrong path fails)",
    )


Outputs = Sequence[tuple[str, str, Callable[[], bytes]]]
"""``(option, file, render)`` for each report file a command may write (file "": not asked)."""


def write_reports(tool: str, outputs: Outputs) -> bool:
    """Write every report asked for (each atomically); False when one could not be written."""
    written = True
    for option, target, render in outputs:
        if not target:
            continue
        try:
            write_atomic(target, render())
        except OSError as err:
            print(f"vstape {tool}: cannot write {option} {target}: {err}", file=sys.stderr)
            written = False
    return written


def run(
    tool: str,
    args: argparse.Namespace,
    rules: Sequence[Rule],
    inspect: Inspect,
    *,
    noun: str,
    summary_tail: Callable[[], str] = lambda: "",
) -> int:
    """Inspect every interaction of every cassette named by ``args.paths``; report; exit code."""
    try:
        files = cassette_files(args.paths, allow_empty=args.allow_empty)
    except CassetteError as err:
        print(f"vstape {tool}: {err}", file=sys.stderr)
        return 2
    findings: list[Finding] = []
    shown = progress.Progress(tool, args.progress)
    for path in files:
        name = str(path)
        mine: list[Finding] = []
        try:
            shown.file(name, check_file(path))  # refuses FIFOs, devices and huge files from stat
            count = 0
            for index, (line, item) in enumerate(iter_interactions(path, shown.read)):
                mine += inspect(name, index, item, line)
                count += 1
                shown.interaction()
            if not count and not args.allow_empty:
                raise no_interactions(name)
        except CassetteError as err:
            shown.close()
            print(str(err), file=sys.stderr)
            findings.append(unusable(tool, name, str(err)))  # and nothing else from this file
            continue
        findings += mine
    shown.close()
    report = Report(tool, [str(p) for p in files], findings, tuple(rules))
    for finding in findings:
        if finding.interaction is not None:
            print(text.finding(finding))
    print(
        f"vstape {tool}: {len(files)} cassettes, {report.problems} {noun}, "
        f"{report.unusable} unusable{summary_tail()}"
    )
    written = write_reports(
        tool,
        (
            ("--json", args.json, lambda: json.findings(report)),
            ("--junit", args.junit, lambda: junit.findings(report)),
            ("--sarif", args.sarif, lambda: sarif.findings(report, Path.cwd())),
        ),
    )
    if report.unusable or not written:
        return 2
    return 1 if report.problems else 0
