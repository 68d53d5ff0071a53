"""Find secrets, cookies, raw bodies, stray hosts and unreachable interactions in cassettes.

    vstape lint cassettes/ --json lint.json --junit lint.xml --sarif lint.sarif

Exit status: 0 clean, 1 findings, 2 unusable input (file and line in the message).
No report ever echoes a secret it found.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from vstape.cassettes import (
    CassetteError,
    Interaction,
    format_of,
    loads,
    read_bytes,
    write_atomic,
)
from vstape.lint import lint_interaction
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
from vstape.routes import match

RULES = (
    Rule("secret", "An unredacted secret: a key, token or secret header or query parameter."),
    Rule("cookie", "A cookie or set-cookie header with a real value."),
    Rule("compressed-body", "content-encoding is left on a body that is stored decompressed."),
    Rule("binary-body", "The response body is stored as !!binary, not reviewable text."),
    Rule("host", "The URL is not normalized to https://api.openai.com."),
    Rule("volatile-header", "A volatile request header (x-stainless-*, user-agent) is recorded."),
    Rule("unknown-route", "A /v1/vector_stores path no route matches: its replay means nothing."),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``vstape lint``."""
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


def _findings(file: str, index: int, item: Interaction, line: int) -> list[Finding]:
    base = item.request.uri.split("?", 1)[0]
    found = match(item.request.method, "/" + base.split("://", 1)[-1].split("/", 1)[-1])
    prefix = f"interaction {index}: "
    out = []
    for text in lint_interaction(index, item):
        rule, _, message = text.removeprefix(prefix).partition(": ")
        out.append(
            Finding(
                tool="lint",
                rule=rule,
                level="error",
                file=file,
                message=message,
                interaction=index,
                route=found.route.name if found else None,
                line=line,
            )
        )
    return out


def _write(option: str, target: str, data: bytes) -> bool:
    try:
        write_atomic(target, data)
    except OSError as err:
        print(f"vstape lint: cannot write {option} {target}: {err}", file=sys.stderr)
        return False
    return True


def run(args: argparse.Namespace) -> int:
    """Lint every cassette; print ``file: interaction N: rule: message`` lines."""
    try:
        files = cassette_files(args.paths)
    except CassetteError as err:
        print(f"vstape lint: {err}", file=sys.stderr)
        return 2
    findings: list[Finding] = []
    for path in files:
        name = str(path)
        try:
            data = read_bytes(path)  # refuses FIFOs, devices and huge files from stat alone
            interactions = loads(data, fmt=format_of(path), where=name).interactions
        except CassetteError as err:
            message = str(err)
            print(message, file=sys.stderr)
            findings.append(unusable("lint", name, message))
            continue
        lines = interaction_lines(data, format_of(path), len(interactions))
        for index, item in enumerate(interactions):
            findings += _findings(name, index, item, lines[index])
    report = Report("lint", [str(p) for p in files], findings, RULES)
    for finding in findings:
        if finding.interaction is not None:
            print(finding.text())
    print(
        f"vstape lint: {len(files)} cassettes, {report.problems} findings, "
        f"{report.unusable} unusable"
    )
    outputs: tuple[tuple[str, str, Callable[[], bytes]], ...] = (
        ("--json", args.json, lambda: to_json(report)),
        ("--junit", args.junit, lambda: to_junit(report)),
        ("--sarif", args.sarif, lambda: to_sarif(report, Path.cwd())),
    )
    written = [_write(option, target, render()) for option, target, render in outputs if target]
    if report.unusable or not all(written):
        return 2
    return 1 if report.problems else 0
