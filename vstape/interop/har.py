"""Read a HAR file (browser devtools, Playwright, Charles, Insomnia, mitmproxy) as a Capture.

The file is mapped, not read (a 1 GiB file costs no memory until it is parsed), parsed
with msgspec against :mod:`vstape.interop.har_model`, and each entry decoded on its own,
so that any error names the entry: ``FILE: entry 17 ($.log.entries[17].response): ...``.
A file that is truncated, not JSON or not UTF-8 is refused whole, with the entry the
problem is in (:mod:`vstape.interop.locate`). JSON strings holding lone UTF-16 surrogates
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
import codecs
import datetime as dt
import json
import mmap
import os
import re
from collections.abc import Sequence
from email.message import Message
from typing import Any
from urllib.parse import urlencode

import msgspec

from vstape.api.routes import is_known_family
from vstape.cassettes.binary import is_utf8
from vstape.http import header, path_of
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
from vstape.interop.locate import entry_of, path_at
from vstape.recording.interaction import Exchange
from vstape.recording.normalize import DecodeError, decompress
from vstape.recording.redact import scrub_text

__all__ = ["read"]

Buffer = bytes | mmap.mmap | memoryview

EXPECTED = '{"log": {"version": "1.2", "entries": [{"request": {...}, "response": {...}}]}}'
_BYTE = re.compile(r"\(byte (\d+)\)")
BOM = b"\xef\xbb\xbf"
# Types mitmproxy's HAR export decodes as UTF-8; it decodes every other type as Latin-1.
_MITMPROXY_UTF8 = ("json", "html", "xml", "javascript", "ecmascript", "text/css")


def _map(path: str | os.PathLike[str], size: int) -> Buffer:
    if size == 0:
        return b""
    try:
        with open(path, "rb") as handle:
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError) as err:
        raise CaptureError(f"{path}: cannot read it: {err}; check the path") from None


def _first_bad_utf8(data: Buffer) -> int:
    """The offset of the first byte that is not UTF-8 (chunk by chunk: no copy of the file)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    step = 1 << 20
    for start in range(0, len(view), step):
        pending = len(decoder.getstate()[0])  # bytes of a character cut by the last chunk
        try:
            decoder.decode(view[start : start + step], final=start + step >= len(view))
        except UnicodeDecodeError as err:
            return max(start - pending + err.start, 0)
    return len(view)


def _where(path: str | os.PathLike[str], data: Buffer, offset: int) -> str:
    """``FILE:LINE: entry N ($.log.entries[N]...)`` for a byte offset."""
    view = memoryview(data)
    line = bytes(view[:offset]).count(b"\n") + 1 if offset < (64 << 20) else None
    json_path = path_at(data, offset)
    index = entry_of(json_path)
    at = f"{path}:{line}" if line is not None else f"{path} (byte {offset})"
    return f"{at}: entry {index} ({json_path})" if index is not None else f"{at}: at {json_path}"


def _syntax_error(path: str | os.PathLike[str], data: Buffer, err: Exception) -> CaptureError:
    text = str(err)
    found = _BYTE.search(text)
    if "truncated" in text.lower():
        where = _where(path, data, len(data))
        return CaptureError(
            f"{where}: the file ends in the middle of it (truncated: cut off while being "
            "written or copied); save or export the HAR again"
        )
    if isinstance(err, UnicodeDecodeError) or ("utf-8" in text.lower() and found is None):
        offset = err.start if isinstance(err, UnicodeDecodeError) else _first_bad_utf8(data)
        return CaptureError(
            f"{_where(path, data, offset)}: byte {offset} is not UTF-8: a HAR file is UTF-8 "
            "JSON, and a body that is not text goes in base64 (content.encoding: base64); "
            "export the HAR again, or import the mitmproxy flow dump (mitmdump -w) of the "
            "same traffic, which keeps bytes as they are"
        )
    offset = int(found.group(1)) if found else 0
    return CaptureError(
        f"{_where(path, data, offset)}: not valid JSON ({_BYTE.sub('', text).strip()} at byte "
        f"{offset}); a HAR file is the JSON document {EXPECTED} - export it again"
    )


