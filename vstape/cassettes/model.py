"""The cassette model: vcrpy's format, version 1, as msgspec Structs.

A cassette is a Struct, so every cassette is validated as it loads (:mod:`vstape.cassettes.io`):
a malformed one is refused with the file, the line (YAML) or the JSON path.

vstape keeps its own per-interaction record under the key ``vstape`` (route, verdict,
violations, scenario, fault); stock vcrpy ignores unknown interaction keys. Bytes that are
not UTF-8 are kept: a body as bytes, a header value as text holding them as
``surrogateescape`` code points (:mod:`vstape.cassettes.binary`).
"""

from __future__ import annotations

import base64
from typing import Any, Literal

import msgspec
from msgspec import UNSET, UnsetType

__all__ = [
    "Cassette",
    "CassetteError",
    "Format",
    "Headers",
    "Interaction",
    "InteractionMeta",
    "Request",
    "Response",
    "ResponseBody",
    "Status",
    "Verdict",
]

Headers = dict[str, list[str]]
"""Header name -> values; each value is text (non-UTF-8 bytes as surrogateescape code points)."""
Verdict = Literal["ok", "drift", "invalid", "unchecked"]
Format = Literal["yaml", "json"]


class CassetteError(ValueError):
    """A cassette that cannot be used: says which file, where, what and how to fix it."""


class Request(msgspec.Struct):
    """A recorded request, as vcrpy stores it (``body``: text, ``!!binary`` bytes or null)."""

    method: str
    uri: str
    body: Any = None
    headers: Headers = msgspec.field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.body is not None and not isinstance(self.body, (str, bytes)):
            kind = type(self.body).__name__
            raise ValueError(f"request.body must be text, !!binary or null, got {kind}")


class Status(msgspec.Struct):
    """HTTP status code and reason phrase."""

    code: int
    message: str = ""


class ResponseBody(msgspec.Struct):
    """Response body: text, or bytes when it is not UTF-8 (``!!binary`` in YAML)."""

    string: Any = ""
    # JSON cassettes only: the body was binary and ``string`` holds base64.
    encoding: Literal["base64"] | UnsetType = UNSET

    def __post_init__(self) -> None:
        if not isinstance(self.string, (str, bytes)):
            raise ValueError(
                f"body.string must be text or !!binary, got {type(self.string).__name__}"
            )

    @property
    def bytes(self) -> bytes:
        """The body as bytes."""
        if isinstance(self.string, bytes):
            return bytes(self.string)
        if self.encoding == "base64":
            return base64.b64decode(self.string)
        return str(self.string).encode("utf-8")


class Response(msgspec.Struct):
    """A recorded response, as vcrpy stores it."""

    status: Status
    headers: Headers = msgspec.field(default_factory=dict)
    body: ResponseBody = msgspec.field(default_factory=ResponseBody)


class InteractionMeta(msgspec.Struct, omit_defaults=True):
    """vstape's own record of an interaction (ignored by stock vcrpy)."""

    route: str | None = None
    verdict: Verdict = "unchecked"
    violations: list[str] = msgspec.field(default_factory=list)
    scenario: str | None = None
    fault: str | None = None
    recorded_at: str | None = None
    duration_ms: float | None = None
    binary: list[str] = msgspec.field(default_factory=list)
    """JSON cassettes only: where base64 stands for bytes (``request.body``,
    ``request.headers.<i>.<name>``: the i-th value of that header)."""


class Interaction(msgspec.Struct, omit_defaults=True):
    """One request and the response it got."""

    request: Request
    response: Response
    vstape: InteractionMeta | UnsetType = UNSET


class Cassette(msgspec.Struct, forbid_unknown_fields=True):
    """A vcrpy cassette, version 1."""

    interactions: list[Interaction] = msgspec.field(default_factory=list)
    version: int = 1

    def __post_init__(self) -> None:
        if self.version != 1:
            raise ValueError(f"unsupported cassette version {self.version}; vcrpy writes 1")
