"""Validate every interaction of vcrpy cassettes (YAML or JSON, ours or not) against the schemas.

Examples:
  vstape validate cassettes/ out/demo/cassettes --strict --junit report.xml --json report.json
  vstape validate cassettes/ --sarif vstape-validate.sarif
  vstape validate big.yaml --progress

Exit status: 0 clean, 1 violations, 2 unusable input (a cassette that cannot be loaded:
the message names the file and the line; a path holding no cassette, or a cassette with
no interactions, unless --allow-empty). Cassettes are read one interaction at a time, so
memory stays flat however big the file; progress goes to stderr when it is a terminal.

A response that vstape broke on purpose (vstape.fault names a body fault such as
malformed_json) is not a violation: it is counted as deliberately broken instead.
"""

from __future__ import annotations

import argparse

from msgspec import UNSET

from vstape.api.routes import match
from vstape.cassettes.model import Interaction
from vstape.cli import _findings_command as findings_cli
from vstape.faults.catalog import breaks_body
from vstape.http import path_of
from vstape.recording import redact
from vstape.recording.interaction import Exchange, check
from vstape.reports.findings import Finding, Rule
from vstape.validation.violations import Kind, Violation

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
    findings_cli.add_arguments(parser)
    parser.add_argument(
        "--strict", action="store_true", help="drift (unknown fields) is an error too"
    )


def _subject(item: Interaction) -> tuple[str, str | None]:
    """``METHOD uri`` with query secrets redacted, and the route name."""
    base, mark, query = item.request.uri.partition("?")
    found = match(item.request.method, path_of(item.request.uri))
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
    return item.vstape is not UNSET and breaks_body(item.vstape.fault)


def run(args: argparse.Namespace) -> int:
    """Validate, print one line per finding, write the reports asked for."""
    deliberate = 0

    def inspect(name: str, index: int, item: Interaction, line: int) -> list[Finding]:
        nonlocal deliberate
        on_purpose = _broken_on_purpose(item)
        deliberate += on_purpose
        return [
            _finding(name, index, item, violation, line)
            for violation in check(Exchange.of(item), strict=args.strict)
            if not (on_purpose and violation.side == "response")
            and (violation.severity == "error" or args.strict)
        ]

    def tail() -> str:
        if not deliberate:
            return ""
        return f", {deliberate} responses broken on purpose (vstape.fault) not checked"

    return findings_cli.run("validate", args, RULES, inspect, noun="violations", summary_tail=tail)
