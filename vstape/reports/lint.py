"""Lint cassettes for what must never be in a fixture: secrets, cookies, raw bodies, stray hosts.

Pure: ``lint(cassette_path) -> list[str]`` (one line per finding, with the interaction
index). Rules: ``secret`` (a secret-bearing header with a real value, a secret-shaped token
anywhere, a secret query parameter), ``cookie``, ``compressed-body`` (content-encoding left
on a stored body), ``binary-body``, ``host`` (not normalized to https://api.openai.com),
``volatile-header`` (x-stainless-*, user-agent... recorded), ``unknown-route`` (a
/v1/vector_stores path no route matches: no replay of it can be meaningful).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl

from vstape.api.routes import is_vector_store_path, match
from vstape.cassettes.io import load
from vstape.cassettes.model import Interaction
from vstape.http import path_of
from vstape.recording import normalize, redact


def _secret_lines(index: int, where: str, text: str) -> list[str]:
    found = redact.SECRET_VALUES.search(text)
    if found and redact.MARK not in found.group(0):
        return [
            f"interaction {index}: secret: a secret-shaped value in {where} ({found.group(0)[:6]}...)"
        ]
    return []


def lint_interaction(index: int, item: Interaction) -> list[str]:
    """Every finding of one interaction."""
    out: list[str] = []
    request, response = item.request, item.response
    for side, headers in (("request", request.headers), ("response", response.headers)):
        for name, values in headers.items():
            lower = name.lower()
            for value in values:
                if lower in ("cookie", "set-cookie") and value != redact.MARK:
                    out.append(f"interaction {index}: cookie: {side} header {name} holds a cookie")
                elif lower in redact.SECRET_HEADERS and value != redact.MARK:
                    out.append(f"interaction {index}: secret: {side} header {name} is not redacted")
                else:
                    out += _secret_lines(index, f"{side} header {name}", value)
            if side == "request" and not normalize.keep_request_header(lower):
                out.append(
                    f"interaction {index}: volatile-header: request header {name} is recorded"
                )
            if side == "response" and lower == "content-encoding":
                out.append(
                    f"interaction {index}: compressed-body: response still says content-encoding {values}"
                )
    base, _, query = request.uri.partition("?")
    for key, value in parse_qsl(query, keep_blank_values=True):
        if redact.SECRET_PARAMS.match(key) and value != redact.MARK:
            out.append(f"interaction {index}: secret: query parameter {key} is not redacted")
    out += _secret_lines(index, "the URL", request.uri)
    if not base.startswith(normalize.CANONICAL_ORIGIN + "/"):
        out.append(
            f"interaction {index}: host: {normalize.origin(base)} is not {normalize.CANONICAL_ORIGIN}"
        )
    path = path_of(request.uri)
    if is_vector_store_path(path) and match(request.method, path) is None:
        out.append(f"interaction {index}: unknown-route: {request.method} {path} matches no route")
    if isinstance(request.body, str):
        out += _secret_lines(index, "the request body", request.body)
    if isinstance(response.body.string, bytes):
        out.append(f"interaction {index}: binary-body: the response body is stored as !!binary")
    else:
        out += _secret_lines(index, "the response body", response.body.string)
    return out


def lint(path: Path) -> list[str]:
    """Every finding of one cassette (raises CassetteError when it cannot be loaded)."""
    out: list[str] = []
    for index, item in enumerate(load(path).interactions):
        out += lint_interaction(index, item)
    return out
