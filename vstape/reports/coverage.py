"""Which routes x statuses x scenarios a set of cassettes exercises (pure).

Each interaction is put in one cell: its route (``routes.match``) and its scenario — the
``vstape.scenario`` the recorder stored, else ``ok`` for a 2xx, else the catalog scenario
its status and error envelope name unambiguously, else ``status_<code>``. A cell is
*applicable* when the scenario applies to the route (``faults.scenarios_for``; ``ok``
always does); coverage is covered applicable cells over applicable cells.

Data and computation only: the writers are :func:`vstape.reports.text.coverage` (the
terminal table), :func:`vstape.reports.json.coverage` and :func:`vstape.reports.html.coverage`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import msgspec
from msgspec import UNSET

from vstape.api.routes import ROUTES, match
from vstape.cassettes.model import Interaction
from vstape.faults.catalog import BY_SCENARIO, CATALOG, scenarios_for
from vstape.http import header, path_of

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
    content_type = header([(k, v) for k, vs in headers.items() for v in vs], "content-type")
    is_html = "text/html" in content_type.lower() or body.lstrip()[:1] == b"<"
    candidates = [
        s
        for s in CATALOG
        if s.status == status
        and s.kind in ("status", "body")
        and (s.content_type == "text/html") == is_html
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
        path = path_of(item.request.uri)
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
