"""Which routes x statuses x scenarios a set of cassettes exercises (pure).

Each interaction is put in one cell: its route (``routes.match``) and its scenario — the
``vstape.scenario`` the recorder stored, else ``ok`` for a 2xx, else the catalog scenario
its status and error envelope name unambiguously, else ``status_<code>``. A cell is
*applicable* when the scenario applies to the route (``faults.scenarios_for``; ``ok``
always does); coverage is covered applicable cells over applicable cells.

Rendered as a terminal table (:func:`table`), JSON (:func:`to_json`) and one
self-contained HTML page (:func:`to_html`: inline CSS, no script, no external resource).
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import msgspec
from msgspec import UNSET

from vstape import __version__
from vstape.cassettes import Interaction
from vstape.faults import BY_SCENARIO, CATALOG, scenarios_for
from vstape.routes import ROUTES, match

OK = "ok"
COLUMNS: tuple[str, ...] = (OK, *(s.name for s in CATALOG))


@dataclass(frozen=True, slots=True)
class Observation:
    """One interaction, placed: where it came from, its route, status and scenario."""

    file: str
    interaction: int
    method: str
    path: str
    route: str | None
    status: int
    scenario: str


def _error_fields(body: bytes) -> tuple[str | None, str | None]:
    """``(error.type, error.code)`` of OpenAI's error envelope, or Nones."""
    try:
        document = msgspec.json.decode(body)
    except (msgspec.DecodeError, RecursionError):
        return None, None
    error = document.get("error") if isinstance(document, dict) else None
    if not isinstance(error, dict):
        return None, None
    kind, code = error.get("type"), error.get("code")
    return (kind if isinstance(kind, str) else None, code if isinstance(code, str) else None)


def derive_scenario(status: int, headers: dict[str, list[str]], body: bytes) -> str:
    """The scenario a response without vstape's own record stands for."""
    if 200 <= status < 300:
        return OK
    kind, code = _error_fields(body)
    if kind == "vstape_transport_fault" and code in BY_SCENARIO:
        return code  # the stand-in vstape stores for a timeout or reset
    content_type = " ".join(
        v for k, vs in headers.items() if k.lower() == "content-type" for v in vs
    )
    is_html = "text/html" in content_type.lower() or body.lstrip()[:1] == b"<"
    candidates = [
        s
        for s in CATALOG
        if s.status == status
        and s.kind in ("status", "body")
        and (s.name == "html_error_page") == is_html
    ]
    for value, attribute in ((code, "error_code"), (kind, "error_type")):
        narrowed = [s for s in candidates if value and getattr(s, attribute) == value]
        if len(candidates) > 1 and narrowed:
            candidates = narrowed
    return candidates[0].name if len(candidates) == 1 else f"status_{status}"


def scenario_of(item: Interaction) -> str:
    """The recorded ``vstape.scenario``, else :func:`derive_scenario`."""
    if item.vstape is not UNSET and item.vstape.scenario:
        return item.vstape.scenario
    response = item.response
    return derive_scenario(response.status.code, response.headers, response.body.bytes)


def observe(file: str, interactions: Sequence[Interaction]) -> list[Observation]:
    """Every interaction of one cassette, placed."""
    out = []
    for index, item in enumerate(interactions):
        base = item.request.uri.split("?", 1)[0]
        path = "/" + base.split("://", 1)[-1].split("/", 1)[-1]
        found = match(item.request.method, path)
        out.append(
            Observation(
                file=file,
                interaction=index,
                method=item.request.method.upper(),
                path=path,
                route=found.route.name if found else None,
                status=item.response.status.code,
                scenario=scenario_of(item),
            )
        )
    return out


@dataclass
class Cell:
    """One route x scenario: how many interactions, with which statuses; applicable or not."""

    applies: bool
    count: int = 0
    statuses: Counter[int] = field(default_factory=Counter)

    @property
    def covered(self) -> bool:
        """At least one interaction is in this cell."""
        return self.count > 0


