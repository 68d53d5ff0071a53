"""Where server-assigned ids and unix timestamps sit in each route's traffic, from the schemas.

Derived once, at import, from the :mod:`vstape.api.schemas` Structs of the route table, so
a field added to a schema is covered the day it is added:

- **ids**: a string field named ``id`` or ``*_id``, or a list of strings named ``*_ids``
  (``$.id``, ``$.vector_store_id``, ``$.first_id``, ``$.data[*].id``, ``$.file_ids[*]``,
  ``$.files[*].file_id``, ``$.data[*].file_id`` of search results), in request and response
  bodies; every path parameter of the route (``{vector_store_id}``, ``{file_id}``,
  ``{batch_id}``); the list cursors ``after`` and ``before`` of its query; the
  ``x-request-id`` response header.
- **times**: every response field typed :data:`vstape.api.schemas.base.UnixTime`
  (``created_at``, ``last_active_at``, ``expires_at``: the fields the official spec marks
  ``format: unixtime``).

User data is never an id position: ``metadata`` and ``attributes`` are maps, and maps are
not walked (a metadata key ``customer_id`` stays the user's).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import msgspec
from msgspec import inspect

from vstape.api.routes import ROUTES, Route
from vstape.api.schemas.base import UnixTime

__all__ = [
    "CURSORS",
    "REQUEST_ID_HEADER",
    "STAR",
    "Path",
    "Positions",
    "at",
    "for_route",
]

Path = tuple[str, ...]
"""JSON keys from the root; :data:`STAR` stands for every item of an array."""
STAR = "*"
CURSORS = ("after", "before")
"""List query parameters that carry an object id (api-reference 1.3)."""
REQUEST_ID_HEADER = "x-request-id"

_UNIX = inspect.type_info(UnixTime)


@dataclass(frozen=True, slots=True)
class Positions:
    """The id and time positions of one route."""

    request_ids: tuple[Path, ...] = ()
    response_ids: tuple[Path, ...] = ()
    response_times: tuple[Path, ...] = ()
    path_params: tuple[str, ...] = ()
    cursors: tuple[str, ...] = ()


def _strings(info: inspect.Type) -> bool:
    """Whether a value of this type may be a string (``str``, ``str | None``...)."""
    if isinstance(info, inspect.Metadata):
        return _strings(info.type)
    if isinstance(info, inspect.UnionType):
        return any(_strings(t) for t in info.types)
    return isinstance(info, inspect.StrType)


def _string_list(info: inspect.Type) -> bool:
    if isinstance(info, inspect.Metadata):
        return _string_list(info.type)
    if isinstance(info, inspect.UnionType):
        return any(_string_list(t) for t in info.types)
    return isinstance(info, inspect.ListType) and _strings(info.item_type)


def _walk(
    info: inspect.Type, path: Path, ids: list[Path], times: list[Path], seen: frozenset[type]
) -> None:
    if info == _UNIX:
        times.append(path)
        return
    if isinstance(info, inspect.Metadata):
        _walk(info.type, path, ids, times, seen)
    elif isinstance(info, inspect.UnionType):
        for member in info.types:
            _walk(member, path, ids, times, seen)
    elif isinstance(info, inspect.ListType):
        _walk(info.item_type, (*path, STAR), ids, times, seen)
    elif isinstance(info, inspect.StructType) and info.cls not in seen:
        inner = seen | {info.cls}
        for field in info.fields:
            name, child = field.encode_name, (*path, field.encode_name)
            if (name == "id" or name.endswith("_id")) and _strings(field.type):
                ids.append(child)
            elif name.endswith("_ids") and _string_list(field.type):
                ids.append((*child, STAR))
            else:
                _walk(field.type, child, ids, times, inner)
    # maps (metadata, attributes) and scalars hold no server-assigned value


def _paths(tp: Any) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    if tp is None:
        return (), ()
    ids: list[Path] = []
    times: list[Path] = []
    _walk(inspect.type_info(tp), (), ids, times, frozenset())
    return tuple(dict.fromkeys(ids)), tuple(dict.fromkeys(times))


def _query_cursors(query: Any) -> tuple[str, ...]:
    if query is None:
        return ()
    names = {f.encode_name for f in msgspec.structs.fields(query)}
    return tuple(c for c in CURSORS if c in names)


def _positions(route: Route) -> Positions:
    response_ids, response_times = _paths(route.response)
    request_ids = () if route.multipart else _paths(route.body)[0]
    return Positions(
        request_ids=request_ids,
        response_ids=response_ids,
        response_times=response_times,
        path_params=route.params,
        cursors=_query_cursors(route.query),
    )


BY_ROUTE: dict[str, Positions] = {route.name: _positions(route) for route in ROUTES}
_NOWHERE = Positions()


def for_route(name: str | None) -> Positions:
    """The positions of the route called ``name`` (none for an unknown route)."""
    return BY_ROUTE.get(name or "", _NOWHERE)


def at(value: Any, path: Path) -> Iterator[tuple[Any, str | int]]:
    """``(container, key)`` of every place ``path`` reaches in a decoded JSON ``value``."""
    if not path:
        return
    head, rest = path[0], path[1:]
    if head == STAR:
        if isinstance(value, list):
            for index, item in enumerate(value):
                if rest:
                    yield from at(item, rest)
                else:
                    yield value, index
    elif isinstance(value, dict) and head in value:
        if rest:
            yield from at(value[head], rest)
        else:
            yield value, head
