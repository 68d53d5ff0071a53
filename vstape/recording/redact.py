"""Take secrets out of headers, query strings and JSON bodies before anything is written.

Pure functions. The same code redacts what the proxy records, what the pytest plugin
records in-process, and what reports and log lines show.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

MARK = "REDACTED"
MAX_DEPTH = 200  # deeper JSON is redacted whole, never walked (no RecursionError)

SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "openai-organization",
        "openai-project",
        "cookie",
        "set-cookie",
        "api-key",
        "x-api-key",
        "x-auth-token",
        "x-goog-api-key",
    }
)
# JSON keys whose values are secrets, whatever their casing. (Not a bare `key`: search
# filters use it for attribute names.)
SECRET_KEYS = re.compile(
    r"^(api[-_]?key|access[-_]?token|refresh[-_]?token|id[-_]?token|client[-_]?secret|secret|"
    r"password|passwd|authorization|session[-_]?key|private[-_]?key)$",
    re.IGNORECASE,
)
# Query parameters whose values are secrets.
SECRET_PARAMS = re.compile(
    r"^(api[-_]?key|key|token|access[-_]?token|client[-_]?secret|secret|password|sig|signature|"
    r"x-amz-(credential|signature|security-token))$",
    re.IGNORECASE,
)
# Secrets recognisable by shape wherever they appear (values, free text, URLs); the
# authorization scheme is case-insensitive (RFC 9110), so `bearer` and `BEARER` too.
SECRET_VALUES = re.compile(
    r"\b(?:sk|sess|rk)-[A-Za-z0-9_\-]{8,}|\b(?:org|proj)[-_][A-Za-z0-9]{8,}|(?i:Bearer)\s+[A-Za-z0-9._\-]{8,}"
)


@dataclass(frozen=True)
class RedactionPolicy:
    """What to redact beyond the built-in lists: header names and JSON paths (``$.a.b``)."""

    headers: frozenset[str] = frozenset()
    json_paths: tuple[str, ...] = ()
    builtin: bool = True

    def secret_header(self, name: str) -> bool:
        """Whether a header's value must never be written."""
        lower = name.lower()
        return (self.builtin and lower in SECRET_HEADERS) or lower in self.headers


def scrub_text(text: str) -> str:
    """Replace secret-shaped tokens inside free text."""
    return SECRET_VALUES.sub(_mask, text)


def _mask(found: re.Match[str]) -> str:
    token = found.group(0)
    if token.lower().startswith("bearer"):
        return f"Bearer {MARK}"
    return token.split("-", 1)[0].split("_", 1)[0] + "-" + MARK


def headers(pairs: Iterable[tuple[str, str]], policy: RedactionPolicy) -> list[tuple[str, str]]:
    """Headers with secret values replaced (names kept, so a reader sees what was sent)."""
    return [
        (name, MARK if policy.secret_header(name) else scrub_text(value)) for name, value in pairs
    ]


def query(query_string: str) -> str:
    """A query string with secret parameters and secret-shaped values replaced."""
    if not query_string:
        return query_string
    pairs = parse_qsl(query_string, keep_blank_values=True)
    cleaned = [(k, MARK if SECRET_PARAMS.match(k) else scrub_text(v)) for k, v in pairs]
    if cleaned == pairs:
        return query_string
    return urlencode(cleaned, safe="[]")


def _split_path(path: str) -> list[str]:
    parts = path.removeprefix("$").strip(".")
    return [p for p in re.split(r"\.|\[(\d+)\]", parts) if p]


def json_value(value: Any, policy: RedactionPolicy) -> Any:
    """A JSON value with secret keys, secret-shaped strings and configured paths replaced."""
    cleaned = _walk(value, 0)
    for path in policy.json_paths:
        cleaned = _replace_path(cleaned, _split_path(path))
    return cleaned


def _walk(value: Any, depth: int) -> Any:
    if depth > MAX_DEPTH:
        return MARK
    if isinstance(value, dict):
        return {
            k: (
                MARK
                if isinstance(k, str) and SECRET_KEYS.match(k) and v is not None
                else _walk(v, depth + 1)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_walk(v, depth + 1) for v in value]
    if isinstance(value, str):
        return scrub_text(value)
    return value


def _replace_path(value: Any, parts: Sequence[str]) -> Any:
    if not parts:
        return MARK
    head, rest = parts[0], parts[1:]
    if isinstance(value, dict):
        if head == "*":
            return {k: _replace_path(v, rest) for k, v in value.items()}
        if head in value:
            return {**value, head: _replace_path(value[head], rest)}
    if isinstance(value, list):
        if head == "*":
            return [_replace_path(v, rest) for v in value]
        if head.isdigit() and int(head) < len(value):
            index = int(head)
            return [*value[:index], _replace_path(value[index], rest), *value[index + 1 :]]
    return value


def _leaves(value: Any, depth: int = 0) -> Iterable[str]:
    if depth > MAX_DEPTH:
        return
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item, depth + 1)
    elif value is not None and not isinstance(value, bool):
        yield str(value)


def _removed(original: Any, cleaned: Any, depth: int = 0) -> Iterable[str]:
    """The values redaction replaced: walk the original and the redacted tree together."""
    if depth > MAX_DEPTH:
        return
    if isinstance(cleaned, str) and cleaned == MARK and original != MARK:
        yield from _leaves(original, depth)
    elif isinstance(original, dict) and isinstance(cleaned, dict):
        for key, item in original.items():
            yield from _removed(item, cleaned.get(key), depth + 1)
    elif isinstance(original, list) and isinstance(cleaned, list):
        for item, clean in zip(original, cleaned, strict=False):
            yield from _removed(item, clean, depth + 1)


def known_secrets(
    header_pairs: Iterable[tuple[str, str]],
    query_string: str,
    json_bodies: Iterable[Any],
    policy: RedactionPolicy,
) -> frozenset[str]:
    """The secret values of one exchange (to scrub them from text that quotes them)."""
    found: set[str] = set()
    for name, value in header_pairs:
        if policy.secret_header(name):
            found.add(value)
            found.update(value.replace(";", " ").replace("=", " ").split())
    for key, value in parse_qsl(query_string, keep_blank_values=True):
        if SECRET_PARAMS.match(key):
            found.add(value)
    for body in json_bodies:
        found.update(_removed(body, json_value(body, policy)))
    # Short values ("1", "on") would mangle unrelated text and are no secret anyway.
    return frozenset(value for value in found if len(value) >= 4 and value != MARK)


def scrub_known(text: str, secrets: frozenset[str]) -> str:
    """``text`` with shape-recognisable secrets and the given secret values replaced."""
    text = scrub_text(text)
    for secret in sorted(secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MARK)
    return text
