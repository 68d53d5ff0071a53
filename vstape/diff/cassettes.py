"""Two cassettes (or two trees of them), compared interaction by interaction after normalization.

Both sides are first normalized the same way, canonically (:func:`vstape.recording.stable.
normalize_scope`: placeholders renumbered from 1 in order of appearance, times shifted
onto the epoch), so a difference only in ids or only by a time shift is no difference.
A tree is one scope, as when it is replayed. Files are paired by their path under each
root (``a.yaml`` with ``a.json`` when the format alone changed).

Interactions are matched by their request key (:mod:`vstape.replay.matching`, what replay
matches on); the recordings of one key (a poll loop, retries) pair up in order, and when their numbers
differ they are aligned as sequences, so one poll more or less is one interaction added
or removed. What is left is paired by
method and path (the same request with another query or body: *changed*), and the rest
is *added* or *removed*. A matched pair is compared field by field (:mod:`.fields`): the
status, the request's query, headers and body, the response's headers and body, and
vstape's own record (route, scenario, fault, verdict, violations). Not compared: headers
that change on every call (:data:`VOLATILE_HEADERS`), and timestamps within
``tolerance`` seconds of each other (two runs never take exactly as long).
"""

from __future__ import annotations

import bisect
import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any, Literal
from urllib.parse import parse_qsl

import msgspec

from vstape.api.routes import match
from vstape.cassettes.model import Interaction, InteractionMeta
from vstape.diff.fields import Change, Part, json_changes
from vstape.recording import positions
from vstape.recording.stable import normalize_scope
from vstape.replay.matching import RequestKey, request_key, split_uri

__all__ = [
    "DEFAULT_TOLERANCE_S",
    "VOLATILE_HEADERS",
    "Entry",
    "FieldChange",
    "Located",
    "Report",
    "diff_scopes",
]

DEFAULT_TOLERANCE_S = 300
VOLATILE_HEADERS = frozenset(
    {
        "date",
        "openai-processing-ms",
        "x-envoy-upstream-service-time",
        "set-cookie",
        "cf-ray",
        "x-request-id",  # one per answer: a placeholder each, numbered in order
    }
)
"""Headers whose value differs on every call; ``x-ratelimit-*`` too (by prefix)."""
_META = ("route", "scenario", "fault", "verdict", "violations")

EntryKind = Literal["added", "removed", "changed"]


@dataclass(frozen=True, slots=True)
class Located:
    """An interaction of one side: its file (under the side's root), position and request."""

    file: str
    index: int
    method: str
    uri: str

    @property
    def target(self) -> str:
        """``path?query`` of its request."""
        path, query = split_uri(self.uri)
        return f"{path}?{query}" if query else path


@dataclass(frozen=True, slots=True)
class FieldChange:
    """A change in one part of an interaction (``response.body``, ``request.query``...)."""

    part: str
    change: Change


@dataclass(slots=True)
class Entry:
    """One interaction that differs: added, removed, or changed (with its field changes)."""

    route: str
    kind: EntryKind
    old: Located | None
    new: Located | None
    changes: list[FieldChange] = field(default_factory=list)
    status: tuple[int, int] | None = None


@dataclass(slots=True)
class Report:
    """What differs between two scopes."""

    entries: list[Entry]
    old_interactions: int
    new_interactions: int
    files: int
    only_old: list[str] = field(default_factory=list)
    only_new: list[str] = field(default_factory=list)

    @property
    def equivalent(self) -> bool:
        """No interaction added, removed or changed."""
        return not self.entries

    def counts(self) -> Counter[str]:
        """Entries by kind (``added``, ``removed``, ``changed``) and ``status`` changes."""
        out: Counter[str] = Counter(e.kind for e in self.entries)
        out["status"] = sum(1 for e in self.entries if e.status is not None)
        return out

    def by_route(self) -> dict[str, list[Entry]]:
        """Entries grouped by route, routes in order of their first entry."""
        out: dict[str, list[Entry]] = {}
        for entry in self.entries:
            out.setdefault(entry.route, []).append(entry)
        return out


def _meta(item: Interaction) -> InteractionMeta:
    return item.vstape if isinstance(item.vstape, InteractionMeta) else InteractionMeta()


