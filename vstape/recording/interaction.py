"""One exchange -> one cassette interaction: validated, redacted, normalized.

The single implementation behind the recording proxy and the pytest plugin's
in-process recording, so both write byte-for-byte the same kind of cassette.

No exchange is dropped for its bytes: a body that is not UTF-8 stays bytes (``!!binary``),
a header value holding non-UTF-8 bytes (surrogateescape text, as mitmproxy decodes it)
is kept as it is and stored as ``!!binary`` by :mod:`vstape.cassettes.io`, and such bytes in
the URL are percent-encoded (the same request, in the only form a URI can take).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import msgspec

from vstape import http
from vstape.api.routes import match
from vstape.cassettes.model import (
    Interaction,
    InteractionMeta,
    Request,
    Response,
    ResponseBody,
    Status,
    Verdict,
)
from vstape.recording import normalize, redact
from vstape.validation.validate import validate_request, validate_response
from vstape.validation.violations import Violation


@dataclass(frozen=True)
class Exchange:
    """A request and its response as seen on the wire (bodies already decompressed), in
    :mod:`vstape.http`'s vocabulary; the response's reason phrase as received
    (:meth:`vstape.http.Response.as_received`)."""

    request: http.Request
    response: http.Response
    duration_ms: float | None = None

    @classmethod
    def of(cls, item: Interaction) -> Exchange:
        """A recorded interaction as the Exchange it was recorded from (what validation reads)."""
        request, response = item.request, item.response
        body = request.body.encode() if isinstance(request.body, str) else (request.body or b"")
        return cls(
            http.Request(
                request.method,
                request.uri,
                [(k, v) for k, values in request.headers.items() for v in values],
                body,
            ),
            http.Response.as_received(
                response.status.code,
                [(k, v) for k, values in response.headers.items() for v in values],
                response.body.bytes,
                response.status.message,
            ),
        )


@dataclass(frozen=True)
class RecordPolicy:
    """How to record: host normalization, strictness, extra secrets."""

    keep_host: bool = False
    strict: bool = False
    redaction: redact.RedactionPolicy = field(default_factory=redact.RedactionPolicy)


def check(exchange: Exchange, strict: bool = False) -> list[Violation]:
    """Every violation of the exchange (request then response)."""
    request, response = exchange.request, exchange.response
    path = request.target
    return validate_request(
        request.method, path, dict(request.headers), request.body, strict=strict
    ) + (
        validate_response(
            request.method,
            path,
            response.status,
            dict(response.headers),
            response.body,
            strict=strict,
        )
    )


def _json_or_none(body: bytes) -> Any:
    if body[:1] not in (b"{", b"["):
        return None
    try:
        return msgspec.json.decode(body)
    except (msgspec.DecodeError, RecursionError):
        return None


def violation_lines(
    exchange: Exchange, violations: list[Violation], policy: RecordPolicy
) -> list[str]:
    """Violations as text, without any secret of the exchange (they may quote values)."""
    if not violations:
        return []
    request, response = exchange.request, exchange.response
    secrets = redact.known_secrets(
        [*request.headers, *response.headers],
        request.url.partition("?")[2],
        [_json_or_none(request.body), _json_or_none(response.body)],
        policy.redaction,
    )
    return [redact.scrub_known(v.line(), secrets) for v in violations]


def verdict_of(violations: list[Violation]) -> Verdict:
    """``invalid`` if any error, ``drift`` if only warnings, else ``ok``."""
    if any(v.severity == "error" for v in violations):
        return "invalid"
    return "drift" if violations else "ok"


def _body_text(body: bytes, content_type: str, policy: RecordPolicy) -> str | bytes:
    if normalize.is_json_type(content_type) or body[:1] in (b"{", b"["):
        try:
            value = msgspec.json.decode(body)
        except (msgspec.DecodeError, RecursionError):
            value = None
        else:
            cleaned = redact.json_value(value, policy.redaction)
            # Key order kept as sent: sorting would reorder user dicts (metadata, attributes)
            # the client sees, so a replay would no longer give identical results.
            pretty = normalize.pretty_json(msgspec.json.encode(cleaned))
            if pretty is not None:
                return pretty
    try:
        return redact.scrub_text(body.decode("utf-8"))
    except UnicodeDecodeError:
        return body


def _header_name(name: str) -> str:
    """A header name as text YAML can hold (non-UTF-8 bytes, never valid in a name, as Latin-1)."""
    if normalize.UNDECODED.search(name) is None:
        return name
    return name.encode("utf-8", "surrogateescape").decode("latin-1")


def _url(url: str, policy: RecordPolicy) -> str:
    url = normalize.percent_encode_undecoded(url)
    base, _, query = url.partition("?")
    base = redact.scrub_text(normalize.normalize_url(base, policy.keep_host))
    query = redact.query(query)
    return f"{base}?{query}" if query else base


def to_interaction(
    exchange: Exchange,
    policy: RecordPolicy,
    violations: list[Violation] | None = None,
    *,
    scenario: str | None = None,
    fault: str | None = None,
    now: dt.datetime | None = None,
) -> Interaction:
    """The cassette interaction for an exchange (violations computed unless given)."""
    request, response = exchange.request, exchange.response
    found = check(exchange, policy.strict) if violations is None else violations
    found_route = match(request.method, request.target)
    content_type, sent = normalize.stable_boundary(request.header("content-type"), request.body)
    req_pairs = [
        (_header_name(k), content_type if k.lower() == "content-type" else v)
        for k, v in request.headers
        if normalize.keep_request_header(k)
    ]
    resp_pairs = [
        (_header_name(k), v) for k, v in response.headers if normalize.keep_response_header(k)
    ]
    request_body = _body_text(sent, content_type, policy)
    response_body = _body_text(response.body, response.header("content-type"), policy)
    stamp = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat()
    return Interaction(
        request=Request(
            method=request.method.upper(),
            uri=_url(request.url, policy),
            body=request_body or None,
            headers=normalize.header_map(redact.headers(req_pairs, policy.redaction)),
        ),
        response=Response(
            status=Status(response.status, response.reason),
            headers=normalize.header_map(redact.headers(resp_pairs, policy.redaction)),
            body=ResponseBody(response_body),
        ),
        vstape=InteractionMeta(
            route=found_route.route.name if found_route else None,
            verdict=verdict_of(found),
            violations=violation_lines(exchange, found, policy),
            scenario=scenario,
            fault=fault,
            recorded_at=stamp,
            duration_ms=None if exchange.duration_ms is None else round(exchange.duration_ms, 1),
        ),
    )
