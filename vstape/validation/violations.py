"""The Violation record: what kind of problem, where (side + JSON path), expected vs actual.

:mod:`vstape.validation.walker` produces them for bodies, :mod:`vstape.validation.headers` for response
headers, :mod:`vstape.validation.validate` ties both to a route.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

import msgspec

from vstape.reports.text import one_line


class Kind(StrEnum):
    """What kind of problem a violation is."""

    TYPE = "type"
    CONSTRAINT = "constraint"
    MISSING_FIELD = "missing_field"
    UNKNOWN_FIELD = "unknown_field"  # drift: a warning in responses unless strict
    MALFORMED_JSON = "malformed_json"
    CONTENT_TYPE = "content_type"
    UNKNOWN_ROUTE = "unknown_route"


Severity = Literal["error", "warning"]
Side = Literal["request", "response"]

MAX_VIOLATIONS = 100
MAX_DEPTH = 64


class Violation(msgspec.Struct, frozen=True, omit_defaults=True):
    """One problem: its kind, where (side + JSON path), expected vs actual, a message."""

    kind: Kind
    path: str
    message: str
    expected: str = ""
    actual: str = ""
    severity: Severity = "error"
    side: Side = "response"

    def line(self) -> str:
        """A one-line rendering for terminals and logs."""
        tag = "drift" if self.kind is Kind.UNKNOWN_FIELD else self.kind.value
        return one_line(f"{self.side} {self.path}: {tag}: {self.message}")  # no forged lines


def short(value: Any) -> str:
    """A short, safe repr of a JSON value for messages."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return f"an array of {len(value)}"
    try:
        text = repr(value)
    except ValueError:  # an int past Python's digit limit for str()
        return "a very large number"
    return text if len(text) <= 60 else text[:57] + "..."
