"""Check a request or a response against its route and return every violation.

Fast path: one typed msgspec decode of the body (retried once with integral floats as
integers, as JSON Schema counts them). Only when it fails does the slow path
(:func:`vstape.validation.walker.collect`) walk the same Structs to list every violation.
Unknown fields are *drift*: a warning in responses (the API adds fields over time), an
error in requests (the API rejects unknown arguments) and an error everywhere in strict
mode. 4xx/5xx response bodies are checked against the error envelope; the response
headers the spec and the SDK give a format to by :mod:`vstape.validation.headers`. Uploads
(``POST /v1/files``) are read as forms (:mod:`vstape.validation.forms`) and walked like JSON. An
empty body is read as ``{}``, as the API reads it (the SDK always sends ``{}``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any
from urllib.parse import parse_qsl

import msgspec

from vstape.api.routes import VECTOR_STORE_ROUTES, Route, RouteMatch, is_vector_store_path, match
from vstape.api.schemas import ErrorResponse
from vstape.http import boundary_of, header, path_of, query_of
from vstape.validation.forms import parse_form
from vstape.validation.headers import check_headers
from vstape.validation.numbers import convert_integral
from vstape.validation.violations import Kind, Side, Violation
from vstape.validation.walker import collect

__all__ = ["Kind", "Violation", "errors", "validate_request", "validate_response"]


@cache
def _decoder(type_: Any) -> msgspec.json.Decoder[Any]:
    return msgspec.json.Decoder(type_)


def _unknown_route(method: str, path: str, side: Side) -> list[Violation]:
    return [
        Violation(
            kind=Kind.UNKNOWN_ROUTE,
            path="$",
            side=side,
            message=f"{method} {path_of(path)} is no known Vector Stores route",
            expected=f"one of the {len(VECTOR_STORE_ROUTES)} routes of the Vector Stores API",
            actual=f"{method} {path_of(path)}",
        )
    ]


def _resolve(method: str, path: str, side: Side) -> RouteMatch | list[Violation]:
    found = match(method, path)
    if found is not None:
        return found
    if is_vector_store_path(path):
        return _unknown_route(method, path, side)
    return []


def _check_json(
    type_: Any, body: bytes, headers: Mapping[str, str], side: Side, strict: bool
) -> list[Violation]:
    content_type = header(headers, "content-type")
    if content_type and "json" not in content_type.lower():
        return [
            Violation(
                kind=Kind.CONTENT_TYPE,
                path="$",
                side=side,
                message=f"expected a JSON body, got content-type {content_type!r}",
                expected="application/json",
                actual=content_type,
            )
        ]
    try:
        _decoder(type_).decode(body)
        return []
    except RecursionError:
        return [_too_deep(side)]
    except msgspec.ValidationError as err:
        first = err
    except msgspec.DecodeError as err:
        return [_malformed(body, err, side)]
    try:
        parsed = msgspec.json.decode(body)
    except msgspec.DecodeError as err:  # a typed decode can fail on shape before noticing this
        return [_malformed(body, err, side)]
    except RecursionError:
        return [_too_deep(side)]
    if convert_integral(parsed, type_)[0]:
        return []  # valid once 365.0 counts as the integer 365
    found = collect(type_, parsed, side) or [_from_error(first, side)]
    return [_severity(v, side, strict) for v in found]


def _from_error(err: msgspec.ValidationError, side: Side = "request") -> Violation:
    """msgspec's own first error, when the walker found nothing (should not happen)."""
    text = str(err)
    path = text.rsplit(" - at `", 1)[1].rstrip("`") if " - at `" in text else "$"
    return Violation(kind=Kind.CONSTRAINT, path=path, side=side, message=text.split(" - at `")[0])


def _too_deep(side: Side) -> Violation:
    return Violation(
        kind=Kind.CONSTRAINT,
        path="$",
        side=side,
        message="body is nested too deeply to be a Vector Stores API document",
        expected="a JSON document of reasonable depth",
        actual="deeper than the decoder's limit",
    )


def _malformed(body: bytes, err: msgspec.DecodeError, side: Side) -> Violation:
    return Violation(
        kind=Kind.MALFORMED_JSON,
        path="$",
        side=side,
        message=f"body is not valid JSON: {err}",
        expected="a JSON document",
        actual=repr(body[:80]),
    )


def _severity(violation: Violation, side: Side, strict: bool) -> Violation:
    if violation.kind is Kind.UNKNOWN_FIELD and side == "response" and not strict:
        return msgspec.structs.replace(violation, severity="warning")
    return violation


def _check_query(route: Route, path: str, side: Side) -> list[Violation]:
    query = query_of(path)
    pairs = parse_qsl(query, keep_blank_values=True)
    if route.query is None:
        return [
            Violation(
                kind=Kind.UNKNOWN_FIELD,
                path=f"query.{key}",
                side=side,
                message=f"{route.name} takes no query parameter {key!r}",
            )
            for key, _ in pairs
        ]
    values: dict[str, Any] = dict(pairs)
    try:
        msgspec.convert(values, route.query, strict=False)
        return []
    except msgspec.ValidationError as err:
        first = err
    found = collect(route.query, values, side, lax=True) or [_from_error(first, side)]
    # Unknown query parameters are errors: the API rejects them.
    return [msgspec.structs.replace(v, path=v.path.replace("$", "query", 1)) for v in found]


def _check_form(type_: Any, body: bytes, headers: Mapping[str, str]) -> list[Violation]:
    """An upload: a multipart body with a ``file`` part and the fields of ``type_``."""
    content_type = header(headers, "content-type")
    if "multipart/form-data" not in content_type.lower() or boundary_of(content_type) is None:
        return [
            Violation(
                kind=Kind.CONTENT_TYPE,
                path="$",
                side="request",
                message="expected a multipart/form-data upload with a boundary, "
                f"got content-type {content_type!r}",
                expected="multipart/form-data; boundary=...",
                actual=content_type,
            )
        ]
    form = parse_form(content_type, body)
    problems = []
    if form.file is None:
        problems.append(
            Violation(
                kind=Kind.MISSING_FIELD,
                path="$.file",
                side="request",
                message="missing required field `file` (the part holding the file's bytes)",
                expected="a form part named file",
                actual="missing",
            )
        )
    try:
        msgspec.convert(form.fields, type_, strict=False)
        return problems
    except msgspec.ValidationError as err:
        first = err
    return problems + (collect(type_, form.fields, "request", lax=True) or [_from_error(first)])


def validate_request(
    method: str,
    path: str,
    headers: Mapping[str, str],
    body: bytes | None,
    *,
    strict: bool = False,
) -> list[Violation]:
    """Every violation of one request (``path`` may carry the query string)."""
    resolved = _resolve(method, path, "request")
    if isinstance(resolved, list):
        return resolved
    route = resolved.route
    problems = _check_query(route, path, "request")
    if route.multipart:
        problems += _check_form(route.body, body or b"", headers)
    elif route.body is not None:
        problems += _check_json(route.body, body or b"{}", headers, "request", strict)
    return problems


def validate_response(
    method: str,
    path: str,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    strict: bool = False,
) -> list[Violation]:
    """Every violation of one response; 4xx/5xx bodies are checked as the error envelope."""
    resolved = _resolve(method, path, "response")
    if isinstance(resolved, list):
        return resolved
    type_: Any = ErrorResponse if status >= 400 else resolved.route.response
    return _check_json(type_, body, headers, "response", strict) + check_headers(status, headers)


def errors(violations: list[Violation]) -> list[Violation]:
    """Only the violations that are errors (drift warnings left out)."""
    return [v for v in violations if v.severity == "error"]
