"""How a vcrpy request is matched: whose it is (vstape's or stock vcrpy's) and vstape's key for it.

Whether a request is vstape's (see :mod:`vstape.api.scope`) is decided once per request
and kept on the request object: a live request is judged when it is sent (while
``OPENAI_BASE_URL`` still names the host the test talks to, before fixtures that set it
are torn down), a recorded one when its cassette loads; copies vcrpy makes for its
filters carry the answer along. vstape's requests are matched on
:func:`vstape.replay.matching.request_key`, whatever the user's ``match_on``.
"""

from __future__ import annotations

import os
from typing import Any

from vcr.request import Request as VcrRequest

from vstape.api import scope
from vstape.replay.matching import RequestKey, by_route, request_key
from vstape_pytest._vcr.convert import LoadedRequest

_OWNED = "_vstape_owned"


def owns(request: Any, hosts: tuple[str, ...]) -> bool:
    """Whether vstape handles ``request``: an OpenAI host (or one of ``hosts``) and an API path."""
    state = getattr(request, "__dict__", None)
    if state is None:  # not a vcrpy Request (a user hook returned something else): not ours
        return False
    known = state.get(_OWNED)
    if known is not None:
        return bool(known)
    found = scope.owns(
        str(request.uri),
        scope.openai_hosts(hosts, os.environ.get("OPENAI_BASE_URL")),
        request.headers,
    )
    state[_OWNED] = found
    return found


def mark(request: Any, owned: bool) -> None:
    """Record the answer for a request loaded from a cassette."""
    request.__dict__[_OWNED] = owned


def request_key_of(request: VcrRequest, match: str = "exact") -> RequestKey:
    """vstape's matching key of a vcrpy request (``route``: any ids, any body)."""
    headers = (
        request.__dict__["_headers"] if isinstance(request, LoadedRequest) else request.headers
    )
    key = request_key(request.method, request.uri, request.body, headers)
    return by_route(key) if match == "route" else key


def is_identity(hook: Any) -> bool:
    """Whether one of vcrpy's composed before_record_* hooks has no filter to apply."""
    names = getattr(getattr(hook, "__code__", None), "co_freevars", ())
    cells = getattr(hook, "__closure__", None) or ()
    for name, cell in zip(names, cells, strict=False):
        if name == "filter_functions":
            return bool(cell.cell_contents == [])
    return False
