"""Validate every interaction of vcrpy cassettes (YAML or JSON, ours or not) against the schemas.

    vstape validate cassettes/ out/demo/cassettes --strict --junit report.xml --json report.json
    vstape validate cassettes/ --sarif vstape-validate.sarif

Exit status: 0 clean, 1 violations, 2 unusable input (a cassette that cannot be loaded:
the message names the file and the line).

A response that vstape broke on purpose (``vstape.fault`` names a body fault such as
``malformed_json``) is not a violation: it is counted as deliberately broken instead.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from msgspec import UNSET

from vstape import redact
from vstape.cassettes import (
    CassetteError,
    Interaction,
    format_of,
    loads,
    read_bytes,
    write_atomic,
)
from vstape.faults import BY_SCENARIO
from vstape.recording import Exchange, check
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
from vstape.violations import Kind, Violation

RULES = (
    Rule("type", "A JSON value has the wrong type for the schema of its route."),
    Rule("constraint", "A value breaks a limit or an enum of the schema (length, range, pattern)."),
    Rule("missing_field", "A required field is missing from a request or response body."),
    Rule("drift", "A field the schema does not know (API drift; an error with --strict)."),
    Rule("malformed_json", "A body that should be JSON does not parse."),
    Rule("content_type", "The content-type does not fit the body the route expects."),
    Rule("unknown_route", "A /v1/vector_stores path that no route matches."),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``vstape validate``."""
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="cassette files or folders (searched recursively)"
    )
    parser.add_argument(
        "--strict", action="store_true", help="drift (unknown fields) is an error too"
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


def _exchange(item: Interaction) -> Exchange:
    request, response = item.request, item.response
    body = request.body.encode() if isinstance(request.body, str) else (request.body or b"")
    return Exchange(
        method=request.method,
        url=request.uri,
        request_headers=[(k, v) for k, values in request.headers.items() for v in values],
        request_body=body,
        status=response.status.code,
        reason=response.status.message,
        response_headers=[(k, v) for k, values in response.headers.items() for v in values],
        response_body=response.body.bytes,
    )


def _subject(item: Interaction) -> tuple[str, str | None]:
    """``METHOD uri`` with query secrets redacted, and the route name."""
    base, mark, query = item.request.uri.partition("?")
    path = "/" + base.split("://", 1)[-1].split("/", 1)[-1]
    found = match(item.request.method, path)
    subject = f"{item.request.method} {base}{mark}{redact.query(query)}"
    return subject, found.route.name if found else None


def _finding(file: str, index: int, item: Interaction, v: Violation, line: int) -> Finding:
    subject, route = _subject(item)
    tag = "drift" if v.kind is Kind.UNKNOWN_FIELD else v.kind.value  # as Violation.line()
    return Finding(
        tool="validate",
        rule=tag,
        level="error",
        file=file,
        message=v.message,
        interaction=index,
        route=route,
        subject=subject,
        path=f"{v.side} {v.path}",
        line=line,
    )


def _broken_on_purpose(item: Interaction) -> bool:
    """The response body was corrupted by vstape's fault injection (a ``body`` scenario)."""
    if item.vstape is UNSET or not item.vstape.fault:
        return False
    scenario = BY_SCENARIO.get(item.vstape.fault)
    return scenario is not None and scenario.kind == "body"


def _write(option: str, target: str, data: bytes) -> bool:
    try:
        write_atomic(target, data)
    except OSError as err:
        print(f"vstape validate: cannot write {option} {target}: {err}", file=sys.stderr)
        return False
    return True


def run(args: argparse.Namespace) -> int:
    """Validate, print one line per finding, write the reports asked for."""
    try:
        files = cassette_files(args.paths)
    except CassetteError as err:
        print(f"vstape validate: {err}", file=sys.stderr)
        return 2
    findings: list[Finding] = []
    deliberate = 0
    for path in files:
        name = str(path)
        try:
            data = read_bytes(path)  # refuses FIFOs, devices and huge files from stat alone
            interactions = loads(data, fmt=format_of(path), where=name).interactions
        except CassetteError as err:
            message = str(err)
            print(message, file=sys.stderr)
            findings.append(unusable("validate", name, message))
            continue
        lines = interaction_lines(data, format_of(path), len(interactions))
        for index, item in enumerate(interactions):
            on_purpose = _broken_on_purpose(item)
            deliberate += on_purpose
            for violation in check(_exchange(item), strict=args.strict):
                if on_purpose and violation.side == "response":
                    continue
                if violation.severity == "error" or args.strict:
                    findings.append(_finding(name, index, item, violation, lines[index]))
    report = Report("validate", [str(p) for p in files], findings, RULES)
    for finding in findings:
        if finding.interaction is not None:
            print(finding.text())
    print(
        f"vstape validate: {len(files)} cassettes, {report.problems} violations, "
        f"{report.unusable} unusable"
        + (
            f", {deliberate} responses broken on purpose (vstape.fault) not checked"
            if deliberate
            else ""
        )
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
