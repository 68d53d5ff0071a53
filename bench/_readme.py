"""The README's "Performance" table, written from one ``make bench`` run.

``bench/run_all.py`` collects every FIGURE line and hands the rows here; the table
replaces what lies between the two markers of ``docs/readme/performance.md`` (the prose
around them is kept), and ``scripts/build_readme.py`` then rebuilds README.md from the
fragments, so one command leaves both up to date.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path

START = "<!-- bench:start (written by `make bench`: edit the prose around it, not this) -->"
END = "<!-- bench:end -->"
COLUMNS = ("bench", "figure", "vstape", "anchor", "anchor value", "ratio", "target", "flag")


def _escape(cell: str) -> str:
    return cell.replace("|", "\\|").replace("\n", " ")


def table(rows: Sequence[Sequence[str]], when: datetime.date) -> str:
    """The markdown table of FIGURE rows (bench, name, value, unit, anchor, anchor value,
    ratio, target, flag), dated."""
    lines = [
        f"Measured {when.isoformat()} by one `make bench` run; each figure is the median of "
        "interleaved rounds, with the min–max over the rounds in brackets.",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    for row in rows:
        bench, name, value, unit, anchor, anchor_value, ratio, target, flag = (
            list(row) + [""] * 9
        )[:9]
        cells = [bench, name, f"{value} {unit}".strip(), anchor, anchor_value, ratio, target, flag]
        lines.append("| " + " | ".join(_escape(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def update(fragment: Path, rows: Sequence[Sequence[str]], when: datetime.date) -> None:
    """Replace the table between the markers of ``fragment``; ValueError without them."""
    text = fragment.read_text(encoding="utf-8")
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise ValueError(
            f"{fragment}: the markers {START!r} and {END!r} are missing; put them back "
            "where the table goes"
        )
    head, tail = text[: start + len(START)], text[end:]
    fragment.write_text(head + "\n" + table(rows, when) + tail, encoding="utf-8")