@dataclass
class Coverage:
    """The route x scenario matrix of a set of cassettes."""

    columns: list[str]
    cells: dict[str, dict[str, Cell]]
    cassettes: int = 0
    interactions: int = 0
    unmatched: list[Observation] = field(default_factory=list)

    @property
    def applicable(self) -> int:
        """Number of applicable cells (the denominator)."""
        return sum(c.applies for row in self.cells.values() for c in row.values())

    @property
    def covered(self) -> int:
        """Number of applicable cells with at least one interaction."""
        return sum(c.applies and c.covered for row in self.cells.values() for c in row.values())

    @property
    def percent(self) -> float:
        """Covered over applicable cells, in percent."""
        return 100.0 * self.covered / self.applicable if self.applicable else 100.0

    def row(self, route: str) -> tuple[int, int, int]:
        """``(interactions, covered cells, applicable cells)`` of one route."""
        cells = self.cells[route].values()
        return (
            sum(c.count for c in cells),
            sum(c.applies and c.covered for c in cells),
            sum(c.applies for c in cells),
        )

    def column(self, scenario: str) -> tuple[int, int, int]:
        """``(interactions, covered routes, applicable routes)`` of one scenario."""
        cells = [row[scenario] for row in self.cells.values()]
        return (
            sum(c.count for c in cells),
            sum(c.applies and c.covered for c in cells),
            sum(c.applies for c in cells),
        )

    def statuses(self, route: str) -> Counter[int]:
        """How many interactions of one route got each status."""
        total = Counter[int]()
        for cell in self.cells[route].values():
            total.update(cell.statuses)
        return total

    def summary(self) -> str:
        """``N of M route x scenario cells covered (P%)``."""
        return (
            f"{self.covered} of {self.applicable} route x scenario cells covered "
            f"({self.percent:.1f}%)"
        )

    def scope(self) -> str:
        """What was read: interactions, cassettes, interactions that match no route."""
        text = f"{self.interactions} interactions in {self.cassettes} cassettes"
        if self.unmatched:
            text += f", {len(self.unmatched)} matching no route (not in the matrix)"
        return text


def build(observations: Iterable[Observation], cassettes: int = 0) -> Coverage:
    """The matrix of these observations (every route is a row, every scenario a column)."""
    seen = list(observations)
    extra = sorted({o.scenario for o in seen if o.scenario not in COLUMNS})
    columns = [*COLUMNS, *extra]
    cells: dict[str, dict[str, Cell]] = {}
    for route in ROUTES:
        applies = {OK, *(s.name for s in scenarios_for(route))}
        cells[route.name] = {name: Cell(applies=name in applies) for name in columns}
    unmatched = []
    for o in seen:
        if o.route is None:
            unmatched.append(o)
            continue
        cell = cells[o.route][o.scenario]
        cell.count += 1
        cell.statuses[o.status] += 1
    return Coverage(columns, cells, cassettes, len(seen), unmatched)


# -- terminal table -----------------------------------------------------------------------


def _statuses(counts: Counter[int]) -> str:
    return " ".join(f"{code}x{n}" for code, n in sorted(counts.items()))


def table(cov: Coverage) -> str:
    """Routes as rows, scenarios as columns (a staircase of names above them), counts in cells.

    ``.`` is an applicable cell no interaction covers; blank: the scenario does not apply.
    """
    counts = [str(c.count) for row in cov.cells.values() for c in row.values()]
    width = max(2, *(len(c) for c in counts)) + 1
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
        cells = f"{covered}/{applicable}"
        lines.append(f"{route:<{name_width}}{marks}   {cells:>5}  {_statuses(cov.statuses(route))}")
    lines.append(rule)
    totals = "".join(str(cov.column(c)[0]).rjust(width) for c in cov.columns)
    lines += ["total".ljust(name_width) + totals, cov.summary(), cov.scope()]
    return "\n".join(line.rstrip() for line in lines)


# -- JSON ---------------------------------------------------------------------------------