def _key(item: Interaction) -> RequestKey:
    request = item.request
    return request_key(request.method, request.uri, request.body, request.headers)


def _route(item: Interaction) -> str:
    return _meta(item).route or _key(item).route


def _time_paths(item: Interaction) -> set[tuple[str, ...]]:
    found = match(item.request.method, split_uri(item.request.uri)[0])
    return set(positions.for_route(found.route.name).response_times) if found else set()


def _decoded(body: Any) -> Any:
    if isinstance(body, str) and body[:1] in ("{", "["):
        try:
            return msgspec.json.decode(body)
        except (msgspec.DecodeError, RecursionError):
            pass
    if isinstance(body, bytes):  # binary: compared by content, shown by size and digest
        return f"<{len(body):,} bytes, sha256 {hashlib.sha256(body).hexdigest()[:16]}>"
    return body if body is not None else ""


def _fingerprint(item: Interaction) -> tuple[int, str]:
    """The answer without its times: what aligns the recordings of one request."""
    body = _decoded(item.response.body.string)
    for path in _time_paths(item):
        for container, key in positions.at(body, path):
            container[key] = 0
    return item.response.status.code, msgspec.json.encode(body, order="sorted").decode()


def _headers(headers: Mapping[str, list[str]]) -> dict[str, Any]:
    return {
        name.lower(): values[0] if len(values) == 1 else values
        for name, values in sorted(headers.items())
        if name.lower() not in VOLATILE_HEADERS and not name.lower().startswith("x-ratelimit-")
    }


def _query(uri: str) -> dict[str, Any]:
    out: dict[str, list[str]] = {}
    for name, value in parse_qsl(split_uri(uri)[1], keep_blank_values=True):
        out.setdefault(name, []).append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in out.items()}


def _compare(old: Interaction, new: Interaction, tolerance: int) -> list[FieldChange]:
    times = _time_paths(new)

    def close_in_time(parts: tuple[Part, ...], a: Any, b: Any) -> bool:
        shape = tuple(positions.STAR if isinstance(p, int) else p for p in parts)
        return shape in times and type(a) is int and type(b) is int and abs(a - b) <= tolerance

    def meta(item: Interaction) -> dict[str, Any]:
        record = msgspec.to_builtins(_meta(item))
        return {name: record.get(name) for name in _META if record.get(name) not in (None, [])}

    sides = [
        ("request.query", _query(old.request.uri), _query(new.request.uri), None),
        ("request.headers", _headers(old.request.headers), _headers(new.request.headers), None),
        ("request.body", _decoded(old.request.body), _decoded(new.request.body), None),
        (
            "response.headers",
            _headers(old.response.headers),
            _headers(new.response.headers),
            None,
        ),
        (
            "response.body",
            _decoded(old.response.body.string),
            _decoded(new.response.body.string),
            close_in_time,
        ),
        ("vstape", meta(old), meta(new), None),
    ]
    changes = []
    for part, before, after, same in sides:
        changes += [FieldChange(part, c) for c in json_changes(before, after, same=same)]
    return changes


Pair = tuple[int | None, int | None]


def _align(old: Sequence[Interaction], new: Sequence[Interaction]) -> list[Pair]:
    """Pairs of (old index, new index); None on the side where the interaction does not exist."""
    old_keys, new_keys = [_key(i) for i in old], [_key(i) for i in new]
    by_key: dict[RequestKey, tuple[list[int], list[int]]] = {}
    for index, key in enumerate(new_keys):
        by_key.setdefault(key, ([], []))[1].append(index)
    for index, key in enumerate(old_keys):
        by_key.setdefault(key, ([], []))[0].append(index)
    pairs: list[Pair] = []
    removed: list[int] = []
    added: list[int] = []
    for olds, news in by_key.values():
        if len(olds) == len(news):  # as many as before: the k-th is the k-th
            pairs += zip(olds, news, strict=True)
            continue
        matcher = SequenceMatcher(
            a=[_fingerprint(old[i]) for i in olds],
            b=[_fingerprint(new[j]) for j in news],
            autojunk=False,
        )
        for _, i1, i2, j1, j2 in matcher.get_opcodes():
            width = min(i2 - i1, j2 - j1)  # equal and replace blocks pair up in order
            pairs += [(olds[i1 + k], news[j1 + k]) for k in range(width)]
            removed += olds[i1 + width : i2]
            added += news[j1 + width : j2]
    # the same request with another query or body: changed, not removed and added
    spare: dict[tuple[str, str], list[int]] = {}
    for index in sorted(removed):
        spare.setdefault((old_keys[index].method, old_keys[index].path), []).append(index)
    for index in sorted(added):
        waiting = spare.get((new_keys[index].method, new_keys[index].path))
        pairs.append((waiting.pop(0), index) if waiting else (None, index))
    pairs += [(index, None) for indices in spare.values() for index in indices]
    return pairs


