"""The failure-mode catalog, as data: what the real API (or the network) does when it fails.

Every scenario says what goes over the wire (status, OpenAI's error envelope, the
headers the SDK reads: ``x-request-id``, ``retry-after``, ``retry-after-ms``,
``x-should-retry``) or which transport error the client's HTTP stack raises, and what the
official SDK turns it into. The same data drives the fault-injection addon, the shipped
cassettes, the ``<route>_failure`` fixtures and the coverage report.

Kinds:

- ``status``: an HTTP error response in the error envelope (``rate_limited``, ...);
- ``transport``: no usable response (``read_timeout``, ``connection_reset``, ...);
- ``body``: a response whose body is broken (``malformed_json``, ``html_error_page``, ...);
- ``sequence``: several responses in order (``retry_then_ok``, ``poll_sequence``);
- ``latency``: the normal response, late (live traffic only).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import msgspec

from vstape.api.routes import BY_NAME, ROUTES, Route

Kind = Literal["status", "transport", "body", "sequence", "latency"]
TRANSPORT_ERRORS = ("ReadTimeout", "ConnectTimeout", "ReadError", "RemoteProtocolError")

__all__ = [
    "CATALOG",
    "FaultPlan",
    "FaultSpec",
    "FaultSpecError",
    "Scenario",
    "breaks_body",
    "corrupt",
    "error_response",
    "get",
    "parse_spec",
    "scenarios_for",
    "stand_in",
]


def _any(_route: Route) -> bool:
    return True


def _has_id(route: Route) -> bool:
    return bool(route.params)


def _changes_existing(route: Route) -> bool:
    return (
        route.method in ("POST", "DELETE")
        and bool(route.params)
        and route.name != "search_vector_store"
    )


def _has_body(route: Route) -> bool:
    return route.method == "POST" and (route.body is not None or route.multipart)


def _polled(route: Route) -> bool:
    return route.polled


@dataclass(frozen=True)
class Scenario:
    """One failure mode (or sequence), and what the official SDK makes of it."""

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
    retried: bool = False
    """Whether the SDK retries it (before raising ``exception``)."""
    transport_error: str | None = None
    """The httpx/httpx2 exception class the client's transport raises (transport kinds)."""
    steps: tuple[str, ...] = ()
    """Sequences: the scenario of each response in order (``ok`` for a success)."""
    applies: Callable[[Route], bool] = field(default=_any, repr=False, compare=False)
    shipped: bool = True
    """Whether ``cassettes/<route>/<name>.yaml`` exists for the routes it applies to."""

    @property
    def is_failure(self) -> bool:
        """A failure the SDK raises on (not a sequence that ends well, not mere latency)."""
        return bool(self.exception)


RATE_LIMIT_HEADERS = (
    ("retry-after", "1"),
    ("retry-after-ms", "20"),
    ("x-ratelimit-limit-requests", "300"),
    ("x-ratelimit-remaining-requests", "0"),
    ("x-ratelimit-reset-requests", "1s"),
)

