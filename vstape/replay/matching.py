"""The canonical request key used to match live requests against recorded ones.

Method + path + parsed query (sorted multi-map) + canonical body: JSON parsed and
re-encoded with sorted keys; multipart uploads reduced to their part names, file names
and the ``purpose`` field, so the random boundary never matters. Headers are never
matched (the SDK's vary by machine, client and retry). Both sides go through the same
redaction, so a live request with a real key still matches its redacted recording.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qsl, unquote

import msgspec

from vstape.api.routes import match
from vstape.http import multipart_parts
from vstape.recording import redact
from vstape.recording.normalize import percent_encode_undecoded

_POLICY = redact.RedactionPolicy()


@dataclass(frozen=True, slots=True)
class RequestKey:
    """What a request is matched on."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    body: str

    @property
    def route(self) -> str:
        """The route name, or ``METHOD path`` for paths no route matches."""
        found = match(self.method, self.path)
        return found.route.name if found else f"{self.method} {self.path}"

    @property
    def template(self) -> str:
        """``METHOD route`` with ids replaced by their placeholders (route-level matching)."""
        found = match(self.method, self.path)
        return f"{self.method} {found.route.template}" if found else f"{self.method} {self.path}"


def _content_type(headers: Mapping[str, Any]) -> str:
    for name, value in headers.items():
        if name.lower() == "content-type":
            if isinstance(value, list | tuple):
                return str(value[0]) if value else ""
            return str(value)
    return ""


def _multipart(body: bytes, content_type: str) -> str:
    parts = [
        (
            part.name,
            part.filename or "",
            part.data.decode("utf-8", "replace") if part.name == "purpose" else "",
        )
        for part in multipart_parts(content_type, body)
    ]
    return "multipart:" + msgspec.json.encode(sorted(parts)).decode()


def canonical_body(body: bytes | str | None, content_type: str = "") -> str:
    """The body as matched: canonical JSON, reduced multipart, or the text itself."""
    if body is None:
        return ""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    if not raw.strip():
        return ""
    if "multipart/form-data" in content_type.lower():
        return _multipart(raw, content_type)
    try:
        value = msgspec.json.decode(raw)
    except (msgspec.DecodeError, RecursionError):
        return raw.decode("utf-8", "replace")
    return msgspec.json.encode(redact.json_value(value, _POLICY), order="sorted").decode()


def split_uri(uri: str) -> tuple[str, str]:
    """(path, query) of an absolute or relative URI."""
    rest = uri.split("://", 1)[1] if "://" in uri else uri
    if "://" in uri:
        rest = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    path, _, query = rest.partition("?")
    return path or "/", query


Match = Literal["exact", "route"]


def by_route(key: RequestKey) -> RequestKey:
    """Route-level matching: any ids, any query, any body; the route's template decides.

    The key's path is ``/v1`` + the route template, so it still names its route.
    """
    found = match(key.method, key.path)
    path = "/v1" + found.route.template if found else key.path
    return RequestKey(key.method, path, (), "")


def request_key(
    method: str, uri: str, body: bytes | str | None, headers: Mapping[str, Any]
) -> RequestKey:
    """The key of one request (live or recorded)."""
    path, query = split_uri(percent_encode_undecoded(uri))  # as recorded: %XX for raw bytes
    pairs = tuple(sorted(parse_qsl(redact.query(query), keep_blank_values=True)))
    return RequestKey(
        method.upper(), unquote(path), pairs, canonical_body(body, _content_type(headers))
    )


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}", out)
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            _flatten(item, f"{prefix}[{index}]", out)
    else:
        out[prefix] = value


def _body_fields(body: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    try:
        _flatten(msgspec.json.decode(body), "$", out)
    except (msgspec.DecodeError, RecursionError):
        out["$"] = body
    return out


MAX_SHOWN = 200  # characters of one value quoted in a diff line


def clipped(text: str, limit: int = MAX_SHOWN) -> str:
    """``text`` cut to ``limit`` characters, with how many more there were."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text) - limit:,} more characters)"


def shown(value: Any, limit: int = MAX_SHOWN) -> str:
    """``repr(value)``, cut to ``limit`` characters with how many more there were."""
    return clipped(repr(value), limit)


def _compare(name: str, live: Mapping[str, Any], recorded: Mapping[str, Any]) -> list[str]:
    lines = []
    for field in sorted(set(live) | set(recorded)):
        where = f"  {name}{clipped(field)}"
        if field not in recorded:
            lines.append(f"{where}: sent {shown(live[field])}, not in the recording")
        elif field not in live:
            lines.append(f"{where}: recorded {shown(recorded[field])}, not sent")
        elif live[field] != recorded[field]:
            lines.append(f"{where}: sent {shown(live[field])}, recorded {shown(recorded[field])}")
    return lines


def _multimap(pairs: Sequence[tuple[str, str]]) -> dict[str, Any]:
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in out.items()}


def diff(live: RequestKey, recorded: RequestKey) -> list[str]:
    """Field-level differences between a live request and a recorded one."""
    lines = []
    if live.method != recorded.method:
        lines.append(f"  method: sent {clipped(live.method)}, recorded {clipped(recorded.method)}")
    if live.path != recorded.path:
        lines.append(f"  path: sent {clipped(live.path)}, recorded {clipped(recorded.path)}")
    lines += _compare("query.", _multimap(live.query), _multimap(recorded.query))
    if live.body != recorded.body:
        if live.body.startswith("multipart:") or recorded.body.startswith("multipart:"):
            lines.append(f"  body: sent {live.body[:120]!r}, recorded {recorded.body[:120]!r}")
        else:
            lines += _compare("body", _body_fields(live.body), _body_fields(recorded.body))
    return lines


def similarity(live: RequestKey, recorded: RequestKey) -> tuple[int, int]:
    """Higher is closer: (same route template, number of equal fields)."""
    same_route = int(live.template == recorded.template)
    equal = (
        int(live.method == recorded.method)
        + int(live.path == recorded.path)
        + int(live.query == recorded.query)
        + int(live.body == recorded.body)
    )
    return same_route, equal
