"""Cassettes -> a HAR 1.2 document that devtools, mitmweb and HAR viewers open.

One entry per interaction, in cassette order, one HAR page per cassette (its title is
the cassette's path). What a HAR cannot say the cassette way is said the HAR way: a body
that is not UTF-8 text is base64 (``content.encoding: base64``; for a request body the
same field on ``postData``, which HAR 1.2 leaves to extensions); a header value holding
bytes that are not UTF-8 is written as Latin-1 text and listed in
``_vstape.latin1_headers``. Timings are what the cassette knows (``duration_ms`` as the
wait) or zero; ``startedDateTime`` is ``recorded_at``, or the Unix epoch when the
cassette does not say. Each entry carries the cassette's own record in ``_vstape``
(route, verdict, violations, scenario, fault, recorded_at, duration_ms), so that
``vstape import`` of the export gives back the same cassette.

A cassette recorded by vstape holds no secret; one from elsewhere (stock vcrpy) might, so
headers, query strings and bodies go through the recorder's redaction on the way out too.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl

import msgspec

from vstape import __version__
from vstape.cassettes.binary import header_bytes, is_utf8
from vstape.cassettes.model import Headers, Interaction, InteractionMeta
from vstape.http import header, query_of
from vstape.recording import normalize, redact

__all__ = ["EPOCH", "document", "dumps", "entry"]

EPOCH = "1970-01-01T00:00:00.000Z"
_POLICY = redact.RedactionPolicy()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _clean_text(text: str) -> str:
    """A body with any secret taken out; unchanged (byte for byte) when it holds none."""
    if text.lstrip()[:1] in ("{", "["):
        try:
            value = msgspec.json.decode(text)
        except (msgspec.DecodeError, RecursionError):
            pass
        else:
            cleaned = redact.json_value(value, _POLICY)
            if cleaned != value:
                return normalize.pretty_json(msgspec.json.encode(cleaned)) or redact.MARK
    return redact.scrub_text(text)


def _headers(headers: Headers, side: str, latin1: list[str]) -> list[dict[str, str]]:
    pairs = [(name, value) for name, values in headers.items() for value in values]
    out = []
    for position, (name, value) in enumerate(redact.headers(pairs, _POLICY)):
        if not is_utf8(value):
            value = header_bytes(value).decode("latin-1")
            latin1.append(f"{side}.headers[{position}]")
        out.append({"name": name, "value": value})
    return out


def _first(headers: list[dict[str, str]], name: str) -> str:
    return header([(h["name"], h["value"]) for h in headers], name)


def _url(uri: str) -> str:
    base, mark, rest = uri.partition("?")
    return f"{redact.scrub_text(base)}{mark}{redact.query(rest)}"


def _body(body: str | bytes | None) -> tuple[dict[str, Any], int]:
    """``{"text", "encoding"?}`` for a body, and its size in bytes."""
    if isinstance(body, bytes):
        return {"text": _b64(body), "encoding": "base64"}, len(body)
    text = _clean_text(body or "")
    return {"text": text}, len(text.encode("utf-8"))


def _meta(item: Interaction, latin1: list[str]) -> dict[str, Any]:
    meta = item.vstape if isinstance(item.vstape, InteractionMeta) else InteractionMeta()
    return {
        "route": meta.route,
        "verdict": meta.verdict,
        "violations": [redact.scrub_text(line) for line in meta.violations],
        "scenario": meta.scenario,
        "fault": meta.fault,
        "recorded_at": meta.recorded_at,
        "duration_ms": meta.duration_ms,
        "latin1_headers": latin1,
    }


def entry(item: Interaction, page: str | None = None) -> dict[str, Any]:
    """The HAR entry for one interaction."""
    request, response = item.request, item.response
    latin1: list[str] = []
    request_headers = _headers(request.headers, "request", latin1)
    response_headers = _headers(response.headers, "response", latin1)
    url = _url(request.uri)
    har_request: dict[str, Any] = {
        "method": request.method,
        "url": url,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": request_headers,
        "queryString": [
            {"name": k, "value": v} for k, v in parse_qsl(query_of(url), keep_blank_values=True)
        ],
        "headersSize": -1,
        "bodySize": 0,
    }
    if request.body is not None:
        posted, size = _body(request.body)
        mime = _first(request_headers, "content-type")
        har_request["postData"] = {"mimeType": mime, "params": [], **posted}
        har_request["bodySize"] = size
    stored = response.body
    content, size = _body(stored.bytes if stored.encoding == "base64" else stored.string)
    mime = _first(response_headers, "content-type")
    meta = _meta(item, latin1)
    duration = meta["duration_ms"] or 0
    har_entry: dict[str, Any] = {
        "startedDateTime": meta["recorded_at"] or EPOCH,
        "time": duration,
        "request": har_request,
        "response": {
            "status": response.status.code,
            "statusText": response.status.message,
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": response_headers,
            "content": {"size": size, "mimeType": mime or "x-unknown", **content},
            "redirectURL": _first(response_headers, "location"),
            "headersSize": -1,
            "bodySize": size,
        },
        "cache": {},
        "timings": {
            "blocked": -1,
            "dns": -1,
            "connect": -1,
            "ssl": -1,
            "send": 0,
            "wait": duration,
            "receive": 0,
        },
        "_vstape": meta,
    }
    if page is not None:
        har_entry["pageref"] = page
    return har_entry


def document(cassettes: Sequence[tuple[str, Sequence[Interaction]]]) -> dict[str, Any]:
    """The HAR document for ``(name, interactions)`` pairs: one page per cassette."""
    pages, entries = [], []
    for number, (name, interactions) in enumerate(cassettes):
        page = f"cassette_{number}"
        mine = [entry(item, page) for item in interactions]
        pages.append(
            {
                "startedDateTime": mine[0]["startedDateTime"] if mine else EPOCH,
                "id": page,
                "title": name,
                "pageTimings": {"onContentLoad": -1, "onLoad": -1},
            }
        )
        entries += mine
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "vstape", "version": __version__},
            "pages": pages,
            "entries": entries,
        }
    }


def dumps(har: dict[str, Any]) -> bytes:
    """The document as indented UTF-8 JSON."""
    return msgspec.json.format(msgspec.json.encode(har), indent=2) + b"\n"
