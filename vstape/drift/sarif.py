"""A drift report as SARIF 2.1.0 (GitHub code scanning), through :mod:`vstape.reports.sarif`.

Each item is a finding of the tool ``vstape-drift`` whose rule is its kind; it points at
the spec file and the line of the schema or operation (spec drift) or at the cassette
and the interaction's line (cassettes, live). A known difference carries a SARIF
``suppressions`` entry (``external``, the documented reason), so code scanning lists it
as dismissed rather than as an alert.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec

from vstape.drift.model import KINDS, DriftReport
from vstape.reports import sarif
from vstape.reports.findings import Finding, Report, Rule
from vstape.reports.json import encode

__all__ = ["as_sarif"]


def as_sarif(report: DriftReport, cwd: Path) -> bytes:
    """The SARIF log of ``report``; artifact URIs relative to ``cwd`` where possible."""
    rules = [
        Rule(kind, text, "note" if kind == "unusable" else "error") for kind, text in KINDS.items()
    ]
    findings = [
        Finding(
            tool="drift",
            rule=item.kind,
            level="note" if item.known else "error",
            file=item.file or "vstape",
            message=f"[{item.check}] {item.message}",
            interaction=item.interaction,
            route=item.route,
            subject=item.where or None,
            path=item.path or None,
            line=item.line,
        )
        for item in report.items
    ]
    document: dict[str, Any] = msgspec.json.decode(
        sarif.findings(Report("drift", [], findings, rules), cwd)
    )
    results = document["runs"][0]["results"]
    for item, result in zip(report.items, results, strict=True):
        if item.known:
            result["suppressions"] = [
                {"kind": "external", "justification": f"{item.known}: {item.reason or ''}"}
            ]
    document["runs"][0]["invocations"][0]["executionSuccessful"] = not report.unusable
    return encode(document)