CATALOG: tuple[Scenario, ...] = (
    Scenario(
        "bad_request",
        "status",
        "400: a parameter is invalid (the envelope's param names it)",
        "openai.BadRequestError",
        status=400,
        error_type="invalid_request_error",
    ),
    Scenario(
        "unauthorized",
        "status",
        "401: the API key is wrong or revoked",
        "openai.AuthenticationError",
        status=401,
        error_type="invalid_request_error",
        error_code="invalid_api_key",
        message=(
            "Incorrect API key provided. You can find your API key at "
            "https://platform.openai.com/account/api-keys."
        ),
    ),
    Scenario(
        "permission_denied",
        "status",
        "403: the key lacks the scope for this operation",
        "openai.PermissionDeniedError",
        status=403,
        error_type="invalid_request_error",
        message=(
            "You have insufficient permissions for this operation. Missing scopes: {scope}. "
            "Check that you have the correct role in your organization (Reader, Writer, Owner) "
            "and project (Member, Owner), and if you're using a restricted API key, that it has "
            "the necessary scopes."
        ),
    ),
    Scenario(
        "not_found",
        "status",
        "404: no object with that id",
        "openai.NotFoundError",
        status=404,
        error_type="invalid_request_error",
        applies=_has_id,
    ),
    Scenario(
        "conflict",
        "status",
        "409: the object is being changed by another request (retried by the SDK)",
        "openai.ConflictError",
        status=409,
        error_type="invalid_request_error",
        error_code="conflict",
        message="Another request is modifying this {what} ({ident}); retry once it has finished.",
        retried=True,
        applies=_changes_existing,
    ),
    Scenario(
        "unprocessable",
        "status",
        "422: well-formed but cannot be processed",
        "openai.UnprocessableEntityError",
        status=422,
        error_type="invalid_request_error",
        error_code="unprocessable_entity",
        message="The request was well-formed but could not be processed: {detail}",
        applies=_has_body,
    ),
    Scenario(
        "rate_limited",
        "status",
        "429 with retry-after / retry-after-ms: retried by the SDK, then raised",
        "openai.RateLimitError",
        status=429,
        error_type="requests",
        error_code="rate_limit_exceeded",
        message=(
            "Rate limit reached for vector store requests per min (RPM): Limit 300, Used 300, "
            "Requested 1. Please try again in 20ms. "
            "Visit https://platform.openai.com/account/rate-limits to learn more."
        ),
        headers=RATE_LIMIT_HEADERS,
        retried=True,
    ),
    Scenario(
        "insufficient_quota",
        "status",
        "429 insufficient_quota with x-should-retry: false: raised at once",
        "openai.RateLimitError",
        status=429,
        error_type="insufficient_quota",
        error_code="insufficient_quota",
        message=(
            "You exceeded your current quota, please check your plan and billing details. "
            "For more information on this error, read the docs: "
            "https://platform.openai.com/docs/guides/error-codes/api-errors."
        ),
        headers=(("x-should-retry", "false"),),
    ),
    Scenario(
        "server_error",
        "status",
        "500: the API failed (retried by the SDK)",
        "openai.InternalServerError",
        status=500,
        error_type="server_error",
        message=(
            "The server had an error while processing your request. Sorry about that! "
            "You can retry your request, or contact us through our help center at "
            "help.openai.com if the error persists."
        ),
        retried=True,
    ),
    Scenario(
        "bad_gateway",
        "status",
        "502 in the error envelope (retried by the SDK)",
        "openai.InternalServerError",
        status=502,
        error_type="server_error",
        error_code="bad_gateway",
        message="Bad gateway.",
        retried=True,
    ),
    Scenario(
        "service_unavailable",
        "status",
        "503 with retry-after: the API is overloaded (retried by the SDK)",
        "openai.InternalServerError",
        status=503,
        error_type="server_error",
        error_code="service_unavailable",
        message="The server is overloaded or not ready yet.",
        headers=(("retry-after", "1"),),
        retried=True,
    ),
    Scenario(
        "gateway_timeout",
        "status",
        "504: the API did not answer its gateway in time (retried by the SDK)",
        "openai.InternalServerError",
        status=504,
        error_type="server_error",
        error_code="gateway_timeout",
        message="Gateway timeout.",
        retried=True,
    ),
    Scenario(
        "read_timeout",
        "transport",
        "no response before the client's read timeout (retried, then APITimeoutError)",
        "openai.APITimeoutError",
        retried=True,
        transport_error="ReadTimeout",
    ),
    Scenario(
        "connect_timeout",
        "transport",
        "the connection is not established in time (retried, then APITimeoutError)",
        "openai.APITimeoutError",
        retried=True,
        transport_error="ConnectTimeout",
    ),
    Scenario(
        "connection_reset",
        "transport",
        "the connection is reset before a response (retried, then APIConnectionError)",
        "openai.APIConnectionError",
        retried=True,
        transport_error="ReadError",
    ),
    Scenario(
        "truncated_body",
        "body",
        "200 whose body stops half-way as the connection closes (retried, then APIConnectionError)",
        "openai.APIConnectionError",
        status=200,
        retried=True,
        transport_error="RemoteProtocolError",
    ),
    Scenario(
        "malformed_json",
        "body",
        "200 application/json whose body is not JSON (the SDK raises json.JSONDecodeError)",
        "json.JSONDecodeError",
        status=200,
    ),
    Scenario(
        "empty_body",
        "body",
        "200 application/json with an empty body (the SDK raises json.JSONDecodeError)",
        "json.JSONDecodeError",
        status=200,
    ),
    Scenario(
        "html_error_page",
        "body",
        "502 text/html from a gateway, not the API (retried, then InternalServerError)",
        "openai.InternalServerError",
        status=502,
        retried=True,
    ),
    Scenario(
        "retry_then_ok",
        "sequence",
        "429, 429, then 200: the SDK's retries succeed (needs max_retries >= 2, the default)",
        "",
        steps=("rate_limited", "rate_limited", "ok"),
    ),
    Scenario(
        "poll_sequence",
        "sequence",
        "in_progress x3, then completed: what the polling helpers see",
        "",
        steps=("in_progress", "in_progress", "in_progress", "ok"),
        applies=_polled,
    ),
    Scenario(
        "slow_response",
        "latency",
        "the normal response, after an added delay (live traffic: vstape record/replay --fault)",
        "",
        shipped=False,
    ),
)

