"""A cassette diff as text: the terminal (grouped by route, coloured), JSON, and Markdown.

The Markdown is sized for a pull-request comment: a summary table per route, then the
interactions that differ, at most :data:`MAX_CHANGES` field changes each and
:data:`MAX_MARKDOWN_CHARS` in all (GitHub refuses comments over 65,536 characters); what
does not fit is counted, never silently left out.
"""

from __future__ import annotations

import html
from typing import Any

import msgspec

from vstape.diff.cassettes import Entry, FieldChange, Located, Report
from vstape.diff.fields import MISSING
from vstape.recording.normalize import UNDECODED

__all__ = ["MARKER", "MAX_CHANGES", "MAX_MARKDOWN_CHARS", "as_json", "as_markdown", "as_text"]

MARKER = "<!-- vstape diff -->"
"""The Markdown's first line: how a CI step finds its earlier comment to update it."""
MAX_CHANGES = 20  # field changes listed per interaction (Markdown); the rest are counted
MAX_MARKDOWN_CHARS = 60_000
MAX_VALUE = 120  # characters of one value in the terminal and Markdown
SIGN = {"added": "+", "removed": "-", "changed": "~"}
COLOUR = {"added": "32", "removed": "31", "changed": "33"}


def _printable(value: Any) -> Any:
    """``value`` with bytes that were not UTF-8 (surrogateescape) shown as ``\\xNN``."""
    if isinstance(value, str):
        if value.isascii() or UNDECODED.search(value) is None:
            return value
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    if isinstance(value, list):
        return [_printable(v) for v in value]
    if isinstance(value, dict):
        return {_printable(k): _printable(v) for k, v in value.items()}
    return value


def _value(value: Any, limit: int = MAX_VALUE) -> str:
    if value is MISSING:
        return "(absent)"
    text = msgspec.json.encode(_printable(value)).decode("utf-8", "replace")
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text) - limit:,} more)"


def _where(side: Located | None, files: int) -> str:
    if side is None:
        return ""
    name = f"{side.file} " if files > 1 and side.file else ""
    return str(_printable(f"{name}#{side.index} {side.method} {side.target}"))


def _headline(entry: Entry, files: int) -> str:
    if entry.kind == "changed":
        old, new = _where(entry.old, files), _where(entry.new, files)
        moved = "" if entry.old is None or entry.new is None or old == new else f" (was {old})"
        return f"{new}{moved}"
    return _where(entry.new or entry.old, files) + f" ({entry.kind})"


def _change_line(change: FieldChange) -> str:
    c = change.change
    return f"{change.part} {c.path}: {_value(c.old)} -> {_value(c.new)}"


def _status_line(entry: Entry) -> str | None:
    return None if entry.status is None else f"status: {entry.status[0]} -> {entry.status[1]}"


def summary(report: Report) -> str:
    """One line: equivalent, or how many interactions differ and how."""
    counts = report.counts()
    sizes = f"{report.old_interactions} -> {report.new_interactions} interactions"
    if report.equivalent:
        return f"equivalent ({sizes}, {report.files} cassette(s))"
    routes = len(report.by_route())
    parts = [f"{counts[k]} {k}" for k in ("added", "removed", "changed") if counts[k]]
    status = f", {counts['status']} status change(s)" if counts["status"] else ""
    return f"{', '.join(parts)} in {routes} route(s){status} ({sizes})"


