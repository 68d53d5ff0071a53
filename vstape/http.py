"""One HTTP vocabulary for the core: a request, a response, and the helpers every part needs.

A :class:`Request` and a :class:`Response` are plain records of what is (or goes) on the
wire: header pairs in their order and casing, bodies as bytes. The emulator answers with a
:class:`Response`, the fault catalog builds them, the replayer serves them, the recorder
turns a request and its response into an interaction. The helpers are the few operations
that were written again and again: a header by name (case-insensitive), the path and the
query of a URL (by :func:`urllib.parse.urlsplit`, never by hand), a status's reason phrase
(:class:`http.HTTPStatus`), OpenAI's error envelope, and the parts of a multipart body.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from http import HTTPStatus
from urllib.parse import urlsplit

import msgspec

__all__ = [
    "Part",
    "Request",
    "Response",
    "boundary_of",
    "error_body",
    "header",
    "multipart_parts",
    "path_of",
    "query_of",
    "reason",
]

HeaderPairs = Sequence[tuple[str, str]]
Headers = HeaderPairs | Mapping[str, str]


def header(headers: Headers, name: str, default: str = "") -> str:
    """The first value of header ``name`` (any casing), or ``default``."""
    wanted = name.lower()
    pairs: Iterable[tuple[str, str]] = headers.items() if isinstance(headers, Mapping) else headers
    for key, value in pairs:
        if key.lower() == wanted:
            return value
    return default


def path_of(url: str) -> str:
    """The path of an absolute URL or of a path with a query (``/v1/x?a=1`` -> ``/v1/x``)."""
    try:
        return urlsplit(url).path
    except ValueError:  # an unbalanced [v6 address: keep what precedes the query
        return url.split("?", 1)[0].split("#", 1)[0]


def query_of(url: str) -> str:
    """The raw query string of a URL or path (``""`` when there is none)."""
    try:
        return urlsplit(url).query
    except ValueError:
        return url.partition("?")[2].split("#", 1)[0]


def target_of(url: str) -> str:
    """The path with its query string, if any (``/v1/vector_stores?limit=2``): one parse of ``url``."""
    try:
        parts = urlsplit(url)
        path, query = parts.path, parts.query
    except ValueError:
        path, query = path_of(url), query_of(url)
    path = path or "/"
    return f"{path}?{query}" if query else path


# Python 3.13 renamed these phrases (RFC 9110); recordings keep one spelling on every Python.
_RENAMED_IN_3_13 = {
    413: "Request Entity Too Large",
    414: "Request-URI Too Long",
    416: "Requested Range Not Satisfiable",
    422: "Unprocessable Entity",
}


def reason(status: int) -> str:
    """The standard reason phrase of ``status`` (``""`` for a code HTTP does not name)."""
    if status in _RENAMED_IN_3_13:
        return _RENAMED_IN_3_13[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def error_body(
    message: str, type_: str, param: str | None = None, code: str | None = None
) -> bytes:
    """OpenAI's error envelope as JSON: ``{"error": {message, type, param, code}}``."""
    return msgspec.json.encode(
        {"error": {"message": message, "type": type_, "param": param, "code": code}}
    )


@dataclass(frozen=True, slots=True)
class Request:
    """An HTTP request: ``url`` is absolute or a path, and may carry the query string."""

    method: str
    url: str
    headers: HeaderPairs = ()
    body: bytes = b""

    @property
    def path(self) -> str:
        """The URL's path, without the query."""
        return path_of(self.url)

    @property
    def query(self) -> str:
        """The URL's raw query string."""
        return query_of(self.url)

    @property
    def target(self) -> str:
        """The path with its query string, if any (what the route table matches and the
        validator checks: ``/v1/vector_stores?limit=2``)."""
        return target_of(self.url)

    def header(self, name: str, default: str = "") -> str:
        """The first value of header ``name`` (any casing)."""
        return header(self.headers, name, default)


@dataclass(frozen=True, slots=True)
class Response:
    """An HTTP response; ``reason`` defaults to the status's standard phrase."""

    status: int
    headers: HeaderPairs = ()
    body: bytes = b""
    reason: str = field(default="")

    def __post_init__(self) -> None:
        if not self.reason:
            object.__setattr__(self, "reason", reason(self.status))

    @classmethod
    def as_received(
        cls, status: int, headers: HeaderPairs, body: bytes, reason_phrase: str
    ) -> Response:
        """A response as it came off the wire: its reason phrase kept even when empty
        (HTTP/2 sends none), where the constructor would put the standard phrase."""
        made = cls(status, headers, body, reason_phrase or "-")
        object.__setattr__(made, "reason", reason_phrase)
        return made

    def header(self, name: str, default: str = "") -> str:
        """The first value of header ``name`` (any casing)."""
        return header(self.headers, name, default)


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a ``multipart/form-data`` body."""

    name: str
    filename: str | None
    content_type: str
    data: bytes


def boundary_of(content_type: str) -> str | None:
    """The ``boundary`` parameter of a multipart content type, or None."""
    message = Message()
    message["content-type"] = content_type
    found = message.get_param("boundary")
    return found if isinstance(found, str) and found else None


def multipart_parts(content_type: str, body: bytes) -> list[Part]:
    """The named parts of a multipart body, in order; ``[]`` for anything else. Never raises."""
    if boundary_of(content_type) is None:
        return []
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    try:
        message = BytesParser(policy=HTTP).parsebytes(head + body)
        found = list(message.iter_parts()) if message.is_multipart() else []
    except Exception:  # the email parser is lenient; what it still cannot read has no parts
        return []
    parts: list[Part] = []
    for part in found:
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        parts.append(
            Part(
                name,
                part.get_filename(),
                part.get_content_type(),
                payload if isinstance(payload, bytes) else b"",
            )
        )
    return parts
