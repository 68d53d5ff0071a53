"""Bytes that are not UTF-8, kept losslessly in both cassette formats.

A header value arrives as text holding its non-UTF-8 bytes as ``surrogateescape`` code
points (what mitmproxy and ``os.fsdecode`` use). YAML stores such values, like binary
bodies, as ``!!binary`` (stock vcrpy loads them as bytes); JSON stores them as base64 and
lists where in ``vstape.binary``. These functions convert between the three forms.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Any

import msgspec

from vstape.cassettes.model import (
    Cassette,
    CassetteError,
    Headers,
    Interaction,
    InteractionMeta,
    ResponseBody,
)

__all__ = ["for_json", "from_json", "header_bytes", "is_utf8", "text_headers", "wire_headers"]


def text_headers(item: Any) -> Any:
    """A loaded YAML interaction with its ``!!binary`` header values as text (surrogateescape).

    Runs before the document is converted to Structs; any other shape is left as it is,
    for the conversion to refuse with its path.
    """
    if not isinstance(item, dict):
        return item
    for side in ("request", "response"):
        part = item.get(side)
        headers = part.get("headers") if isinstance(part, dict) else None
        if not isinstance(headers, dict):
            continue
        for values in headers.values():
            if isinstance(values, list):
                for position, value in enumerate(values):
                    if isinstance(value, bytes):
                        values[position] = value.decode("utf-8", "surrogateescape")
    return item


def header_bytes(value: str) -> bytes:
    """A header value as the bytes that were on the wire."""
    return value.encode("utf-8", "surrogateescape")


def wire_headers(headers: dict[str, list[str]]) -> Mapping[str, Sequence[str | bytes]]:
    """Headers as a client library takes them: a value that was not UTF-8 on the wire is
    given back as its original bytes (httpx would refuse the surrogate text)."""
    if all(value.isascii() for values in headers.values() for value in values):
        return headers
    return {
        name: [value if is_utf8(value) else header_bytes(value) for value in values]
        for name, values in headers.items()
    }


def is_utf8(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _json_headers(headers: Headers, side: str, marks: list[str]) -> Headers:
    if all(is_utf8(v) for values in headers.values() for v in values):
        return headers
    out: Headers = {}
    for name, values in headers.items():
        out[name] = []
        for position, value in enumerate(values):
            if is_utf8(value):
                out[name].append(value)
            else:
                out[name].append(_b64(header_bytes(value)))
                marks.append(f"{side}.headers.{position}.{name}")
    return out


def _json_item(item: Interaction) -> Interaction:
    """One interaction with its bytes as base64 (and where, in ``vstape.binary``)."""
    request, response = item.request, item.response
    marks: list[str] = []
    body = response.body
    if isinstance(body.string, bytes):
        body = ResponseBody(_b64(body.string), encoding="base64")
    request_body = request.body
    if isinstance(request_body, bytes):
        request_body = _b64(request_body)
        marks.append("request.body")
    request = msgspec.structs.replace(
        request, body=request_body, headers=_json_headers(request.headers, "request", marks)
    )
    response = msgspec.structs.replace(
        response, body=body, headers=_json_headers(response.headers, "response", marks)
    )
    meta = item.vstape
    if marks:
        meta = msgspec.structs.replace(
            meta if isinstance(meta, InteractionMeta) else InteractionMeta(), binary=marks
        )
    return Interaction(request, response, meta)


def for_json(cassette: Cassette) -> Cassette:
    return Cassette(interactions=[_json_item(i) for i in cassette.interactions], version=1)


def from_json(cassette: Cassette, where: str) -> Cassette:
    """Bytes back where ``vstape.binary`` says base64 stands for them."""
    for index, item in enumerate(cassette.interactions):
        if not isinstance(item.vstape, InteractionMeta) or not item.vstape.binary:
            continue
        for mark in item.vstape.binary:
            try:
                side, _, rest = mark.partition(".")
                if mark == "request.body":
                    item.request.body = base64.b64decode(str(item.request.body), validate=True)
                    continue
                kind, position, name = rest.split(".", 2)
                owner = item.request if side == "request" else item.response
                if side not in ("request", "response") or kind != "headers":
                    raise ValueError(mark)
                values = owner.headers[name]
                raw = base64.b64decode(values[int(position)], validate=True)
                values[int(position)] = raw.decode("utf-8", "surrogateescape")
            except (ValueError, KeyError, IndexError, TypeError) as err:
                raise CassetteError(
                    f"{where}: interaction {index}: vstape.binary names {mark!r}, which is not "
                    f"base64 there ({type(err).__name__}); the file was edited by hand - re-record it"
                ) from None
        item.vstape.binary = []
    return cassette
