"""What a recording proxy run saw: per route count, statuses, violations, drift (data only).

The writers render it: :func:`vstape.reports.text.run` (the table printed at shutdown),
:func:`vstape.reports.json.run` (``--report-json``), :func:`vstape.reports.junit.run`
(``--junit``). Responses that fault injection broke on purpose (``malformed_json``,
``empty_body``, ...) are not validated: they are counted apart, never as violations.

When the run records, :class:`RecordingTally` counts what became of each exchange the
recorder was given: recorded, or NOT recorded and why. Every loss is in the summary
line, the JSON (``recording``) and the JUnit XML (a failing ``recording`` testcase).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from vstape.recording.redact import scrub_text


@dataclass
class RouteStats:
    """What one route saw during a run."""

    count: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    violations: int = 0
    drift: int = 0
    broken_on_purpose: int = 0
    """Responses a body fault broke on purpose (not validated)."""
    messages: list[str] = field(default_factory=list)


MAX_LOSS_LINES = 50


@dataclass
class RecordingTally:
    """What the recorder did with the exchanges it was given: recorded, or lost and why."""

    exchanges: int = 0
    recorded: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    losses: list[str] = field(default_factory=list)
    """The first lost exchanges, one line each: method, path, cassette, reason."""

    @property
    def not_recorded(self) -> int:
        """Exchanges that reached the recorder and are not in any cassette."""
        return sum(self.reasons.values())

    def lost(self, reason: str, line: str) -> None:
        """Count one exchange that could not be written (``reason``: short, for grouping)."""
        self.exchanges += 1
        self.reasons[reason] += 1
        if len(self.losses) < MAX_LOSS_LINES:
            self.losses.append(scrub_text(line))

    def kept(self) -> None:
        """Count one exchange durably recorded."""
        self.exchanges += 1
        self.recorded += 1

    def summary(self) -> str:
        """``N exchanges, M recorded, K NOT recorded (reasons)``."""
        text = f"{self.exchanges} exchanges, {self.recorded} recorded"
        if self.not_recorded:
            why = ", ".join(f"{n} x {reason}" for reason, n in self.reasons.most_common())
            text += f", {self.not_recorded} NOT recorded ({why})"
        return text


@dataclass
class RunReport:
    """Accumulates one line per exchange; renders the summary."""

    routes: dict[str, RouteStats] = field(default_factory=dict)
    recording: RecordingTally | None = None
    """Set by the recorder when the run records."""

    def add(
        self,
        route: str,
        status: int,
        errors: list[str],
        warnings: list[str],
        *,
        broken_on_purpose: bool = False,
    ) -> None:
        """Count one exchange (``broken_on_purpose``: its response was not validated)."""
        stats = self.routes.setdefault(route, RouteStats())
        stats.count += 1
        stats.statuses[status] += 1
        stats.violations += len(errors)
        stats.drift += len(warnings)
        stats.broken_on_purpose += broken_on_purpose
        for message in errors + warnings:
            if len(stats.messages) < 50:
                stats.messages.append(scrub_text(message))

    @property
    def total(self) -> int:
        """Number of exchanges."""
        return sum(s.count for s in self.routes.values())

    @property
    def violations(self) -> int:
        """Violations, over all routes."""
        return sum(s.violations for s in self.routes.values())

    @property
    def broken_on_purpose(self) -> int:
        """Responses a body fault broke on purpose, over all routes."""
        return sum(s.broken_on_purpose for s in self.routes.values())
