"""One failure mode as a record that carries its behaviour: what it is, and how it is played.

A :class:`Scenario` says what the real API (or the network) does, what the official SDK
makes of it, and how vstape plays it: its *enactment* on a live connection (answer in the
upstream's place, stall, reset, cut the body short, delay, or nothing), how it breaks a
real body, the content type and the wording of what it sends. The proxy's fault addons,
the shipped-cassette recorder and the reports read these properties; none of them looks
a scenario up by its name. The scenarios themselves are in :mod:`vstape.faults.catalog`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from vstape.api.routes import ROUTES, Route
from vstape.faults.responses import Wording, says_as_written

Kind = Literal["status", "transport", "body", "sequence", "latency"]
"""What a scenario is:

- ``status``: an HTTP error response in the error envelope (``rate_limited``, ...);
- ``transport``: no usable response (``read_timeout``, ``connection_reset``, ...);
- ``body``: a response whose body is broken (``malformed_json``, ``html_error_page``, ...);
- ``sequence``: several responses in order (``retry_then_ok``, ``poll_sequence``);
- ``latency``: the normal response, late (live traffic only).
"""
Enactment = Literal["respond", "stall", "reset", "cut", "delay", "none"]
"""How the proxy plays a scenario on a live connection:

- ``respond``: it answers with the scenario's error response; the upstream never sees the request;
- ``stall``: it answers with a stand-in (what is recorded), holds the connection until the
  client's own timeout fires, then drops it;
- ``reset``: it answers with a stand-in (what is recorded) and drops the connection;
- ``cut``: the upstream answers; the body is cut short, announced whole, and the connection closed;
- ``delay``: the upstream answers, late;
- ``none``: nothing on the connection (a sequence plays its steps; a breaker may break the body).
"""

__all__ = ["Enactment", "Kind", "Scenario"]


def _any(_route: Route) -> bool:
    return True


@dataclass(frozen=True)
class Scenario:
    """One failure mode (or sequence), what the official SDK makes of it, and how it is played."""

    name: str
    kind: Kind
    summary: str
    exception: str
    """What the SDK raises with its default retries: ``openai.RateLimitError``,
    ``json.JSONDecodeError``, ... (empty: the call succeeds)."""
    status: int | None = None
    error_type: str | None = None
    error_code: str | None = None
    message: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    """The headers the SDK reads (``retry-after``, ``x-should-retry``...), sent with the error."""
    retried: bool = False
    """Whether the SDK retries it (before raising ``exception``)."""
    transport_error: str | None = None
    """The httpx/httpx2 exception class the client's transport raises (transport kinds)."""
    steps: tuple[str, ...] = ()
    """Sequences: the scenario of each response in order (``ok`` for a success)."""
    applies: Callable[[Route], bool] = field(default=_any, repr=False, compare=False)
    shipped: bool = True
    """Whether ``cassettes/<route>/<name>.yaml`` exists for the routes it applies to."""
    enactment: Enactment = "respond"
    """How the proxy plays it on a live connection (see :data:`Enactment`)."""
    content_type: str | None = "application/json"
    """The content type of what it sends (None: the upstream's own, as with a cut body)."""
    page: bytes = b""
    """A whole body that is not the API's error envelope (a gateway's HTML page)."""
    wording: Wording = field(default=says_as_written, repr=False, compare=False)
    """The error envelope's message, param and code for a route (status scenarios)."""
    breaker: Callable[[bytes], bytes] | None = field(default=None, repr=False, compare=False)
    """How it breaks the upstream's real body (None: it leaves bodies alone)."""
    not_injectable: str = ""
    """Why the proxy never injects it (it only labels what the upstream itself does) and
    what to use instead; empty for every scenario the proxy can inject."""

    @property
    def is_failure(self) -> bool:
        """A failure the SDK raises on (not a sequence that ends well, not mere latency)."""
        return bool(self.exception)

    @property
    def answers_in_place(self) -> bool:
        """Whether the proxy answers in the upstream's place (an error, or a stand-in)."""
        return self.enactment in ("respond", "stall", "reset")

    @property
    def on_the_connection(self) -> bool:
        """Whether the connection itself carries it out (a stall, a reset, a cut body)."""
        return self.enactment in ("stall", "reset", "cut")

    @property
    def retries_to_see_it(self) -> int:
        """How many SDK retries it takes to see every step of a sequence the proxy plays."""
        return len(self.steps) - 1 if self.steps and not self.not_injectable else 0

    @property
    def routes(self) -> list[Route]:
        """The routes it applies to, in the route table's order."""
        return [route for route in ROUTES if self.applies(route)]

    def corrupt(self, body: bytes) -> bytes:
        """The broken body it makes from the real one; ValueError when it breaks none."""
        if self.breaker is None:
            raise ValueError(f"scenario {self.name!r} does not corrupt a body")
        return self.breaker(body)