BY_SCENARIO: dict[str, Scenario] = {s.name: s for s in CATALOG}


def get(name: str) -> Scenario:
    """The scenario called ``name``; a KeyError lists the valid names."""
    try:
        return BY_SCENARIO[name]
    except KeyError:
        raise KeyError(
            f"unknown scenario {name!r}; valid scenarios: {', '.join(BY_SCENARIO)}"
        ) from None


def breaks_body(fault: str | None) -> bool:
    """Whether ``fault`` (a scenario name, as in ``vstape.fault``) breaks the response body
    on purpose (``malformed_json``, ``truncated_body``...): not a schema violation."""
    scenario = BY_SCENARIO.get(fault or "")
    return scenario is not None and scenario.kind == "body"


def scenarios_for(route: Route | str, *, shipped_only: bool = False) -> list[Scenario]:
    """The scenarios that apply to ``route``, in catalog order."""
    found = BY_NAME[route] if isinstance(route, str) else route
    return [s for s in CATALOG if s.applies(found) and (s.shipped or not shipped_only)]


# -- wire content ----------------------------------------------------------------------------

_OBJECT = {"vector_store_id": "vector store", "file_id": "file", "batch_id": "file batch"}
_PREFIX = {"vector_store_id": "vs", "file_id": "file", "batch_id": "vsfb"}
_BAD_REQUEST: dict[str, tuple[str, str, str]] = {
    # route: (param, code, message)
    "create_vector_store": (
        "metadata",
        "object_above_max_properties",
        "Invalid 'metadata': too many properties. Expected an object with at most 16 "
        "properties, but got an object with 17 properties instead.",
    ),
    "modify_vector_store": (
        "metadata",
        "object_above_max_properties",
        "Invalid 'metadata': too many properties. Expected an object with at most 16 "
        "properties, but got an object with 17 properties instead.",
    ),
    "create_vector_store_file": (
        "file_id",
        "missing_required_parameter",
        "Missing required parameter: 'file_id'.",
    ),
    "create_vector_store_file_batch": (
        "file_ids",
        "array_above_max_length",
        "Invalid 'file_ids': array too long. Expected an array with maximum length 500, "
        "but got an array with length 501 instead.",
    ),
    "update_vector_store_file_attributes": (
        "attributes",
        "object_above_max_properties",
        "Invalid 'attributes': too many properties. Expected an object with at most 16 "
        "properties, but got an object with 17 properties instead.",
    ),
    "search_vector_store": (
        "max_num_results",
        "integer_above_max_value",
        "Invalid 'max_num_results': integer above maximum value. Expected a value <= 50, "
        "but got 99 instead.",
    ),
    "upload_file": (
        "purpose",
        "missing_required_parameter",
        "Missing required parameter: 'purpose'.",
    ),
}
_UNPROCESSABLE = {
    "upload_file": "the uploaded file is not valid UTF-8 text.",
    "create_vector_store_file": "the file's content type is not supported for retrieval.",
    "create_vector_store_file_batch": "one of the files' content types is not supported for retrieval.",
}


def _bad_request(route: Route, params: Mapping[str, str]) -> tuple[str, str, str]:
    if route.name in _BAD_REQUEST:
        return _BAD_REQUEST[route.name]
    if route.query is not None:
        return (
            "limit",
            "integer_above_max_value",
            "Invalid 'limit': integer above maximum value. Expected a value <= 100, "
            "but got 1000 instead.",
        )
    param = route.params[-1]
    value = params.get(param, "x")
    return (
        param,
        "invalid_value",
        f"Invalid '{param}': '{value}'. Expected an ID that begins with '{_PREFIX[param]}'.",
    )


def _not_found(route: Route, params: Mapping[str, str]) -> str:
    last = route.params[-1]
    ident = params.get(last, "")
    if route.family == "files":
        return f"No such File object: {ident}"
    if last == "vector_store_id":
        return f"No vector store found with id '{ident}'."
    store = params.get("vector_store_id", "")
    return f"No {_OBJECT[last]} found with id '{ident}' in vector store '{store}'."


def _envelope(message: str, type_: str, param: str | None, code: str | None) -> bytes:
    error = {"message": message, "type": type_, "param": param, "code": code}
    return msgspec.json.encode({"error": error})


