"""The JSON format: the findings of validate/lint, the run report and the coverage matrix.

Every document is encoded by :func:`encode`: two-space indent, the keys in the order
written here, one newline at the end (as every text file). Strings that quote traffic
go through :func:`vstape.reports.text.safe_text` first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec

from vstape import __version__
from vstape.reports.text import safe_text

if TYPE_CHECKING:
    from vstape.reports.coverage import Coverage
    from vstape.reports.findings import Finding, Report
    from vstape.reports.run import RunReport


def encode(document: object) -> bytes:
    """``document`` as indented JSON text, ending in a newline."""
    return msgspec.json.format(msgspec.json.encode(document), indent=2) + b"\n"


def _statuses(counts: dict[int, int]) -> dict[str, int]:
    return {str(code): n for code, n in sorted(counts.items())}


def findings(report: Report) -> bytes:
    """``{tool, version, summary, cassettes, findings: [{rule, level, file, ...}]}``."""
    return encode(
        {
            "tool": f"vstape-{report.tool}",
            "version": __version__,
            "summary": {
                "cassettes": len(report.files),
                "findings": report.problems,
                "unusable": report.unusable,
            },
            "cassettes": list(report.files),
            "findings": [_finding(f) for f in report.findings],
        }
    )


def _finding(finding: Finding) -> dict[str, Any]:
    data: dict[str, Any] = msgspec.to_builtins(finding)
    for key in ("message", "subject", "path"):
        if isinstance(data.get(key), str):
            data[key] = safe_text(data[key])
    return data


def run(report: RunReport) -> bytes:
    """``{total, broken_on_purpose, routes: {name: {count, statuses, ...}}, recording?}``."""
    document: dict[str, object] = {
        "total": report.total,
        "broken_on_purpose": report.broken_on_purpose,
        "routes": {
            name: {
                "count": s.count,
                "statuses": _statuses(s.statuses),
                "violations": s.violations,
                "drift": s.drift,
                "broken_on_purpose": s.broken_on_purpose,
                "messages": s.messages,
            }
            for name, s in sorted(report.routes.items())
        },
    }
    tally = report.recording
    if tally is not None:
        document["recording"] = {
            "exchanges": tally.exchanges,
            "recorded": tally.recorded,
            "not_recorded": tally.not_recorded,
            "reasons": dict(tally.reasons.most_common()),
            "losses": tally.losses,
        }
    return encode(document)


def coverage(cov: Coverage) -> bytes:
    """The matrix: summary, columns, per route its cells, misses and statuses."""
    routes: dict[str, Any] = {}
    for route, row in cov.cells.items():
        interactions, covered, applicable = cov.row(route)
        routes[route] = {
            "interactions": interactions,
            "covered": covered,
            "applicable": applicable,
            "statuses": _statuses(cov.statuses(route)),
            "cells": {
                name: {"count": c.count, "statuses": _statuses(c.statuses), "applies": c.applies}
                for name, c in row.items()
                if c.covered
            },
            "missing": [name for name, c in row.items() if c.applies and not c.covered],
        }
    return encode(
        {
            "tool": "vstape-coverage",
            "version": __version__,
            "summary": {
                "covered": cov.covered,
                "applicable": cov.applicable,
                "percent": round(cov.percent, 2),
                "interactions": cov.interactions,
                "cassettes": cov.cassettes,
                "unmatched": len(cov.unmatched),
            },
            "columns": cov.columns,
            "totals": {name: cov.column(name)[0] for name in cov.columns},
            "routes": routes,
            "unmatched": [
                {
                    "file": o.file,
                    "interaction": o.interaction,
                    "method": o.method,
                    "path": o.path,
                    "status": o.status,
                    "scenario": o.scenario,
                }
                for o in cov.unmatched
            ],
        }
    )
