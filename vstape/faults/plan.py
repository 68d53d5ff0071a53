"""Which request gets which fault: ``--fault`` specs parsed, and a seeded plan that decides.

``ROUTE:SCENARIO[:every N | :rate P]`` (ROUTE may be ``*``) becomes a :class:`FaultSpec`,
or a :class:`FaultSpecError` that quotes the value and says what is wrong. A
:class:`FaultPlan` holds the specs of one proxy run and decides, request by request, the
scenario to play and its step. A client may also ask for one scenario per request with
the :data:`HEADER` (``x-vstape-fault: SCENARIO``), which never goes past the proxy.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from vstape.api.routes import BY_NAME, ROUTES, Route
from vstape.faults.catalog import BY_SCENARIO, CATALOG, get
from vstape.faults.scenario import Scenario

HEADER = "x-vstape-fault"
"""The request header that asks the proxy for one scenario (removed before it goes anywhere)."""


class FaultSpecError(ValueError):
    """A ``--fault`` value that cannot be used: says what is wrong and the valid forms."""


SPEC_FORMS = "ROUTE:SCENARIO, ROUTE:SCENARIO:every N or ROUTE:SCENARIO:rate P (ROUTE may be *)"


@dataclass(frozen=True)
class FaultSpec:
    """Inject ``scenario`` into requests of ``route`` (``*``: every route it applies to)."""

    route: str
    scenario: Scenario
    every: int = 1
    rate: float | None = None

    def covers(self, route: Route) -> bool:
        """Whether requests of ``route`` are candidates for this fault."""
        return (self.route == "*" or self.route == route.name) and self.scenario.applies(route)

    def text(self) -> str:
        """The spec as the user wrote it (normalized)."""
        tail = (
            f":rate {self.rate:g}"
            if self.rate is not None
            else (f":every {self.every}" if self.every != 1 else "")
        )
        return f"{self.route}:{self.scenario.name}{tail}"


_MODIFIER = re.compile(r"^(every|rate)[ =]?(\S+)$")


def parse_spec(value: str) -> FaultSpec:
    """``ROUTE:SCENARIO[:every N | :rate P]`` -> FaultSpec; FaultSpecError says what is wrong."""
    parts = [p.strip() for p in value.split(":")]
    if len(parts) not in (2, 3) or not all(parts):
        raise FaultSpecError(f"--fault {value!r}: expected {SPEC_FORMS}")
    route_name, scenario_name = parts[0], parts[1]
    if route_name != "*" and route_name not in BY_NAME:
        raise FaultSpecError(
            f"--fault {value!r}: unknown route {route_name!r}; valid routes: * or "
            + ", ".join(r.name for r in ROUTES)
        )
    if scenario_name not in BY_SCENARIO:
        raise FaultSpecError(
            f"--fault {value!r}: unknown scenario {scenario_name!r}; valid scenarios: "
            + ", ".join(s.name for s in CATALOG if not s.not_injectable)
        )
    scenario = BY_SCENARIO[scenario_name]
    if scenario.not_injectable:
        raise FaultSpecError(f"--fault {value!r}: {scenario.name} is {scenario.not_injectable}")
    if route_name != "*" and not scenario.applies(BY_NAME[route_name]):
        raise FaultSpecError(
            f"--fault {value!r}: {scenario_name} does not apply to {route_name}; it applies to: "
            + ", ".join(r.name for r in scenario.routes)
        )
    if len(parts) == 2:
        return FaultSpec(route_name, scenario)
    found = _MODIFIER.match(parts[2])
    if not found:
        raise FaultSpecError(f"--fault {value!r}: {parts[2]!r} is not 'every N' or 'rate P'")
    word, number = found.groups()
    try:
        if word == "every":
            every = int(number)
            if every < 1:
                raise ValueError
            return FaultSpec(route_name, scenario, every=every)
        rate = float(number)
        if not 0.0 <= rate <= 1.0:
            raise ValueError
        return FaultSpec(route_name, scenario, rate=rate)
    except ValueError:
        expected = "an integer >= 1" if word == "every" else "a probability between 0 and 1"
        raise FaultSpecError(f"--fault {value!r}: {word} {number!r}: expected {expected}") from None


@dataclass
class FaultPlan:
    """Decides, request by request, which fault (if any) a request gets. Seeded.

    ``every N`` injects into the 1st, (N+1)th, (2N+1)th... candidate request, so a
    client that retries once gets through when N >= 2. ``rate P`` injects at random
    with probability P. A sequence (``retry_then_ok``) plays its steps in a cycle, counted
    per route.
    """

    specs: list[FaultSpec]
    seed: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    _random: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def decide(
        self, route: Route, requested: str | None = None, attempt: int | None = None
    ) -> tuple[Scenario, str] | None:
        """The scenario and the step to play for this request of ``route``, or None.

        ``requested`` is a scenario asked for by the request itself (the :data:`HEADER`);
        it wins over the specs. The step is the scenario's name, or for a sequence the
        member scenario of this request (``ok``: pass it on). ``attempt`` is the request's
        retry number when the client says it (the official SDKs send
        ``x-stainless-retry-count``): a sequence then plays the step of that attempt,
        whatever other clients do; without it, steps are counted per route.
        """
        if requested:
            asked = get(requested)
            if asked.not_injectable:  # a label: the upstream itself plays it
                return asked, "ok"
            return self._step(f"header:{requested}:{route.name}", asked, attempt)
        for position, spec in enumerate(self.specs):
            if not spec.covers(route):
                continue
            if spec.scenario.kind == "sequence":
                return self._step(f"spec{position}:{route.name}", spec.scenario, attempt)
            key = f"spec{position}"
            count = self.counts.get(key, 0)
            self.counts[key] = count + 1
            if spec.rate is not None:
                if self._random.random() < spec.rate:
                    return spec.scenario, spec.scenario.name
                continue
            if count % spec.every == 0:
                return spec.scenario, spec.scenario.name
        return None

    def _step(self, key: str, scenario: Scenario, attempt: int | None) -> tuple[Scenario, str]:
        if scenario.kind != "sequence":
            return scenario, scenario.name
        if attempt is not None and attempt >= 0:
            return scenario, scenario.steps[min(attempt, len(scenario.steps) - 1)]
        count = self.counts.get(key, 0)
        self.counts[key] = count + 1
        return scenario, scenario.steps[count % len(scenario.steps)]