def as_text(report: Report, *, colour: bool = False) -> str:
    """Grouped by route: ``+`` added, ``-`` removed, ``~`` changed with its field changes."""

    def paint(code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if colour else text

    lines: list[str] = []
    for name in report.only_old:
        lines.append(paint("31", f"- {_printable(name)}: only in OLD"))
    for name in report.only_new:
        lines.append(paint("32", f"+ {_printable(name)}: only in NEW"))
    for route, entries in report.by_route().items():
        lines.append(paint("1", str(_printable(route))))
        for entry in entries:
            sign = SIGN[entry.kind]
            lines.append(paint(COLOUR[entry.kind], f"  {sign} {_headline(entry, report.files)}"))
            status = _status_line(entry)
            details = ([status] if status else []) + [_change_line(c) for c in entry.changes]
            lines += [f"      {d}" for d in details]
    lines.append(f"vstape diff: {summary(report)}")
    return "\n".join(lines) + "\n"


def _side(side: Located | None) -> dict[str, Any] | None:
    if side is None:
        return None
    return {
        "file": _printable(side.file),
        "index": side.index,
        "method": _printable(side.method),
        "uri": _printable(side.uri),
    }


def _change(change: FieldChange) -> dict[str, Any]:
    c = change.change
    out: dict[str, Any] = {"part": change.part, "path": c.path, "kind": c.kind}
    if c.old is not MISSING:
        out["old"] = _printable(c.old)
    if c.new is not MISSING:
        out["new"] = _printable(c.new)
    return out


def as_json(report: Report, old: str, new: str) -> str:
    """Everything, for machines: ``{equivalent, summary, routes, only_old, only_new, entries}``."""
    counts = report.counts()
    document = {
        "tool": "vstape diff",
        "old": old,
        "new": new,
        "equivalent": report.equivalent,
        "summary": {
            "cassettes": report.files,
            "old_interactions": report.old_interactions,
            "new_interactions": report.new_interactions,
            **{k: counts[k] for k in ("added", "removed", "changed", "status")},
        },
        "routes": {
            str(_printable(route)): {k: sum(1 for e in entries if e.kind == k) for k in SIGN}
            for route, entries in report.by_route().items()
        },
        "only_old": _printable(report.only_old),
        "only_new": _printable(report.only_new),
        "entries": [
            {
                "route": _printable(e.route),
                "kind": e.kind,
                "old": _side(e.old),
                "new": _side(e.new),
                "status": None if e.status is None else {"old": e.status[0], "new": e.status[1]},
                "changes": [_change(c) for c in e.changes],
            }
            for e in report.entries
        ],
    }
    return msgspec.json.format(msgspec.json.encode(document), indent=2).decode() + "\n"


def _code(text: str) -> str:
    return f"<code>{html.escape(text)}</code>"


def _markdown_entry(entry: Entry, files: int) -> list[str]:
    lines = [f"- `{SIGN[entry.kind]}` {_code(_headline(entry, files))}"]
    status = _status_line(entry)
    details = ([status] if status else []) + [_change_line(c) for c in entry.changes]
    lines += [f"  - {_code(d)}" for d in details[:MAX_CHANGES]]
    if len(details) > MAX_CHANGES:
        lines.append(f"  - ... and {len(details) - MAX_CHANGES:,} more field changes")
    return lines


def _fit(report: Report, budget: int) -> tuple[list[str], int]:
    """The per-route sections, as many entries as fit in ``budget`` characters; how many did not."""
    kept: list[str] = []
    used, left = 0, 0
    for route, entries in report.by_route().items():
        title = html.escape(str(_printable(route)))
        section = [f"<details open><summary><b>{title}</b></summary>", ""]
        shown = 0
        for entry in entries:
            block = _markdown_entry(entry, report.files)
            size = sum(len(line) + 1 for line in block)
            if left or used + size > budget:
                left += 1
                continue
            section += block
            used += size
            shown += 1
        if shown:
            kept += [*section, "", "</details>"]
            used += len(section[0]) + 20
    return kept, left


def as_markdown(report: Report, old: str, new: str, *, limit: int = MAX_MARKDOWN_CHARS) -> str:
    """A pull-request comment: the verdict, a table per route, then each difference."""
    head = [MARKER, f"### vstape diff: {html.escape(summary(report))}", ""]
    head.append(f"{_code(old)} → {_code(new)}")
    if report.equivalent:
        head += ["", "No interaction was added, removed or changed (ids and times normalized)."]
        return "\n".join(head) + "\n"
    head += ["", "| route | added | removed | changed |", "|---|---:|---:|---:|"]
    for route, entries in report.by_route().items():
        n = {k: sum(1 for e in entries if e.kind == k) for k in SIGN}
        name = html.escape(str(_printable(route))).replace("|", "\\|")
        head.append(f"| <code>{name}</code> | {n['added']} | {n['removed']} | {n['changed']} |")
    for name in report.only_old:
        head.append(f"\nOnly in OLD: {_code(str(_printable(name)))}")
    for name in report.only_new:
        head.append(f"\nOnly in NEW: {_code(str(_printable(name)))}")
    budget = limit - sum(len(line) + 1 for line in head) - 200
    kept, left = _fit(report, budget)
    lines = [*head, "", *kept]
    if left:
        lines += [
            "",
            f"... and {left:,} more interaction(s) not shown (the size of a comment); "
            "`vstape diff --json` lists them all.",
        ]
    return "\n".join(lines) + "\n"
