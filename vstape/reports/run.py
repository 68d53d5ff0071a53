"""Summary of a recording run: per route count, statuses, violations, drift.

Rendered as a terminal table, as JSON (``--report-json``) and as JUnit XML (``--junit``).
Responses that fault injection broke on purpose (``malformed_json``, ``empty_body``, ...)
are not validated: they are counted apart, never as violations.

When the run records, :class:`RecordingTally` counts what became of each exchange the
recorder was given: recorded, or NOT recorded and why. Every loss is in the summary
line, the JSON (``recording``) and the JUnit XML (a failing ``recording`` testcase).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field

import msgspec

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

    def to_builtins(self) -> dict[str, object]:
        """The tally for the JSON report."""
        return {
            "exchanges": self.exchanges,
            "recorded": self.recorded,
            "not_recorded": self.not_recorded,
            "reasons": dict(self.reasons.most_common()),
            "losses": self.losses,
        }


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

    def table(self) -> str:
        """The terminal table."""
        rows = [("route", "count", "statuses", "violations", "drift")]
        for name in sorted(self.routes):
            s = self.routes[name]
            statuses = " ".join(f"{code}x{n}" for code, n in sorted(s.statuses.items()))
            rows.append((name, str(s.count), statuses, str(s.violations), str(s.drift)))
        widths = [max(len(r[i]) for r in rows) for i in range(5)]
        lines = [
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in rows
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        bad = sum(s.violations for s in self.routes.values())
        summary = f"{self.total} exchanges, {len(self.routes)} routes, {bad} violations"
        if self.broken_on_purpose:
            summary += (
                f"; {self.broken_on_purpose} responses broken on purpose by fault injection "
                "(not validated)"
            )
        if self.recording is not None:
            summary += "; recording: " + self.recording.summary()
        lines.append(summary)
        return "\n".join(lines)

    @property
    def broken_on_purpose(self) -> int:
        """Responses a body fault broke on purpose, over all routes."""
        return sum(s.broken_on_purpose for s in self.routes.values())

    def to_json(self) -> bytes:
        """The report as JSON."""
        data = {
            name: {
                "count": s.count,
                "statuses": {str(k): v for k, v in sorted(s.statuses.items())},
                "violations": s.violations,
                "drift": s.drift,
                "broken_on_purpose": s.broken_on_purpose,
                "messages": s.messages,
            }
            for name, s in sorted(self.routes.items())
        }
        report: dict[str, object] = {
            "total": self.total,
            "broken_on_purpose": self.broken_on_purpose,
            "routes": data,
        }
        if self.recording is not None:
            report["recording"] = self.recording.to_builtins()
        return msgspec.json.format(msgspec.json.encode(report), indent=2)

    def to_junit(self) -> bytes:
        """One testcase per route; a failure lists its violations."""
        failures = sum(1 for s in self.routes.values() if s.violations)
        tally = self.recording
        lost = tally is not None and tally.not_recorded > 0
        suite = ET.Element(
            "testsuite",
            name="vstape-record",
            tests=str(len(self.routes) + (tally is not None)),
            failures=str(failures + lost),
        )
        for name, s in sorted(self.routes.items()):
            case = ET.SubElement(suite, "testcase", classname="vstape.api.routes", name=name)
            if s.violations:
                failure = ET.SubElement(case, "failure", message=f"{s.violations} violations")
                failure.text = "\n".join(s.messages)
        if tally is not None:
            case = ET.SubElement(
                suite, "testcase", classname="vstape.recording.interaction", name="recording"
            )
            if tally.not_recorded:
                failure = ET.SubElement(case, "failure", message=tally.summary())
                failure.text = "\n".join(tally.losses)
        text: bytes = ET.tostring(suite, encoding="utf-8", xml_declaration=True)
        return text
