"""The terminal format: a finding's line, the run report's table, the coverage matrix.

Every text that reaches a terminal, a log or a report goes through :func:`one_line`
(control characters, newlines too, escaped as ``\\xNN``: a hostile field name cannot
forge a line or move the cursor) and, where it may quote traffic, :func:`safe_text`
(also secret-shaped tokens masked).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from vstape.recording.redact import scrub_text

if TYPE_CHECKING:
    from vstape.reports.coverage import Coverage
    from vstape.reports.findings import Finding
    from vstape.reports.run import RunReport

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def one_line(text: str) -> str:
    """``text`` with every control character (``\\n`` and ``\\t`` too) escaped as ``\\xNN``."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


def safe_text(text: str) -> str:
    """:func:`one_line`, and secret-shaped tokens masked."""
    return scrub_text(one_line(text))


def counts(statuses: Counter[int]) -> str:
    """``200x3 404x1``: each status and how often, in status order."""
    return " ".join(f"{code}x{n}" for code, n in sorted(statuses.items()))


def aligned(rows: Sequence[Sequence[str]], *, head_rule: bool = False) -> list[str]:
    """The rows as lines, each column left-aligned to its widest cell, two spaces apart.

    ``head_rule``: the first row is a head, underlined with dashes as wide as each column.
    """
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    if head_rule:
        lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def finding(found: Finding) -> str:
    """One finding's line: ``file: interaction N: subject: path: rule: message``."""
    parts = [found.file]
    if found.interaction is not None:
        parts.append(f"interaction {found.interaction}")
    parts += [p for p in (found.subject, found.path) if p]
    parts += [found.rule, found.message]
    return safe_text(": ".join(parts))


def run(report: RunReport) -> str:
    """The run report's table: a row per route (sorted), a rule under the head, a summary."""
    rows = [("route", "count", "statuses", "violations", "drift")]
    for name, s in sorted(report.routes.items()):
        rows.append((name, str(s.count), counts(s.statuses), str(s.violations), str(s.drift)))
    lines = aligned(rows, head_rule=True)
    summary = (
        f"{report.total} exchanges, {len(report.routes)} routes, {report.violations} violations"
    )
    if report.broken_on_purpose:
        summary += (
            f"; {report.broken_on_purpose} responses broken on purpose by fault injection "
            "(not validated)"
        )
    if report.recording is not None:
        summary += "; recording: " + report.recording.summary()
    lines.append(summary)
    return "\n".join(lines)


def coverage(cov: Coverage) -> str:
    """Routes as rows, scenarios as columns (a staircase of names above them), counts in cells.

    ``.`` is an applicable cell no interaction covers; blank: the scenario does not apply.
    """
    cells = [str(c.count) for row in cov.cells.values() for c in row.values()]
    width = max(2, *(len(c) for c in cells)) + 1
    name_width = max(len("total"), *(len(r) for r in cov.cells))
    pad = " " * name_width
    lines = [
        pad + "|".rjust(width) * j + " " * (width - 1) + column
        for j, column in enumerate(cov.columns)
    ]
    lines.append(pad + "|".rjust(width) * len(cov.columns) + "   cells  statuses")
    rule = "-" * (name_width + width * len(cov.columns) + 18)
    lines.append(rule)
    for route, row in cov.cells.items():
        marks = "".join(
            (str(c.count) if c.covered else "." if c.applies else "").rjust(width)
            for c in row.values()
        )
        _, covered, applicable = cov.row(route)
        share = f"{covered}/{applicable}"
        lines.append(f"{route:<{name_width}}{marks}   {share:>5}  {counts(cov.statuses(route))}")
    lines.append(rule)
    totals = "".join(str(cov.column(c)[0]).rjust(width) for c in cov.columns)
    lines += ["total".ljust(name_width) + totals, cov.summary(), cov.scope()]
    return "\n".join(line.rstrip() for line in lines)
