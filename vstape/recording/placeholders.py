"""Stable ids: each server-assigned id of a cassette becomes a numbered placeholder.

A placeholder keeps the id's prefix and its length and says what it is:
``vs_ZQLW4iMYXD01cLuDomfyrfbw`` -> ``vs_vstape000000000000000001``, ``file-…`` ->
``file-vstape000000000000000001``, ``vsfb_…``, ``req_…`` (``x-request-id``) likewise; any
other prefix (``[A-Za-z]+`` then ``_`` or ``-``) is kept the same way. Numbers count per
prefix, in order of first appearance.

Which ids: those *issued* by the recording, i.e. first seen where the server hands one
out (a response's id position, see :mod:`vstape.recording.positions`). An id first seen
in a request (``vs_missing``, a store created before the recording) is *foreign*: the
client knew it already and will send it again on replay, so it stays as it is,
everywhere. Once an id is mapped, every occurrence in the cassette is rewritten -
paths, cursors, bodies (error messages too), headers - as a whole token (never inside a
longer ``[A-Za-z0-9_-]`` run).

A placeholder is never rewritten again (idempotence), and its number is reserved, so new
ids continue the numbering. ``canonical`` maps (``vstape diff``) renumber placeholders
as well, from 1, counting a placeholder as issued wherever it shows up first (some
recording issued it), so that two cassettes that differ only in their numbering compare
equal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Literal
from urllib.parse import parse_qsl

import msgspec

from vstape.api.routes import match
from vstape.cassettes.model import Interaction
from vstape.recording import positions
from vstape.replay.matching import split_uri

__all__ = [
    "MARK",
    "IdMap",
    "Side",
    "is_placeholder",
    "placeholder",
    "prefix_of",
    "sightings",
]

MARK = "vstape"
MIN_DIGITS = 4
Side = Literal["request", "response"]

_PREFIX = re.compile(r"[A-Za-z]+[_-]")
_PLACEHOLDER = re.compile(rf"(?P<prefix>[A-Za-z]+[_-])?{MARK}(?P<number>[0-9]+)")
_ID_CHARS = "A-Za-z0-9_-"


def prefix_of(ident: str) -> str:
    """``vs_`` of ``vs_abc``, ``file-`` of ``file-abc``; empty when there is none."""
    found = _PREFIX.match(ident)
    return found.group() if found else ""


def placeholder(prefix: str, number: int, length: int = 0) -> str:
    """The placeholder number ``number`` for ``prefix``, ``length`` characters long if it fits."""
    digits = max(MIN_DIGITS, length - len(prefix) - len(MARK), len(str(number)))
    return f"{prefix}{MARK}{number:0{digits}d}"


def _parsed(ident: str) -> tuple[str, int] | None:
    found = _PLACEHOLDER.fullmatch(ident)
    return (found.group("prefix") or "", int(found.group("number"))) if found else None


def is_placeholder(ident: str) -> bool:
    """Whether ``ident`` is a placeholder (``vs_vstape0001``...)."""
    return _parsed(ident) is not None


def _json(text: object) -> object:
    if not isinstance(text, str) or text[:1] not in ("{", "["):
        return None
    try:
        return msgspec.json.decode(text)
    except (msgspec.DecodeError, RecursionError):
        return None


def _at_paths(value: object, paths: Iterable[positions.Path]) -> Iterator[str]:
    for path in paths:
        for container, key in positions.at(value, path):
            found = container[key]
            if isinstance(found, str) and found:
                yield found


def sightings(item: Interaction) -> Iterator[tuple[str, Side]]:
    """Every id at an id position of ``item``, in wire order: the request, then the response."""
    path, query = split_uri(item.request.uri)
    found = match(item.request.method, path)
    if found is None:
        return
    where = positions.for_route(found.route.name)
    for name in where.path_params:
        if found.params.get(name):
            yield found.params[name], "request"
    for name, value in parse_qsl(query, keep_blank_values=False):
        if name in where.cursors and value:
            yield value, "request"
    yield from ((i, "request") for i in _at_paths(_json(item.request.body), where.request_ids))
    if 200 <= item.response.status.code < 300:
        body = _json(item.response.body.string)
        yield from ((i, "response") for i in _at_paths(body, where.response_ids))
    for name, values in item.response.headers.items():
        if name.lower() == positions.REQUEST_ID_HEADER:
            yield from ((v, "response") for v in values if v)


class IdMap:
    """Real id -> placeholder for one scope (a cassette, or the cassettes replayed together)."""

    def __init__(self, *, canonical: bool = False, issued: set[str] | None = None) -> None:
        self.canonical = canonical
        self.mapping: dict[str, str] = {}
        """Every id decided to be issued -> its placeholder (a placeholder -> itself)."""
        self.foreign: set[str] = set()
        self.counters: dict[str, int] = {}
        """Prefix -> the highest placeholder number in use."""
        self.issued = issued
        """Decided in advance (batch over several files); else the first sighting's side decides."""
        self.decided: list[str] = []
        """Ids decided by :meth:`sight`, in order (a journal reads and clears it)."""
        self._prefixes: tuple[str, ...] = ()
        self._pattern: re.Pattern[str] | None = None

    def reserve(self, ident: str) -> None:
        """Keep a placeholder already in the scope (its number is never given again)."""
        parsed = _parsed(ident)
        if parsed is None or self.canonical:
            return
        prefix, number = parsed
        self.mapping.setdefault(ident, ident)
        if number > self.counters.get(prefix, 0):
            self.counters[prefix] = number

    def learn(self, real: str, chosen: str) -> None:
        """Adopt a mapping decided elsewhere (another process's, from the journal)."""
        self.mapping[real] = chosen
        self.foreign.discard(real)
        parsed = _parsed(chosen)
        if parsed is not None and parsed[1] > self.counters.get(parsed[0], 0):
            self.counters[parsed[0]] = parsed[1]
        self._grow(prefix_of(real))

    def sight(self, ident: str, side: Side) -> str | None:
        """Decide ``ident`` on its first sighting; the placeholder it got now, if any."""
        if ident in self.mapping or ident in self.foreign:
            return None
        if not self.canonical and is_placeholder(ident):
            self.reserve(ident)
            return None
        if self.issued is not None:
            issued = ident in self.issued
        else:  # a placeholder was issued by some recording, wherever it shows up first
            issued = side == "response" or (self.canonical and is_placeholder(ident))
        self.decided.append(ident)
        if not issued:
            self.foreign.add(ident)
            return None
        prefix = prefix_of(ident)
        number = self.counters.get(prefix, 0) + 1
        self.counters[prefix] = number
        self.mapping[ident] = chosen = placeholder(prefix, number, len(ident))
        self._grow(prefix)
        return chosen

    def forget(self, ident: str) -> None:
        """Undo the decision on ``ident`` (an append that failed; the caller restores counters)."""
        self.mapping.pop(ident, None)
        self.foreign.discard(ident)

    def _grow(self, prefix: str) -> None:
        if prefix not in self._prefixes:
            self._prefixes = (*self._prefixes, prefix)
            self._pattern = None

    def pattern(self) -> re.Pattern[str] | None:
        """A token regex that finds every mapped id (None while nothing is mapped)."""
        if self._pattern is None and self._prefixes:
            starts = "|".join(re.escape(p) for p in sorted(self._prefixes, key=len, reverse=True))
            if "" in self._prefixes:
                starts = ""
            lead = f"(?:{starts})" if starts else ""
            self._pattern = re.compile(rf"(?<![{_ID_CHARS}]){lead}[{_ID_CHARS}]+")
        return self._pattern

    def substitute(self, text: str) -> str:
        """``text`` with every mapped id, as a whole token, replaced by its placeholder."""
        pattern = self.pattern()
        if pattern is None:
            return text
        mapping = self.mapping
        return pattern.sub(lambda found: mapping.get(found.group(), found.group()), text)
