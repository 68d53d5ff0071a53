"""Read a HAR file (browser devtools, Playwright, Charles, Insomnia, mitmproxy) as a Capture.

The file is mapped, not read (a 1 GiB file costs no memory until it is parsed), parsed
with msgspec against :mod:`vstape.interop.har_model`, and each entry decoded on its own,
so that any error names the entry: ``FILE: entry 17 ($.log.entries[17].response): ...``.
A file that is truncated, not JSON or not UTF-8 is refused whole, with the entry the
problem is in (:mod:`vstape.interop.har_file`, :mod:`vstape.interop.locate`). JSON strings holding lone UTF-16 surrogates
(what mitmproxy's HAR export writes for a body it could not decode) are not valid
Unicode, and msgspec refuses them; the file is then parsed with the stdlib's JSON
parser, which keeps them, so that only an *API* entry holding such text is refused
(bytes nobody can know), not a file whose other entries do.

Bodies: ``text`` is the decoded body (HAR 1.2), or base64 when ``encoding`` says so
(responses; for requests vstape's export and ``_textBase64`` too). Text becomes bytes in
the charset its content-type names, else UTF-8 - except in a HAR mitmproxy wrote, whose
exporter decodes types it does not know as UTF-8 (multipart uploads, text/plain) as
Latin-1 (``mitmproxy.net.http.headers.infer_content_encoding``): those go back to bytes
as Latin-1, so an upload comes back byte for byte. A base64 body whose content-encoding
header names a compression is decompressed when it still is (the pipeline's
:func:`vstape.recording.normalize.decompress`).

Skipped, each said why: entries outside ``/v1/vector_stores`` and ``/v1/files``, entries
without a response or with status 0 (aborted, blocked), and API entries whose body the
tool did not save. HTTP/2 pseudo-headers (``:authority``...) are the request line, not
headers, and are left out.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import os
from collections.abc import Sequence
from email.message import Message
from typing import Any
from urllib.parse import urlencode

import msgspec

from vstape.api.routes import is_known_family
from vstape.cassettes.binary import is_utf8
from vstape.http import Request, Response, header, path_of
from vstape.interop import har_file
from vstape.interop import har_model as model
from vstape.interop.capture import (
    NO_BODY,
    NO_RESPONSE,
    NOT_API,
    Capture,
    CaptureError,
    Skipped,
    Taken,
    check_source,
    shown_url,
)
from vstape.interop.har_file import BOM, Buffer, map_file
from vstape.recording.interaction import Exchange
from vstape.recording.normalize import DecodeError, decompress
from vstape.recording.redact import scrub_text

__all__ = ["read"]

# Types mitmproxy's HAR export decodes as UTF-8; it decodes every other type as Latin-1.
_MITMPROXY_UTF8 = ("json", "html", "xml", "javascript", "ecmascript", "text/css")


class _Entry:
    """Turns one decoded entry into an exchange; every error names the file and the entry."""

    def __init__(self, path: str, index: int, entry: model.Entry, creator: str) -> None:
        self.path, self.index, self.entry, self.creator = path, index, entry, creator
        self.subject = shown_url(entry.request.method, entry.request.url)
        mark = entry.vstape
        self.latin1 = frozenset(mark.latin1_headers) if mark is not None else frozenset()

    def error(self, message: str) -> CaptureError:
        return CaptureError(f"{self.path}: entry {self.index} ({self.subject}): {message}")

    def text(self, value: str, field: str) -> str:
        if not is_utf8(value):
            raise self.error(
                f"{field} is not text: it holds a lone UTF-16 surrogate, which is how a tool "
                "writes bytes it could not decode as UTF-8, and vstape does not guess what "
                "they were. Import the mitmproxy flow dump of the same traffic instead "
                "(mitmdump -w keeps bytes as they are), or export the HAR with that body "
                "base64-encoded (content.encoding: base64)"
            )
        return value

    def headers(self, pairs: Sequence[model.Pair], side: str) -> list[tuple[str, str]]:
        out = []
        for position, pair in enumerate(pairs):
            name, value = (pair.name, pair.value) if isinstance(pair, model.NameValue) else pair
            field = f"{side}.headers[{position}]"
            if name.startswith(":"):  # HTTP/2 pseudo-header: the request or status line
                continue
            if field in self.latin1:  # vstape's export: bytes that were not UTF-8
                value = value.encode("latin-1", "replace").decode("utf-8", "surrogateescape")
            else:
                value = self.text(value, field)
            out.append((self.text(name, field), value))
        return out

    def base64(self, value: str, field: str) -> bytes:
        try:
            return base64.b64decode("".join(value.split()), validate=True)
        except (binascii.Error, ValueError):
            raise self.error(
                f"{field} is not base64, though its encoding says base64; export the HAR again"
            ) from None

    def encode(self, value: str, content_type: str, field: str) -> bytes:
        value = self.text(value, field)
        message = Message()
        message["content-type"] = content_type or "application/octet-stream"
        charset = message.get_content_charset()
        if charset:
            try:
                return value.encode(charset)
            except LookupError:
                pass  # a charset Python does not know: UTF-8 below
            except UnicodeEncodeError:
                raise self.error(
                    f"{field} holds characters its charset ({charset}) cannot hold; "
                    "export the HAR again"
                ) from None
        lower = content_type.lower()
        if self.creator == "mitmproxy" and not any(kind in lower for kind in _MITMPROXY_UTF8):
            try:
                return value.encode("latin-1")
            except UnicodeEncodeError:
                pass
        return value.encode("utf-8")

    def request_body(self, headers: list[tuple[str, str]]) -> bytes | None:
        """The body, or None when the HAR does not hold it."""
        request = self.entry.request
        post = request.postData
        if post is None:
            return b"" if request.bodySize <= 0 else None
        content_type = header(headers, "content-type") or post.mimeType
        if post.textBase64 is not None:
            return self.base64(post.textBase64, "request.postData._textBase64")
        if post.text is not None:
            if post.encoding in (None, ""):
                return self.encode(post.text, content_type, "request.postData.text")
            if post.encoding == "base64":
                return self.base64(post.text, "request.postData.text")
            raise self.error(f"request.postData.encoding {post.encoding!r}: only base64 is known")
        if not post.params:
            return b""
        if "x-www-form-urlencoded" in content_type.lower():
            pairs = [(p.name, p.value or "") for p in post.params]
            return urlencode(pairs).encode("utf-8")
        return None

    def response_body(self, headers: list[tuple[str, str]]) -> bytes | None:
        """The body, decoded; None when the HAR does not hold it."""
        assert self.entry.response is not None
        content = self.entry.response.content
        if content.text is None:
            return b"" if content.size <= 0 else None
        content_type = header(headers, "content-type") or content.mimeType
        if content.encoding in (None, ""):
            return self.encode(content.text, content_type, "response.content.text")
        if content.encoding != "base64":
            raise self.error(
                f"response.content.encoding {content.encoding!r}: only base64 is known"
            )
        body = self.base64(content.text, "response.content.text")
        coding = header(headers, "content-encoding")
        if coding:
            try:  # HAR 1.2 says text is decoded; some tools keep the compressed bytes
                return decompress(body, coding)
            except DecodeError:
                pass
        return body

    def started(self) -> str | None:
        mark = self.entry.vstape
        if mark is not None:
            return mark.recorded_at
        try:
            when = dt.datetime.fromisoformat(self.entry.startedDateTime)
        except ValueError:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        return when.astimezone(dt.UTC).replace(microsecond=0).isoformat()

    def convert(self) -> Taken | Skipped:
        request, response, mark = self.entry.request, self.entry.response, self.entry.vstape
        if not is_known_family(path_of(request.url)):
            return Skipped(self.index, NOT_API)
        if response is None or response.status == 0:
            why = scrub_text(response.error) if response is not None and response.error else ""
            return Skipped(
                self.index, NO_RESPONSE, f"{self.subject}: {why or 'the HAR holds no response'}"
            )
        request_headers = self.headers(request.headers, "request")
        response_headers = self.headers(response.headers, "response")
        request_body = self.request_body(request_headers)
        response_body = self.response_body(response_headers)
        for side, body in (("request", request_body), ("response", response_body)):
            if body is None:
                return Skipped(
                    self.index,
                    NO_BODY,
                    f"{self.subject}: the {side} body is not in the HAR; export it with the "
                    "bodies (devtools: 'Save all as HAR with content')",
                )
        assert request_body is not None and response_body is not None
        duration = self.entry.time if mark is None else mark.duration_ms
        exchange = Exchange(
            Request(
                request.method,
                self.text(request.url, "request.url"),
                request_headers,
                request_body,
            ),
            Response.as_received(
                response.status,
                response_headers,
                response_body,
                self.text(response.statusText, "response.statusText"),
            ),
            duration_ms=duration if duration is not None and duration >= 0 else None,
        )
        return Taken(
            self.index,
            exchange,
            recorded_at=self.started(),
            scenario=mark.scenario if mark is not None else None,
            fault=mark.fault if mark is not None else None,
        )


def read(path: str | os.PathLike[str]) -> Capture:
    """Every entry of the HAR file at ``path``; CaptureError (file, entry, fix) if it cannot be."""
    data: Buffer = map_file(path, check_source(path))
    if data[:3] == BOM:  # Fiddler writes one; JSON has none
        data = memoryview(data)[3:]
    document = har_file.document(path, data)
    creator = document.log.creator.name.strip().lower()
    entries: list[Taken | Skipped] = []
    for index, raw in enumerate(document.log.entries):
        if _elsewhere(raw):  # another API's entry: its other fields are none of our business
            entries.append(Skipped(index, NOT_API))
            continue
        entries.append(
            _Entry(str(path), index, har_file.entry(path, data, index, raw), creator).convert()
        )
    return Capture(str(path), "har", entries)


class _ProbeRequest(msgspec.Struct):
    url: str


class _Probe(msgspec.Struct):
    request: _ProbeRequest


def _elsewhere(raw: Any) -> bool:
    """Whether an entry is surely not the API's (its URL only is read; unsure: False)."""
    try:
        if isinstance(raw, msgspec.Raw):
            url = msgspec.json.decode(raw, type=_Probe).request.url
        else:
            url = msgspec.convert(raw, _Probe).request.url
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return False  # the full decoding says what is wrong with it
    return not is_known_family(path_of(url))