def _document(
    path: str | os.PathLike[str], data: Buffer
) -> model.HarDocument | model.LooseDocument:
    """The top of the document, its entries undecoded."""

    def not_har(err: Exception) -> str:
        return f"{path}: not a HAR file: {err}; expected {EXPECTED}"

    try:
        return msgspec.json.decode(data, type=model.HarDocument)
    except msgspec.ValidationError as err:
        raise CaptureError(not_har(err)) from None
    except msgspec.DecodeError as err:
        if "surrogate" not in str(err):
            raise _syntax_error(path, data, err) from None
    except RecursionError:
        raise CaptureError(f"{path}: refused: nested too deeply for a HAR file") from None
    # Lone surrogates: the stdlib parser keeps them (as text that is not UTF-8).
    try:
        text = bytes(data).decode("utf-8", "surrogatepass")
    except UnicodeDecodeError as err:
        raise _syntax_error(path, data, err) from None
    try:
        return msgspec.convert(json.loads(text), model.LooseDocument)
    except msgspec.ValidationError as err:
        raise CaptureError(not_har(err)) from None
    except json.JSONDecodeError as err:
        offset = len(text[: err.pos].encode("utf-8", "surrogatepass"))
        raise _syntax_error(path, data, ValueError(f"{err.msg} (byte {offset})")) from None
    except RecursionError:
        raise CaptureError(f"{path}: refused: nested too deeply for a HAR file") from None


def _offset(data: Buffer, raw: bytes) -> int:
    """Where the raw entry ``raw`` starts in ``data`` (for an error message only)."""
    view = memoryview(data)
    whole = view.obj  # the mapped file, also under the view that skips a byte order mark
    if not isinstance(whole, (bytes, mmap.mmap)):
        return 0
    skip = len(whole) - len(view)
    return max(whole.find(raw, skip) - skip, 0)


def _loose_entry(path: str | os.PathLike[str], data: Buffer, raw: bytes) -> Any:
    """An entry msgspec refused for its lone surrogates, read by the stdlib parser."""
    try:
        text = raw.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError as err:
        at = _offset(data, raw) + err.start
        raise _syntax_error(path, data, UnicodeDecodeError("utf-8", b"", at, at + 1, "")) from None
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as err:
        raise _syntax_error(path, data, ValueError(f"{err} (byte {_offset(data, raw)})")) from None


def _entry(path: str | os.PathLike[str], data: Buffer, index: int, raw: Any) -> model.Entry:
    try:
        if isinstance(raw, msgspec.Raw):
            try:
                return msgspec.json.decode(raw, type=model.Entry)
            except msgspec.ValidationError:
                raise
            except msgspec.DecodeError as err:
                # A raw entry's strings are checked only now: lone surrogates, or not UTF-8.
                if "surrogate" not in str(err):
                    at = _offset(data, bytes(raw)) + _first_bad_utf8(bytes(raw))
                    error = UnicodeDecodeError("utf-8", b"", at, at + 1, "")
                    raise _syntax_error(path, data, error) from None
                raw = _loose_entry(path, data, bytes(raw))
        return msgspec.convert(raw, model.Entry)
    except msgspec.ValidationError as err:
        detail = str(err).replace("`$", f"`$.log.entries[{index}]")
        if "`$" not in detail:
            detail += f" - at `$.log.entries[{index}]`"
        raise CaptureError(
            f"{path}: entry {index}: not a HAR entry: {detail}; an entry is "
            '{"request": {"method", "url", "headers", ...}, "response": {"status", "headers", '
            '"content": {"text", ...}, ...}, ...}'
        ) from None
    except RecursionError:
        raise CaptureError(f"{path}: entry {index}: refused: nested too deeply") from None


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
            method=request.method,
            url=self.text(request.url, "request.url"),
            request_headers=request_headers,
            request_body=request_body,
            status=response.status,
            reason=self.text(response.statusText, "response.statusText"),
            response_headers=response_headers,
            response_body=response_body,
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
    data: Buffer = _map(path, check_source(path))
    if data[:3] == BOM:  # Fiddler writes one; JSON has none
        data = memoryview(data)[3:]
    document = _document(path, data)
    creator = document.log.creator.name.strip().lower()
    entries: list[Taken | Skipped] = []
    for index, raw in enumerate(document.log.entries):
        if _elsewhere(raw):  # another API's entry: its other fields are none of our business
            entries.append(Skipped(index, NOT_API))
            continue
        entries.append(_Entry(str(path), index, _entry(path, data, index, raw), creator).convert())
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
