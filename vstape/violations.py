"""The Violation record and how msgspec errors become violations.

``collect(type_, obj)`` returns *every* violation of an already-parsed JSON value
against a Struct type. It derives everything from the Structs themselves
(``msgspec.inspect``), so they stay the single source of truth.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, Literal

import msgspec


class Kind(StrEnum):
    """What kind of problem a violation is."""

    TYPE = "type"
    CONSTRAINT = "constraint"
    MISSING_FIELD = "missing_field"
    UNKNOWN_FIELD = "unknown_field"  # drift: a warning unless strict
    MALFORMED_JSON = "malformed_json"
    CONTENT_TYPE = "content_type"
    UNKNOWN_ROUTE = "unknown_route"


Severity = Literal["error", "warning"]
Side = Literal["request", "response"]


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
        return f"{self.side} {self.path}: {tag}: {self.message}"


_AT = re.compile(r" - at `(?P<path>[^`]*)`$")


def from_msgspec_error(err: msgspec.ValidationError, side: Side, prefix: str = "$") -> Violation:
    """Turn one msgspec ValidationError into a Violation (kind inferred from the text)."""
    text = str(err)
    found = _AT.search(text)
    path = found.group("path") if found else "$"
    if prefix != "$":
        path = prefix + path[1:]
    message = _AT.sub("", text)
    kind = Kind.TYPE
    if message.startswith("Object missing required field"):
        kind = Kind.MISSING_FIELD
    elif message.startswith("Object contains unknown field"):
        kind = Kind.UNKNOWN_FIELD
    elif (
        (
            message.startswith("Expected")
            and ("length" in message or "`>" in message or "`<" in message)
        )
        or message.startswith("Invalid enum value")
        or not message.startswith("Expected")
    ):
        kind = Kind.CONSTRAINT
    return Violation(kind=kind, path=path, message=message, side=side)


def collect(type_: Any, obj: Any, side: Side, *, strict: bool = False) -> list[Violation]:
    """Every violation of ``obj`` (parsed JSON) against ``type_``.

    Placeholder slow path: reports msgspec's first error. Replaced by a full walker.
    """
    try:
        msgspec.convert(obj, type_)
    except msgspec.ValidationError as err:
        return [from_msgspec_error(err, side)]
    return []
