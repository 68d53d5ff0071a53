"""HAR 1.2 (the HTTP Archive format) as msgspec Structs: what an import reads of it.

Only the fields an import uses are declared; every other field (pages, cookies arrays,
cache, sizes, the ``_private`` fields browsers add) is let through unread, so any HAR 1.1
or 1.2 file loads. Where writers differ the Structs take both forms: headers as
``{"name", "value"}`` objects (browsers, Charles, Fiddler, Insomnia, mitmproxy) or as
``[name, value]`` pairs (Slack), as mitmproxy's own reader does; an entry without a
response (an aborted request) is allowed, and so is a status of 0 (what Chrome and
mitmproxy write for one).

``_vstape`` is the field ``vstape export`` adds to each entry: the cassette's record of
the interaction (route, verdict, violations, scenario, fault, recorded_at, duration), so
that an export imports back into the same cassette.

Spec: http://www.softwareishard.com/blog/har-12-spec/
"""

from __future__ import annotations

import msgspec

__all__ = [
    "Content",
    "Creator",
    "Entry",
    "HarDocument",
    "HarRequest",
    "HarResponse",
    "Log",
    "NameValue",
    "PostData",
    "VstapeMark",
]


class NameValue(msgspec.Struct):
    """A header or a parameter: ``{"name": ..., "value": ...}``."""

    name: str
    value: str = ""


Pair = NameValue | tuple[str, str]


class Param(msgspec.Struct):
    """A posted parameter (``postData.params``), for url-encoded forms without ``text``."""

    name: str
    value: str | None = None
    fileName: str | None = None


class PostData(msgspec.Struct):
    """The request body: ``text`` (base64 when ``encoding`` says so), else ``params``."""

    mimeType: str = ""
    text: str | None = None
    encoding: str | None = None
    params: list[Param] = msgspec.field(default_factory=list)
    textBase64: str | None = msgspec.field(default=None, name="_textBase64")


class HarRequest(msgspec.Struct):
    """An entry's request."""

    method: str
    url: str
    headers: list[Pair] = msgspec.field(default_factory=list)
    postData: PostData | None = None
    bodySize: int = -1


class Content(msgspec.Struct):
    """A response body: ``text`` (decoded, or base64 when ``encoding`` says so)."""

    size: int = -1
    mimeType: str = ""
    text: str | None = None
    encoding: str | None = None


class HarResponse(msgspec.Struct):
    """An entry's response (status 0: there was none)."""

    status: int
    statusText: str = ""
    headers: list[Pair] = msgspec.field(default_factory=list)
    content: Content = msgspec.field(default_factory=Content)
    error: str | None = msgspec.field(default=None, name="_error")


class VstapeMark(msgspec.Struct):
    """``_vstape``: what an import takes back of the cassette's record of an exported
    interaction (its route, verdict and violations are found again by validating)."""

    scenario: str | None = None
    fault: str | None = None
    recorded_at: str | None = None
    duration_ms: float | None = None
    latin1_headers: list[str] = msgspec.field(default_factory=list)
    """Header values that were not UTF-8, written as Latin-1 text: ``request.headers[3]``."""


class Entry(msgspec.Struct):
    """One request and its response."""

    request: HarRequest
    response: HarResponse | None = None
    startedDateTime: str = ""
    time: float | None = None
    vstape: VstapeMark | None = msgspec.field(default=None, name="_vstape")


class Creator(msgspec.Struct):
    """The application that wrote the file."""

    name: str = ""
    version: str = ""


class Log(msgspec.Struct):
    """``log``: the entries are kept raw and decoded one by one (errors name their index)."""

    entries: list[msgspec.Raw]
    version: str = ""
    creator: Creator = msgspec.field(default_factory=Creator)


class HarDocument(msgspec.Struct):
    """A HAR file: ``{"log": {...}}``."""

    log: Log


class LooseLog(msgspec.Struct):
    """``log`` with its entries as plain values (the stdlib JSON path, see har.py)."""

    entries: list[object]
    version: str = ""
    creator: Creator = msgspec.field(default_factory=Creator)


class LooseDocument(msgspec.Struct):
    """A HAR file read by the stdlib's JSON parser."""

    log: LooseLog
