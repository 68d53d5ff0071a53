"""Response headers: the ones the spec declares and the ones the SDK reads, checked as values.

- ``Retry-After`` on a 429: an integer >= 1 (seconds), as the spec's ``TooManyRequests``
  response declares it on every operation; on other statuses RFC 9110's delay-seconds
  (an integer >= 0) or an HTTP date.
- ``retry-after-ms``: a number >= 0 (the SDK reads it as float milliseconds).
- ``openai-poll-after-ms``: an integer >= 0 (the SDK's poll helpers call ``int()`` on it).
- ``x-should-retry``: ``true`` or ``false`` (the SDK obeys exactly these two).
- ``x-ratelimit-limit-*`` / ``x-ratelimit-remaining-*``: integers >= 0;
  ``x-ratelimit-reset-*``: a duration such as ``1s``, ``6m0s`` or ``20ms``.

Each violation's path is ``header.<name>`` (lower case). Headers not listed here are left
alone: the API adds headers over time, and they carry no schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from email.utils import parsedate_tz

from vstape.validation.violations import Kind, Violation, short

_INTEGER = re.compile(r"[0-9]+")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
_DURATION = re.compile(r"(?:[0-9]+(?:\.[0-9]+)?(?:h|m|s|ms|us|µs|ns))+")

Check = Callable[[str, int], tuple[str, str] | None]
"""(value, status) -> None when fine, else (kind, expected)."""


def _integer(minimum: int) -> Check:
    def check(value: str, status: int) -> tuple[str, str] | None:
        if not _INTEGER.fullmatch(value):
            return "type", f"an integer >= {minimum}"
        digits = value.lstrip("0")
        if len(digits) > 6 or int(digits or "0") >= minimum:
            return None
        return "constraint", f"an integer >= {minimum}"

    return check


def _retry_after(value: str, status: int) -> tuple[str, str] | None:
    if status == 429:  # the spec: components/responses/TooManyRequests
        return _integer(1)(value, status)
    if _INTEGER.fullmatch(value) or parsedate_tz(value) is not None:
        return None
    return "type", "delay-seconds (an integer >= 0) or an HTTP date"


def _number(value: str, status: int) -> tuple[str, str] | None:
    return None if _NUMBER.fullmatch(value) else ("type", "a number >= 0 (milliseconds)")


def _boolean(value: str, status: int) -> tuple[str, str] | None:
    return None if value in ("true", "false") else ("constraint", "'true' | 'false'")


def _duration(value: str, status: int) -> tuple[str, str] | None:
    return None if _DURATION.fullmatch(value) else ("type", "a duration such as 1s, 6m0s, 20ms")


_EXACT: dict[str, Check] = {
    "retry-after": _retry_after,
    "retry-after-ms": _number,
    "openai-poll-after-ms": _integer(0),
    "x-should-retry": _boolean,
}
_PREFIXED: tuple[tuple[str, Check], ...] = (
    ("x-ratelimit-limit-", _integer(0)),
    ("x-ratelimit-remaining-", _integer(0)),
    ("x-ratelimit-reset-", _duration),
)


def _rule(name: str) -> Check | None:
    found = _EXACT.get(name)
    if found is not None:
        return found
    return next((check for prefix, check in _PREFIXED if name.startswith(prefix)), None)


def _items(headers: Mapping[str, str] | Mapping[str, list[str]]) -> Iterator[tuple[str, str]]:
    for name, value in headers.items():
        if isinstance(value, list):
            yield from ((name, str(v)) for v in value)
        else:
            yield name, str(value)


def check_headers(
    status: int, headers: Mapping[str, str] | Mapping[str, list[str]]
) -> list[Violation]:
    """Every violation among the response headers vstape knows the format of."""
    found: list[Violation] = []
    for name, raw in _items(headers):
        lower = name.lower()
        rule = _rule(lower)
        if rule is None:
            continue
        value = raw.strip()
        verdict = rule(value, status)
        if verdict is None:
            continue
        kind, expected = verdict
        found.append(
            Violation(
                kind=Kind.TYPE if kind == "type" else Kind.CONSTRAINT,
                path=f"header.{lower}",
                message=f"header {lower}: expected {expected}, got {short(raw)}",
                expected=expected,
                actual=short(raw),
                side="response",
            )
        )
    return found
