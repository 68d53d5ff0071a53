"""What ``vstape drift`` found: one :class:`Drift` per difference, one :class:`DriftReport` per run.

Data only; the writers are :mod:`vstape.drift.render` (terminal, JSON, Markdown) and
:mod:`vstape.drift.sarif`. A difference is *known* when README "Known differences from
the spec" or api-reference section 6 documents it (``known`` holds its key, ``reason``
why); only the others are drift, and only drift makes the exit status 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import msgspec

Check = Literal["spec", "cassettes", "live"]
CHECKS: tuple[Check, ...] = ("spec", "cassettes", "live")

# kind -> one line saying what it means (the SARIF rules, the legend of the reports)
KINDS: dict[str, str] = {
    "property_added": "The spec has a property vstape's schema lacks.",
    "property_removed": "vstape's schema has a property the spec no longer has.",
    "type_changed": "The JSON types a value may take differ.",
    "nullable": "One side allows null, the other does not.",
    "enum_added": "The spec lists an enum value vstape does not accept.",
    "enum_removed": "vstape accepts an enum value the spec no longer lists.",
    "enum_closed": "The spec restricts a value to an enum; vstape accepts any value.",
    "enum_opened": "vstape restricts a value to an enum; the spec accepts any value.",
    "required_added": "The spec requires a field vstape treats as optional.",
    "required_removed": "vstape requires a field the spec treats as optional.",
    "limit_changed": "A limit (minimum, maximum, maxLength, maxItems, maxProperties...) differs.",
    "operation_added": "The spec has an operation vstape's route table lacks.",
    "operation_removed": "vstape's route table has an operation the spec no longer has.",
    "response_added": "The spec documents a response vstape does not model.",
    "response_removed": "vstape models a response the spec no longer documents.",
    "header_added": "A response header appeared.",
    "header_removed": "A response header disappeared.",
    "header_changed": "A response header's schema or media type changed.",
    "parameter_changed": "The path parameters of an operation differ.",
    "field_added": "A live answer has a field the recorded one does not.",
    "field_missing": "A live answer lacks a field the recorded one has.",
    "status_changed": "A live answer has another status code than the recorded one.",
    "invalid": "An answer or a cassette does not validate against vstape's schemas.",
    "unknown_field": "A cassette or live answer has a field vstape's schema does not know.",
    "unusable": "Input that could not be read or sent (the check did not run to the end).",
}


class Drift(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One difference.

    ``path`` is a JSON path into the body (``$.data[*].status``), ``header.<name>``,
    ``status``, ``requestBody`` or ``query.<name>``; ``where`` points at the source: a
    spec pointer (``#/components/schemas/VectorStoreObject/properties/status``) or a
    cassette and its interaction; ``line`` is the line of ``file`` (1 when unknown).
    ``ours`` is vstape's (or the recording's) side, ``theirs`` the spec's (or the live) side.
    """

    check: Check
    kind: str
    message: str
    route: str | None = None
    path: str = ""
    where: str = ""
    file: str = ""
    line: int = 1
    interaction: int | None = None
    ours: Any = None
    theirs: Any = None
    routes: tuple[str, ...] = ()
    known: str | None = None
    reason: str | None = None


@dataclass
class DriftReport:
    """Every difference of one run, the inputs read, what was skipped, notes (timings)."""

    checks: list[Check] = field(default_factory=list)
    items: list[Drift] = field(default_factory=list)
    inputs: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def drift(self) -> list[Drift]:
        """The differences nothing documents."""
        return [d for d in self.items if d.known is None and d.kind != "unusable"]

    @property
    def known(self) -> list[Drift]:
        """The documented differences."""
        return [d for d in self.items if d.known is not None]

    @property
    def unusable(self) -> list[Drift]:
        """Input that could not be read or sent."""
        return [d for d in self.items if d.kind == "unusable"]

    def of(self, check: Check) -> list[Drift]:
        """The items of one check, in report order."""
        return [d for d in self.items if d.check == check]

    def exit_code(self) -> int:
        """0 no drift, 1 drift, 2 unusable input."""
        if self.unusable:
            return 2
        return 1 if self.drift else 0


def merged(reports: Sequence[DriftReport]) -> DriftReport:
    """One report holding the checks, items, inputs and notes of ``reports``, in order."""
    out = DriftReport()
    for report in reports:
        out.checks += [c for c in report.checks if c not in out.checks]
        out.items += report.items
        for key, values in report.inputs.items():
            out.inputs.setdefault(key, []).extend(values)
        out.notes += report.notes
    return out
