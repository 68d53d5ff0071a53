"""A live answer against the recorded one, by shape, never by value; and against the schemas.

What counts as a change (each a :class:`~vstape.drift.model.Drift` at its route and path):

- the status code (then nothing else is compared: an error envelope has another shape);
- a field the live body has and the recording lacks (``field_added``), or the other way
  (``field_missing``), or whose JSON kind changed (``type_changed``), by
  :func:`vstape.diff.fields.json_changes` with ``shape=True``; not inside the user's
  maps (``metadata``, ``attributes``: their keys are data), and not a value that became
  null or stopped being null (a value change: the schema check says if null is allowed);
- a value of an enum field (a ``Literal`` of the route's response Struct) that the schema
  does not list (``enum_added``): the API has a new status, say;
- a response header that appeared or disappeared (by name; headers that describe the
  transport, as the recorder drops them, and those present only at some moments -
  ``openai-poll-after-ms`` while processing, ``retry-after``, ``set-cookie`` - are left
  out), or a changed media type;
- any other violation of the current schemas by the live answer (``invalid``,
  ``unknown_field``), as ``vstape validate`` reports it.

Array indices are folded into ``[*]``, so a field added to every item of a page is one
difference, not one per item.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
from msgspec import inspect

from vstape.api.routes import Route
from vstape.diff.fields import MISSING, json_changes, kind_of
from vstape.drift.model import Drift
from vstape.recording import normalize, positions
from vstape.validation.validate import validate_response
from vstape.validation.violations import Kind

__all__ = ["Answer", "compare_answer", "enum_positions"]

_INDEX = re.compile(r"\[\d+\]")
SITUATIONAL = frozenset(
    {"set-cookie", "openai-poll-after-ms", "retry-after", "retry-after-ms", "x-should-retry"}
)
"""Headers whose presence depends on the moment (an object still processing, a throttle)."""


@dataclass(frozen=True)
class Answer:
    """A response as received: status, headers (in order), body bytes."""

    status: int
    headers: Sequence[tuple[str, str]]
    body: bytes


def _walk(
    info: inspect.Type, path: tuple[str, ...], take: Callable[[inspect.Type, tuple[str, ...]], bool]
) -> None:
    """Every position of a response type, outside the user's maps, until ``take`` takes it."""
    if take(info, path):
        return
    if isinstance(info, inspect.Metadata):
        _walk(info.type, path, take)
    elif isinstance(info, inspect.UnionType):
        for member in info.types:
            _walk(member, path, take)
    elif isinstance(info, inspect.ListType):
        _walk(info.item_type, (*path, positions.STAR), take)
    elif isinstance(info, inspect.StructType):
        for field in info.fields:
            _walk(field.type, (*path, field.encode_name), take)


def map_positions(tp: Any) -> list[tuple[str, ...]]:
    """Every path of ``tp`` holding a map of the user's (``metadata``, ``attributes``)."""
    out: list[tuple[str, ...]] = []

    def take(info: inspect.Type, path: tuple[str, ...]) -> bool:
        if isinstance(info, inspect.DictType):
            out.append(path)
            return True
        return False

    if tp is not None:
        _walk(inspect.type_info(tp), (), take)
    return out


def _inside(parts: tuple[str | int, ...], maps: list[tuple[str, ...]]) -> bool:
    """Whether ``parts`` lies strictly inside one of the map paths (``*`` matches an index)."""
    for where in maps:
        if len(parts) > len(where) and all(
            w == p or (w == positions.STAR and isinstance(p, int))
            for w, p in zip(where, parts, strict=False)
        ):
            return True
    return False


def enum_positions(tp: Any) -> list[tuple[tuple[str, ...], frozenset[Any]]]:
    """Every path of ``tp`` holding an enum, with the values the schema allows."""
    out: list[tuple[tuple[str, ...], frozenset[Any]]] = []

    def take(info: inspect.Type, path: tuple[str, ...]) -> bool:
        members = info.types if isinstance(info, inspect.UnionType) else (info,)
        literals = [t for t in members if isinstance(t, inspect.LiteralType)]
        if literals and all(isinstance(t, inspect.LiteralType | inspect.NoneType) for t in members):
            out.append((path, frozenset().union(*(t.values for t in literals))))
            return True
        return False

    if tp is not None:
        _walk(inspect.type_info(tp), (), take)
    return out


def _json(body: bytes) -> Any:
    try:
        return msgspec.json.decode(body) if body.strip() else MISSING
    except (msgspec.DecodeError, RecursionError):
        return MISSING