HTML_ERROR_PAGE = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


@dataclass(frozen=True)
class Wire:
    """A response to put on the wire: status, reason, headers, body."""

    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes


_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def reason(status: int) -> str:
    """The reason phrase of a status."""
    return _REASONS.get(status, "")


def error_response(
    scenario: Scenario, route: Route, params: Mapping[str, str], request_id: str
) -> Wire:
    """The response the API sends for a ``status`` scenario (or ``html_error_page``)."""
    if scenario.name == "html_error_page":
        headers = [("content-type", "text/html"), ("server", "cloudflare")]
        return Wire(502, reason(502), headers, HTML_ERROR_PAGE)
    if scenario.kind != "status" or scenario.status is None:
        raise ValueError(f"scenario {scenario.name!r} is not an HTTP error response")
    param, code = None, scenario.error_code
    message = scenario.message
    last = route.params[-1] if route.params else None
    if scenario.name == "bad_request":
        param, code, message = _bad_request(route, params)
    elif scenario.name == "not_found":
        message = _not_found(route, params)
    elif scenario.name == "permission_denied":
        scope = "api.vector_stores." + ("read" if route.method == "GET" else "write")
        message = message.format(
            scope=scope if route.family == "vector_stores" else "api.files.write"
        )
    elif scenario.name == "conflict" and last is not None:
        message = message.format(what=_OBJECT[last], ident=params.get(last, ""))
    elif scenario.name == "unprocessable":
        param = "file" if route.name == "upload_file" else None
        message = message.format(
            detail=_UNPROCESSABLE.get(route.name, "the request's content could not be processed.")
        )
    headers = [
        ("content-type", "application/json"),
        ("x-request-id", request_id),
        *scenario.headers,
    ]
    body = _envelope(message, scenario.error_type or "invalid_request_error", param, code)
    return Wire(scenario.status, reason(scenario.status), headers, body)


