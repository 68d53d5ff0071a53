"""The handler registry: one function per route of :data:`vstape.api.routes.ROUTES`, by name.

A handler is registered with ``@handles("route_name")`` in the module of its object family
and is called as ``handler(state, request, **path_params)``. A name the route table does
not know fails at once; a route no module handles is listed by :func:`unhandled_routes`,
which :mod:`vstape.emulator.app` checks when it is imported.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from vstape.api import routes


@dataclass(frozen=True, slots=True)
class Reply:
    """A handler's answer: the wire Struct to encode and any headers to add."""

    body: Any
    headers: list[tuple[str, str]] = field(default_factory=list)


Handler = Callable[..., Reply]
H = TypeVar("H", bound=Handler)

HANDLERS: dict[str, Handler] = {}


def handles(route_name: str) -> Callable[[H], H]:
    """Register the decorated function as the handler of ``route_name``."""
    routes.get(route_name)  # a KeyError naming the valid routes for a typo

    def register(handler: H) -> H:
        if route_name in HANDLERS:
            raise ValueError(f"route {route_name!r} is handled twice")
        HANDLERS[route_name] = handler
        return handler

    return register


def unhandled_routes(
    handled: Collection[str] | None = None, table: Iterable[routes.Route] | None = None
) -> list[str]:
    """The routes of ``table`` (the route table) that ``handled`` (the registry) lacks."""
    known = HANDLERS if handled is None else handled
    return [r.name for r in (routes.ROUTES if table is None else table) if r.name not in known]