def _names(headers: Mapping[str, Sequence[str]] | Sequence[tuple[str, str]]) -> dict[str, str]:
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    out: dict[str, str] = {}
    for name, value in pairs:
        lower = str(name).lower()
        if normalize.keep_response_header(lower) and lower not in SITUATIONAL:
            first = value[0] if isinstance(value, list | tuple) and value else value
            out.setdefault(lower, str(first) if not isinstance(first, list | tuple) else "")
    return out


def _media(value: str) -> str:
    return value.split(";", 1)[0].strip().lower()


def _concrete_paths(value: Any, path: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
    """``($.data[0].status, value)`` for every place ``path`` reaches."""

    def walk(node: Any, rest: tuple[str, ...], text: str) -> Iterator[tuple[str, Any]]:
        if not rest:
            yield text, node
            return
        head, tail = rest[0], rest[1:]
        if head == positions.STAR and isinstance(node, list):
            for index, item in enumerate(node):
                yield from walk(item, tail, f"{text}[{index}]")
        elif isinstance(node, dict) and head in node:
            yield from walk(node[head], tail, f"{text}.{head}")

    yield from walk(value, path, "$")


def compare_answer(
    route: Route,
    recorded_status: int,
    recorded_headers: Mapping[str, Sequence[str]],
    recorded_body: bytes,
    live: Answer,
    base: Drift,
) -> list[Drift]:
    """Every change from the recorded answer to the live one, as drift items like ``base``."""
    out: list[Drift] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, path: str, message: str, ours: Any = None, theirs: Any = None) -> None:
        folded = _INDEX.sub("[*]", path)
        if (kind, folded) in seen:
            return
        seen.add((kind, folded))
        out.append(
            msgspec.structs.replace(
                base, kind=kind, path=folded, message=message, ours=ours, theirs=theirs
            )
        )

    if live.status != recorded_status:
        add(
            "status_changed",
            "status",
            f"status {recorded_status} recorded, {live.status} live",
            recorded_status,
            live.status,
        )
        return out
    old_headers, new_headers = _names(recorded_headers), _names(live.headers)
    for name in new_headers.keys() - old_headers.keys():
        add("header_added", f"header.{name}", f"the live answer has the header {name}", None, name)
    for name in old_headers.keys() - new_headers.keys():
        add("header_removed", f"header.{name}", f"the live answer lacks the header {name}", name)
    old_type = _media(old_headers.get("content-type", ""))
    new_type = _media(new_headers.get("content-type", ""))
    if old_type and new_type and old_type != new_type:
        add(
            "header_changed",
            "header.content-type",
            f"content-type {old_type} -> {new_type}",
            old_type,
            new_type,
        )
    old, new = _json(recorded_body), _json(live.body)
    if old is not MISSING and new is not MISSING:
        maps = map_positions(route.response)
        for change in json_changes(old, new, shape=True):
            if _inside(change.parts, maps):
                continue  # the user's keys (metadata, attributes), not the API's shape
            where = f"response {change.path}"
            if change.kind == "added":
                add(
                    "field_added",
                    where,
                    f"new field ({kind_of(change.new)})",
                    None,
                    kind_of(change.new),
                )
            elif change.kind == "removed":
                add("field_missing", where, "the field is gone", kind_of(change.old), None)
            elif "null" not in (kind_of(change.old), kind_of(change.new)):
                # null <-> a value is a value change; the schemas say whether null is allowed
                old_kind, new_kind = kind_of(change.old), kind_of(change.new)
                add("type_changed", where, f"type {old_kind} -> {new_kind}", old_kind, new_kind)
    reported = {path for _, path in seen}
    if new is not MISSING and 200 <= live.status < 300:
        for path, allowed in enum_positions(route.response):
            for concrete, value in _concrete_paths(new, path):
                if isinstance(value, str) and value not in allowed:
                    add(
                        "enum_added",
                        f"response {concrete}",
                        f"{value!r} is not one of {sorted(allowed)}",
                        sorted(allowed),
                        value,
                    )
    reported = {path for _, path in seen}
    headers = {name.lower(): value for name, value in live.headers}
    for violation in validate_response(
        route.method,
        route.path(**dict.fromkeys(route.params, "x")),
        live.status,
        headers,
        live.body,
    ):
        where = f"response {violation.path}" if violation.path.startswith("$") else violation.path
        if _INDEX.sub("[*]", where) in reported:
            continue
        kind = "unknown_field" if violation.kind is Kind.UNKNOWN_FIELD else "invalid"
        add(kind, where, violation.message, None, violation.kind.value)
    return out