def to_json(cov: Coverage) -> bytes:
    """The matrix as JSON: summary, columns, per route its cells, misses and statuses."""
    routes: dict[str, Any] = {}
    for route, row in cov.cells.items():
        interactions, covered, applicable = cov.row(route)
        statuses = cov.statuses(route)
        routes[route] = {
            "interactions": interactions,
            "covered": covered,
            "applicable": applicable,
            "statuses": {str(k): v for k, v in sorted(statuses.items())},
            "cells": {
                name: {
                    "count": c.count,
                    "statuses": {str(k): v for k, v in sorted(c.statuses.items())},
                    "applies": c.applies,
                }
                for name, c in row.items()
                if c.covered
            },
            "missing": [name for name, c in row.items() if c.applies and not c.covered],
        }
    document = {
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
    return msgspec.json.format(msgspec.json.encode(document), indent=2) + b"\n"


# -- HTML ---------------------------------------------------------------------------------

COVERED_RGB = (46, 158, 84)
UNCOVERED_RGB = (214, 214, 214)
_CSS = """
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #222; }
h1 { font-size: 22px; margin: 0 0 4px; }
.summary { font-size: 16px; margin: 0 0 8px; }
.bar { width: 480px; height: 10px; background: #e4e4e4; border-radius: 5px; overflow: hidden; }
.bar span { display: block; height: 100%; background: rgb(COVERED); }
.legend { display: flex; gap: 18px; margin: 12px 0 16px; padding: 0; list-style: none; }
.legend li { display: flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 18px; height: 14px; border: 1px solid #bbb; }
table { border-collapse: collapse; }
th, td { border: 1px solid #fff; padding: 0; text-align: center; }
thead th.scenario { height: 150px; vertical-align: bottom; padding: 4px 0; }
thead th.scenario span { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; }
th.route { text-align: left; padding: 0 10px 0 4px; font-weight: 500; white-space: nowrap; }
td.cell { width: 34px; height: 24px; min-width: 34px; max-width: 34px; font-variant-numeric: tabular-nums; }
.covered { background: rgb(COVERED); color: #fff; font-weight: 600; }
.covered.extra { background: #9ad3a8; color: #1d4d2a; }
.uncovered { background: rgb(UNCOVERED); color: #777; }
.na { background: repeating-linear-gradient(45deg, #fff 0 3px, #ececec 3px 6px); }
.total { padding: 0 8px; color: #444; white-space: nowrap; font-variant-numeric: tabular-nums; }
tfoot th, tfoot td { border-top: 2px solid #999; font-size: 11px; padding: 2px 0; }
tfoot td.total { padding: 2px 1px; }
details { margin-top: 18px; } code { font-size: 13px; }
"""
_CSS = _CSS.replace("rgb(UNCOVERED)", f"rgb{UNCOVERED_RGB}")
_CSS = _CSS.replace("rgb(COVERED)", f"rgb{COVERED_RGB}")


def _cell_html(route: str, scenario: str, cell: Cell) -> str:
    if cell.covered:
        tip = f"{route} x {scenario}: {cell.count} interactions ({_statuses(cell.statuses)})"
        if not cell.applies:
            tip += ": not a catalog scenario of this route, not counted"
        kind = "covered" if cell.applies else "covered extra"
        return f'<td class="cell {kind}" title="{html.escape(tip)}">{cell.count}</td>'
    if cell.applies:
        return f'<td class="cell uncovered" title="{html.escape(f"{route} x {scenario}: not covered")}"></td>'
    tip = f"{scenario} does not apply to {route}"
    return f'<td class="cell na" title="{html.escape(tip)}"></td>'


def _share_html(covered: int, applicable: int) -> str:
    share = f"{100 * covered // applicable}%" if applicable else ""
    return f'<td class="total" title="{covered} of {applicable} routes">{share}</td>'


def to_html(cov: Coverage, sources: Sequence[str] = ()) -> str:
    """One self-contained page: the matrix, totals per row and column, a legend."""
    e = html.escape
    head = "".join(
        f'<th class="scenario" scope="col" title="{e(_about(c))}"><span>{e(c)}</span></th>'
        for c in cov.columns
    )
    rows = []
    for route, row in cov.cells.items():
        interactions, covered, applicable = cov.row(route)
        cells = "".join(_cell_html(route, name, cell) for name, cell in row.items())
        rows.append(
            f'<tr class="route" data-route="{e(route)}"><th class="route" scope="row">{e(route)}</th>'
            f'{cells}<td class="total">{covered}/{applicable}</td>'
            f'<td class="total">{interactions}</td></tr>'
        )
    sums = "".join(f'<td class="total">{cov.column(c)[0]}</td>' for c in cov.columns)
    routes = "".join(_share_html(*cov.column(c)[1:]) for c in cov.columns)
    unmatched = "".join(
        f"<li><code>{e(o.file)}</code> interaction {o.interaction}: {e(o.method)} {e(o.path)} "
        f"({o.status})</li>"
        for o in cov.unmatched
    )
    listed = "".join(f"<li><code>{e(s)}</code></li>" for s in sources)
    about = "".join(f"<li><b>{e(s.name)}</b>: {e(s.summary)}</li>" for s in CATALOG)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>vstape coverage: {cov.covered} of {cov.applicable} cells</title>
<style>{_CSS}</style></head><body>
<h1>vstape coverage</h1>
<p class="summary"><b>{cov.covered} of {cov.applicable}</b> route x scenario cells covered
(<b>{cov.percent:.1f}%</b>) by {cov.interactions} interactions in {cov.cassettes} cassettes.</p>
<div class="bar"><span style="width: {cov.percent:.1f}%"></span></div>
<ul class="legend">
<li><span class="swatch covered"></span> covered (number of interactions)</li>
<li><span class="swatch uncovered"></span> not covered</li>
<li><span class="swatch na"></span> scenario does not apply to the route</li>
<li><span class="swatch covered extra"></span> seen, but not a catalog scenario of the route (not counted)</li>
</ul>
<table>
<thead><tr><th></th>{head}<th class="total" scope="col">cells</th><th class="total" scope="col">interactions</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
<tfoot>
<tr><th class="route" scope="row">interactions</th>{sums}<td></td><td class="total">{cov.interactions}</td></tr>
<tr><th class="route" scope="row">routes covered</th>{routes}<td class="total">{int(cov.percent)}%</td><td></td></tr>
</tfoot>
</table>
{f"<h2>Matching no route</h2><ul>{unmatched}</ul>" if unmatched else ""}
<details><summary>Scenarios</summary><ul>{about}</ul></details>
{f"<details><summary>Cassettes read</summary><ul>{listed}</ul></details>" if listed else ""}
<p><small>vstape {e(__version__)}</small></p>
</body></html>
"""


def _about(column: str) -> str:
    if column == OK:
        return "ok: a 2xx response"
    found = BY_SCENARIO.get(column)
    return (
        f"{column}: {found.summary}"
        if found
        else f"{column}: seen in the cassettes, not in the catalog"
    )
