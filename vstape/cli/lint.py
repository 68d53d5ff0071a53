"""Find secrets, cookies, raw bodies, stray hosts and unreachable interactions in cassettes.

Examples:
  vstape lint cassettes/ --json lint.json --junit lint.xml --sarif lint.sarif
  vstape lint recorded.yaml

Exit status: 0 clean, 1 findings, 2 unusable input (file and line in the message; a path
holding no cassette, or a cassette with no interactions, unless --allow-empty). No report
ever echoes a secret it found.
"""

from __future__ import annotations

import argparse

from vstape.api.routes import match
from vstape.cassettes.model import Interaction
from vstape.cli import _findings_command as findings_cli
from vstape.http import path_of
from vstape.reports.findings import Finding, Rule
from vstape.reports.lint import lint_interaction

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
    findings_cli.add_arguments(parser)


def _findings(file: str, index: int, item: Interaction, line: int) -> list[Finding]:
    found = match(item.request.method, path_of(item.request.uri))
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


def run(args: argparse.Namespace) -> int:
    """Lint every cassette; print ``file: interaction N: rule: message`` lines."""
    return findings_cli.run("lint", args, RULES, _findings, noun="findings")
