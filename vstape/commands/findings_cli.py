"""What ``vstape validate`` and ``vstape lint`` share: their arguments, the load loop, the reports.

Each command supplies only what it finds in one interaction; this module loads every
cassette (an unusable one becomes a finding and exit 2, never a traceback), prints the
terminal lines and the summary, writes ``--json`` / ``--junit`` / ``--sarif``, and picks
the exit status: 0 clean, 1 findings, 2 unusable input or a report that cannot be written.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from vstape.cassettes import CassetteError, Interaction, format_of, loads, read_bytes, write_atomic
from vstape.replay_server import cassette_files
from vstape.reports import (
    Finding,
    Report,
    Rule,
    interaction_lines,
    to_json,
    to_junit,
    to_sarif,
    unusable,
)

# (file, interaction index, interaction, line of the file where it starts) -> findings
Inspect = Callable[[str, int, Interaction, int], list[Finding]]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """PATH... and the three report files."""
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="cassette files or folders (searched recursively)"
    )
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


def _write(tool: str, option: str, target: str, data: bytes) -> bool:
    try:
        write_atomic(target, data)
    except OSError as err:
        print(f"vstape {tool}: cannot write {option} {target}: {err}", file=sys.stderr)
        return False
    return True


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
        files = cassette_files(args.paths)
    except CassetteError as err:
        print(f"vstape {tool}: {err}", file=sys.stderr)
        return 2
    findings: list[Finding] = []
    for path in files:
        name = str(path)
        try:
            data = read_bytes(path)  # refuses FIFOs, devices and huge files from stat alone
            interactions = loads(data, fmt=format_of(path), where=name).interactions
        except CassetteError as err:
            print(str(err), file=sys.stderr)
            findings.append(unusable(tool, name, str(err)))
            continue
        lines = interaction_lines(data, format_of(path), len(interactions))
        for index, item in enumerate(interactions):
            findings += inspect(name, index, item, lines[index])
    report = Report(tool, [str(p) for p in files], findings, tuple(rules))
    for finding in findings:
        if finding.interaction is not None:
            print(finding.text())
    print(
        f"vstape {tool}: {len(files)} cassettes, {report.problems} {noun}, "
        f"{report.unusable} unusable{summary_tail()}"
    )
    outputs: tuple[tuple[str, str, Callable[[], bytes]], ...] = (
        ("--json", args.json, lambda: to_json(report)),
        ("--junit", args.junit, lambda: to_junit(report)),
        ("--sarif", args.sarif, lambda: to_sarif(report, Path.cwd())),
    )
    written = [
        _write(tool, option, target, render()) for option, target, render in outputs if target
    ]
    if report.unusable or not all(written):
        return 2
    return 1 if report.problems else 0