def _order(pairs: list[Pair]) -> list[Pair]:
    """In the new cassette's order; a removed interaction after the new one its predecessor became."""
    matched = sorted((o, n) for o, n in pairs if o is not None and n is not None)
    olds = [o for o, _ in matched]
    latest: list[int] = []  # latest[i]: the highest new index among matched[: i + 1]
    for _, n in matched:
        latest.append(max(n, latest[-1]) if latest else n)

    def position(pair: Pair) -> tuple[float, int]:
        old, new = pair
        if new is not None:
            return float(new), 0
        assert old is not None
        before = bisect.bisect_left(olds, old)
        return (latest[before - 1] if before else -1) + 0.5, old

    return sorted(pairs, key=position)


def _located(file: str, index: int, item: Interaction) -> Located:
    return Located(file, index, item.request.method, item.request.uri)


def _file_entries(
    name_old: str,
    old: Sequence[Interaction],
    name_new: str,
    new: Sequence[Interaction],
    tolerance: int,
) -> list[Entry]:
    entries = []
    for o, n in _order(_align(old, new)):
        if o is not None and n is not None:
            changes = _compare(old[o], new[n], tolerance)
            codes = (old[o].response.status.code, new[n].response.status.code)
            status = codes if codes[0] != codes[1] else None
            if changes or status:
                entries.append(
                    Entry(
                        _route(new[n]),
                        "changed",
                        _located(name_old, o, old[o]),
                        _located(name_new, n, new[n]),
                        changes,
                        status,
                    )
                )
        elif n is not None:
            entries.append(Entry(_route(new[n]), "added", None, _located(name_new, n, new[n])))
        elif o is not None:
            entries.append(Entry(_route(old[o]), "removed", _located(name_old, o, old[o]), None))
    return entries


def _pairs(old: Sequence[str], new: Sequence[str]) -> list[tuple[str | None, str | None]]:
    """Files of the two sides by name; ``x.yaml`` with ``x.json`` when only one side has each."""
    out: list[tuple[str | None, str | None]] = [(n, n) for n in old if n in new]
    lonely_old = [n for n in old if n not in new]
    lonely_new = [n for n in new if n not in old]
    stems = {n.rsplit(".", 1)[0]: n for n in lonely_new}
    for name in lonely_old:
        twin = stems.pop(name.rsplit(".", 1)[0], None)
        out.append((name, twin))
        if twin is not None:
            lonely_new.remove(twin)
    out += [(None, n) for n in lonely_new]
    return out


def diff_scopes(
    old: Mapping[str, Sequence[Interaction]],
    new: Mapping[str, Sequence[Interaction]],
    *,
    tolerance: int = DEFAULT_TOLERANCE_S,
) -> Report:
    """What differs between two scopes (file name -> its interactions, in file order).

    Two single cassettes are two scopes of one file each: give both the same name.
    """
    old_items = dict(zip(old, normalize_scope(list(old.values()), canonical=True), strict=True))
    new_items = dict(zip(new, normalize_scope(list(new.values()), canonical=True), strict=True))
    entries: list[Entry] = []
    report = Report(
        entries,
        sum(map(len, old.values())),
        sum(map(len, new.values())),
        len(set(old) | set(new)),
    )
    for name_old, name_new in _pairs(list(old), list(new)):
        if name_old is None:
            report.only_new.append(str(name_new))
        elif name_new is None:
            report.only_old.append(name_old)
        entries += _file_entries(
            name_old or "",
            old_items.get(name_old or "", []) if name_old is not None else [],
            name_new or "",
            new_items.get(name_new or "", []) if name_new is not None else [],
            tolerance,
        )
    return report