def corrupt(scenario: Scenario, body: bytes) -> bytes:
    """The broken body of a ``body`` scenario, made from the real one."""
    if scenario.name == "empty_body":
        return b""
    if scenario.name == "truncated_body":
        return body[: max(1, len(body) // 2)]
    if scenario.name == "malformed_json":
        # A trailing comma and an unquoted key: what a buggy proxy or a cut-and-paste makes.
        text = body.rstrip()
        inner = text[:-1].rstrip() if text.endswith((b"}", b"]")) else text
        return inner + b",\n  vstape_broken: }\n"
    if scenario.name == "html_error_page":
        return HTML_ERROR_PAGE
    raise ValueError(f"scenario {scenario.name!r} does not corrupt a body")


def stand_in(scenario: Scenario, request_id: str) -> Wire:
    """What a cassette stores for a transport fault: a response stock vcrpy can replay.

    vstape itself never plays it: it raises the scenario's transport error instead.
    """
    status = 504 if "timeout" in scenario.name else 502
    message = (
        f"vstape transport fault '{scenario.name}': vstape replays this interaction as the "
        f"client's {scenario.transport_error} ({scenario.exception} in the SDK); "
        f"tools that do not know vstape see this {status} instead."
    )
    headers = [("content-type", "application/json"), ("x-request-id", request_id)]
    body = _envelope(message, "vstape_transport_fault", None, scenario.name)
    return Wire(status, reason(status), headers, body)


# -- fault specs: ROUTE:SCENARIO[:every N | :rate P] --------------------------------------------


class FaultSpecError(ValueError):
    """A ``--fault`` value that cannot be used: says what is wrong and the valid forms."""


SPEC_FORMS = "ROUTE:SCENARIO, ROUTE:SCENARIO:every N or ROUTE:SCENARIO:rate P (ROUTE may be *)"


@dataclass(frozen=True)
class FaultSpec:
    """Inject ``scenario`` into requests of ``route`` (``*``: every route it applies to)."""

    route: str
    scenario: Scenario
    every: int = 1
    rate: float | None = None

    def covers(self, route: Route) -> bool:
        """Whether requests of ``route`` are candidates for this fault."""
        return (self.route == "*" or self.route == route.name) and self.scenario.applies(route)

    def text(self) -> str:
        """The spec as the user wrote it (normalized)."""
        tail = (
            f":rate {self.rate:g}"
            if self.rate is not None
            else (f":every {self.every}" if self.every != 1 else "")
        )
        return f"{self.route}:{self.scenario.name}{tail}"


_MODIFIER = re.compile(r"^(every|rate)[ =]?(\S+)$")


def parse_spec(value: str) -> FaultSpec:
    """``ROUTE:SCENARIO[:every N | :rate P]`` -> FaultSpec; FaultSpecError says what is wrong."""
    parts = [p.strip() for p in value.split(":")]
    if len(parts) not in (2, 3) or not all(parts):
        raise FaultSpecError(f"--fault {value!r}: expected {SPEC_FORMS}")
    route_name, scenario_name = parts[0], parts[1]
    if route_name != "*" and route_name not in BY_NAME:
        raise FaultSpecError(
            f"--fault {value!r}: unknown route {route_name!r}; valid routes: * or "
            + ", ".join(r.name for r in ROUTES)
        )
    if scenario_name not in BY_SCENARIO:
        raise FaultSpecError(
            f"--fault {value!r}: unknown scenario {scenario_name!r}; valid scenarios: "
            + ", ".join(
                s.name for s in CATALOG if s.kind != "sequence" or s.name == "retry_then_ok"
            )
        )
    scenario = BY_SCENARIO[scenario_name]
    if scenario.name == "poll_sequence":
        raise FaultSpecError(
            f"--fault {value!r}: poll_sequence is the emulator's behaviour, not a fault; "
            "use `vstape record --polls N`"
        )
    if route_name != "*" and not scenario.applies(BY_NAME[route_name]):
        raise FaultSpecError(
            f"--fault {value!r}: {scenario_name} does not apply to {route_name}; it applies to: "
            + ", ".join(r.name for r in ROUTES if scenario.applies(r))
        )
    if len(parts) == 2:
        return FaultSpec(route_name, scenario)
    found = _MODIFIER.match(parts[2])
    if not found:
        raise FaultSpecError(f"--fault {value!r}: {parts[2]!r} is not 'every N' or 'rate P'")
    word, number = found.groups()
    try:
        if word == "every":
            every = int(number)
            if every < 1:
                raise ValueError
            return FaultSpec(route_name, scenario, every=every)
        rate = float(number)
        if not 0.0 <= rate <= 1.0:
            raise ValueError
        return FaultSpec(route_name, scenario, rate=rate)
    except ValueError:
        expected = "an integer >= 1" if word == "every" else "a probability between 0 and 1"
        raise FaultSpecError(f"--fault {value!r}: {word} {number!r}: expected {expected}") from None


@dataclass
class FaultPlan:
    """Decides, request by request, which fault (if any) a request gets. Seeded.

    ``every N`` injects into the 1st, (N+1)th, (2N+1)th... candidate request, so a
    client that retries once gets through when N >= 2. ``rate P`` injects at random
    with probability P. A sequence (``retry_then_ok``) plays its steps in a cycle, counted
    per route.
    """

    specs: list[FaultSpec]
    seed: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    _random: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def decide(
        self, route: Route, requested: str | None = None, attempt: int | None = None
    ) -> tuple[Scenario, str] | None:
        """The scenario and the step to play for this request of ``route``, or None.

        ``requested`` is a scenario asked for by the request itself (the
        ``x-vstape-fault`` header); it wins over the specs. The step is the scenario's
        name, or for a sequence the member scenario of this request (``ok``: pass it on).
        ``attempt`` is the request's retry number when the client says it (the official
        SDKs send ``x-stainless-retry-count``): a sequence then plays the step of that
        attempt, whatever other clients do; without it, steps are counted per route.
        """
        if requested == "poll_sequence":  # a label: the upstream itself answers in_progress
            return get(requested), "ok"
        if requested:
            return self._step(f"header:{requested}:{route.name}", get(requested), attempt)
        for position, spec in enumerate(self.specs):
            if not spec.covers(route):
                continue
            if spec.scenario.kind == "sequence":
                return self._step(f"spec{position}:{route.name}", spec.scenario, attempt)
            key = f"spec{position}"
            count = self.counts.get(key, 0)
            self.counts[key] = count + 1
            if spec.rate is not None:
                if self._random.random() < spec.rate:
                    return spec.scenario, spec.scenario.name
                continue
            if count % spec.every == 0:
                return spec.scenario, spec.scenario.name
        return None

    def _step(self, key: str, scenario: Scenario, attempt: int | None) -> tuple[Scenario, str]:
        if scenario.kind != "sequence":
            return scenario, scenario.name
        if attempt is not None and attempt >= 0:
            return scenario, scenario.steps[min(attempt, len(scenario.steps) - 1)]
        count = self.counts.get(key, 0)
        self.counts[key] = count + 1
        return scenario, scenario.steps[count % len(scenario.steps)]
