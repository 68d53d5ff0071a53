"""The HTML format: the coverage matrix as one self-contained page (inline CSS, no script).

Covered cells are green with their counts, uncovered grey, cells whose scenario does not
apply to the route hatched; totals per row and column, a legend and a progress bar. A
person would rather look at it than read the JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from vstape import __version__
from vstape.faults.catalog import BY_SCENARIO, CATALOG
from vstape.reports.coverage import OK, Cell, Coverage
from vstape.reports.text import counts

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
        tip = f"{route} x {scenario}: {cell.count} interactions ({counts(cell.statuses)})"
        if not cell.applies:
            tip += ": not a catalog scenario of this route, not counted"
        kind = "covered" if cell.applies else "covered extra"
        return f'<td class="cell {kind}" title="{escape(tip)}">{cell.count}</td>'
    if cell.applies:
        return f'<td class="cell uncovered" title="{escape(f"{route} x {scenario}: not covered")}"></td>'
    tip = f"{scenario} does not apply to {route}"
    return f'<td class="cell na" title="{escape(tip)}"></td>'


def _share_html(covered: int, applicable: int) -> str:
    share = f"{100 * covered // applicable}%" if applicable else ""
    return f'<td class="total" title="{covered} of {applicable} routes">{share}</td>'


def coverage(cov: Coverage, sources: Sequence[str] = ()) -> bytes:
    """One self-contained page (UTF-8): the matrix, totals per row and column, a legend."""
    e = escape
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
    page = f"""<!doctype html>
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
    return page.encode()


def _about(column: str) -> str:
    if column == OK:
        return "ok: a 2xx response"
    found = BY_SCENARIO.get(column)
    return (
        f"{column}: {found.summary}"
        if found
        else f"{column}: seen in the cassettes, not in the catalog"
    )
