"""A drift report as text: the terminal, JSON, and Markdown (for an issue or a PR comment).

All three say the same: per check, the drift (each item with its route, path, what
changed and where: a spec pointer with its line, or a cassette's file:line), then the
known differences (in the terminal and Markdown one line per documented key, with how
many items it explains; JSON lists every item), then the notes (timings, cleanup).
Every string that may quote traffic or the spec goes through
:func:`vstape.reports.text.safe_text`. The Markdown starts with :data:`MARKER` (how a
scheduled job finds the issue it opened last time) and stays under
:data:`MAX_MARKDOWN_CHARS` (GitHub's limit is 65,536); what does not fit is counted.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import msgspec

from vstape import __version__
from vstape.drift.model import CHECKS, KINDS, Drift, DriftReport
from vstape.reports.json import encode
from vstape.reports.text import safe_text

__all__ = [
    "MARKER",
    "MAX_MARKDOWN_CHARS",
    "as_json",
    "as_markdown",
    "as_text",
    "plan_json",
    "plan_text",
]

MARKER = "<!-- vstape drift -->"
MAX_MARKDOWN_CHARS = 60_000
TITLES = {
    "spec": "vstape's schemas vs the OpenAPI spec",
    "cassettes": "cassettes vs vstape's schemas",
    "live": "the live API vs the cassettes",
}


def _value(value: Any) -> str:
    if value is None:
        return "-"
    text = value if isinstance(value, str) else msgspec.json.encode(value).decode()
    text = safe_text(text)
    return text if len(text) <= 80 else text[:77] + "..."


def _source(item: Drift) -> str:
    if item.check == "spec":
        return f"{item.where} ({item.file}:{item.line})" if item.file else item.where
    return item.where or item.file


def _line(item: Drift) -> str:
    route = item.route or "-"
    also = f" (+{len(item.routes) - 1} routes)" if len(item.routes) > 1 else ""
    head = f"{item.kind}  {route}{also}  {item.path}"
    return safe_text(f"{head}: {item.message}  [{_source(item)}]")


def summary(report: DriftReport) -> str:
    """``drift: 3 (spec 2, live 1); known: 57; unusable: 0``."""
    per = Counter(d.check for d in report.drift)
    detail = ", ".join(f"{c} {per[c]}" for c in CHECKS if per[c])
    return (
        f"drift: {len(report.drift)}{f' ({detail})' if detail else ''}; "
        f"known: {len(report.known)}; unusable: {len(report.unusable)}"
    )


def as_text(report: DriftReport, *, every_known: bool = False) -> str:
    """The terminal report; ``every_known``: each known item on its own line too."""
    lines: list[str] = []
    for check in report.checks:
        items = report.of(check)
        drift = [d for d in items if d.known is None]
        lines.append(
            f"== {check}: {TITLES[check]}: {len(drift)} drift, {len(items) - len(drift)} known"
        )
        lines += [f"  {_line(d)}" for d in drift]
        if every_known:
            lines += [f"  known {d.known}  {_line(d)}" for d in items if d.known is not None]
        else:
            for key, count, reason in _known(items):
                lines.append(f"  known  {key} x{count}: {safe_text(reason)}")
    lines += [f"note: {safe_text(n)}" for n in report.notes]
    lines.append(f"vstape drift: {summary(report)}")
    return "\n".join(lines) + "\n"


def _known(items: list[Drift]) -> list[tuple[str, int, str]]:
    counts: Counter[str] = Counter()
    reasons: dict[str, str] = {}
    for item in items:
        if item.known is not None:
            counts[item.known] += 1
            reasons.setdefault(item.known, item.reason or "")
    return [(key, n, reasons[key]) for key, n in counts.items()]


def as_json(report: DriftReport) -> bytes:
    """``{tool, version, exit, summary, checks, inputs, items: [...], notes}``."""
    return encode(
        {
            "tool": "vstape-drift",
            "version": __version__,
            "exit": report.exit_code(),
            "summary": {
                "drift": len(report.drift),
                "known": len(report.known),
                "unusable": len(report.unusable),
            },
            "checks": report.checks,
            "inputs": report.inputs,
            "items": [_plain(d) for d in report.items],
            "notes": [safe_text(n) for n in report.notes],
        }
    )


def _plain(item: Drift) -> dict[str, Any]:
    # every field, null when unset: a consumer reads the same keys on every item
    data: dict[str, Any] = msgspec.to_builtins(msgspec.structs.asdict(item))
    for key in ("message", "path", "where"):
        if isinstance(data.get(key), str):
            data[key] = safe_text(data[key])
    data["drift"] = item.known is None and item.kind != "unusable"
    return data


def _cell(text: str) -> str:
    return safe_text(text).replace("|", "\\|").replace("`", "'")


def as_markdown(report: DriftReport) -> str:
    """A Markdown report for an issue body or a comment (bounded, see the module docstring)."""
    head = [MARKER, "## vstape drift", "", f"**{summary(report)}**", ""]
    body: list[str] = []
    left_out = 0
    size = sum(len(x) + 1 for x in head)
    for check in report.checks:
        items = report.of(check)
        drift = [d for d in items if d.known is None]
        body += [f"### {TITLES[check]}: {len(drift)} drift", ""]
        if drift:
            body += ["| kind | route | path | what | where |", "|---|---|---|---|---|"]
            for item in drift:
                also = f" (+{len(item.routes) - 1})" if len(item.routes) > 1 else ""
                row = (
                    f"| {item.kind} | {_cell(item.route or '-')}{also} | `{_cell(item.path)}` | "
                    f"{_cell(item.message)} | {_cell(_source(item))} |"
                )
                if size + len(row) > MAX_MARKDOWN_CHARS:
                    left_out += 1
                    continue
                body.append(row)
                size += len(row) + 1
            body.append("")
        known = _known(items)
        if known:
            body += ["<details><summary>known, documented differences</summary>", ""]
            body += [f"- `{key}` x{n}: {_cell(reason)}" for key, n, reason in known]
            body += ["", "</details>", ""]
    if left_out:
        body += [f"_{left_out} more items did not fit; run `vstape drift ... --json` for all._", ""]
    if report.notes:
        body += ["<details><summary>notes</summary>", ""]
        body += [f"- {_cell(n)}" for n in report.notes] + ["", "</details>", ""]
    legend = sorted({d.kind for d in report.drift})
    if legend:
        body += ["| kind | means |", "|---|---|"]
        body += [f"| {k} | {KINDS.get(k, '')} |" for k in legend] + [""]
    return "\n".join(head + body)


def plan_text(plan: dict[str, Any], upstream: str) -> str:
    """What a dry run of ``drift live`` would send (:func:`vstape.drift.live.plan`)."""
    lines = [
        f"vstape drift live: dry run, nothing sent. With --yes, {plan['requests']} requests "
        f"would go to {upstream} (* = creates, changes or deletes something):"
    ]
    for name, entry in plan["routes"].items():
        mark = "*" if entry["mutating"] else " "
        lines.append(f"  {mark} {entry['count']:>5}  {entry['method']:<6} {name}")
    if plan["skipped"]:
        lines.append(
            f"  {plan['skipped']} interactions not sent: other APIs, or faults vstape injected"
        )
    if plan["foreign"]:
        lines.append(
            f"  {plan['foreign']} requests name ids their cassette never created (a store "
            "recorded elsewhere): upstream they will likely answer 404; record the cassette "
            "from a workload that creates what it uses"
        )
    lines.append("Objects the cassettes create and do not delete are deleted afterwards.")
    return "\n".join(lines) + "\n"


def plan_json(plan: dict[str, Any], upstream: str) -> bytes:
    """``{tool, version, dry_run: true, upstream, requests, skipped, foreign, routes}``."""
    return encode(
        {"tool": "vstape-drift", "version": __version__, "dry_run": True, "upstream": upstream}
        | plan
    )
