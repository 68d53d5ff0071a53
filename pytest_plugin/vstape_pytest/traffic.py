"""Whether one vcrpy request is vstape's (see :mod:`vstape.api.scope`), decided once per request.

The answer is kept on the request object: a live request is judged when it is sent (while
``OPENAI_BASE_URL`` still names the host the test talks to, before fixtures that set it
are torn down), a recorded one when its cassette loads; copies vcrpy makes for its
filters carry the answer along.
"""

from __future__ import annotations

import os
from typing import Any

from vstape.api import scope

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
