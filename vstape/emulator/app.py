"""The Emulator: matches a request to its route, checks auth and the request, calls the
route's handler and renders the answer, an error envelope included. It never raises.

Requests are validated exactly as the proxy validates them (:mod:`vstape.validation.validate`);
responses are encoded from the :mod:`vstape.api.schemas` Structs, so they validate too.
Every route of the table has a handler: importing this module fails otherwise.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import msgspec

from vstape.api import routes
from vstape.emulator.clock import Ids, fixed_clock, system_clock
from vstape.emulator.errors import ApiError, from_violation
from vstape.emulator.handlers import HANDLERS, Reply, unhandled_routes
from vstape.emulator.state import EmulatorState
from vstape.http import Request, Response, error_body
from vstape.validation.validate import errors as error_violations
from vstape.validation.validate import validate_request

_ENCODER = msgspec.json.Encoder()
NO_KEY = (
    "You didn't provide an API key. You need to provide your API key in an "
    "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
)

if unhandled_routes():
    raise ImportError(
        f"routes with no emulator handler: {', '.join(unhandled_routes())} "
        "(add a function decorated @handles(<route name>) in vstape/emulator/handlers/<family>.py)"
    )


class Emulator:
    """A stateful Vector Stores API. Thread-safe; ``handle`` never raises."""

    def __init__(
        self,
        *,
        seed: int | None = None,
        now: Callable[[], float] | None = None,
        processing_ms: int = 0,
        polls_to_complete: int = 1,
        poll_after_ms: int = 100,
    ) -> None:
        self.seed = seed
        self._now_factory = now
        self.processing_ms = processing_ms
        self.polls_to_complete = polls_to_complete
        self.poll_after_ms = poll_after_ms
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Forget every object and restart ids and the clock."""
        now = self._now_factory or (fixed_clock() if self.seed is not None else system_clock())
        self.state = EmulatorState(
            now=now,
            ids=Ids(self.seed),
            processing_ms=self.processing_ms,
            polls_to_complete=self.polls_to_complete,
            poll_after_ms=self.poll_after_ms,
        )

    def handle(self, request: Request) -> Response:
        """Answer one request like the real API would."""
        with self._lock:
            headers = [
                ("content-type", "application/json"),
                ("x-request-id", self.state.ids.request_id()),
            ]
            try:
                reply = self._dispatch(request)
            except ApiError as err:
                body = error_body(err.message, err.type, err.param, err.code)
                return Response(err.status, tuple(headers), body)
            except Exception as err:  # never crash the server: a 500 like the API's
                message = (
                    f"The server had an error while processing your request ({type(err).__name__})."
                )
                return Response(500, tuple(headers), error_body(message, "server_error"))
            return Response(200, (*headers, *reply.headers), _ENCODER.encode(reply.body))

    def _dispatch(self, request: Request) -> Reply:
        method = request.method.upper()
        found = routes.match(method, request.url)
        if found is None:
            raise ApiError(404, f"Invalid URL ({method} {request.path})")
        auth = request.header("authorization")
        if not auth.lower().startswith("bearer ") or not auth[7:].strip():
            raise ApiError(401, NO_KEY)
        if not found.route.multipart:  # an upload's form is read (and checked) by its handler
            problems = error_violations(
                validate_request(method, request.url, dict(request.headers), request.body)
            )
            if problems:
                raise from_violation(problems[0])
        return HANDLERS[found.route.name](self.state, request, **found.params)
