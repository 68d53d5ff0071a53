"""The failure-mode catalog, as data: what the real API (or the network) does when it fails.

Every scenario says what goes over the wire (status, OpenAI's error envelope, the
headers the SDK reads: ``x-request-id``, ``retry-after``, ``retry-after-ms``,
``x-should-retry``) or which transport error the client's HTTP stack raises, what the
official SDK turns it into, and how vstape plays it (a :class:`~vstape.faults.scenario.Scenario`
carries its behaviour). The same data drives the fault-injection addon, the shipped
cassettes, the ``<route>_failure`` fixtures and the coverage report: a new scenario is one
entry here (and its regenerated cassettes). The kinds are described at
:data:`vstape.faults.scenario.Kind`.
"""

from __future__ import annotations

from vstape.api.routes import BY_NAME, Route
from vstape.faults.responses import (
    GATEWAY_PAGE,
    cut_in_half,
    emptied,
    names_the_bad_parameter,
    names_the_busy_object,
    names_the_missing_object,
    names_the_missing_scope,
    says_what_cannot_be_processed,
    unparseable,
)
from vstape.faults.scenario import Scenario


def _changes_existing(route: Route) -> bool:
    """POST or DELETE on an existing object (a search changes nothing)."""
    return (
        route.method in ("POST", "DELETE")
        and bool(route.params)
        and route.name != "search_vector_store"
    )


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
        wording=names_the_bad_parameter,
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
        wording=names_the_missing_scope,
    ),
    Scenario(
        "not_found",
        "status",
        "404: no object with that id",
        "openai.NotFoundError",
        status=404,
        error_type="invalid_request_error",
        applies=lambda route: bool(route.params),
        wording=names_the_missing_object,
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
        wording=names_the_busy_object,
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
        applies=lambda route: (
            route.method == "POST" and (route.body is not None or route.multipart)
        ),
        wording=says_what_cannot_be_processed,
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
        enactment="stall",
    ),
    Scenario(
        "connect_timeout",
        "transport",
        "the connection is not established in time (retried, then APITimeoutError)",
        "openai.APITimeoutError",
        retried=True,
        transport_error="ConnectTimeout",
        enactment="stall",
    ),
    Scenario(
        "connection_reset",
        "transport",
        "the connection is reset before a response (retried, then APIConnectionError)",
        "openai.APIConnectionError",
        retried=True,
        transport_error="ReadError",
        enactment="reset",
    ),
    Scenario(
        "truncated_body",
        "body",
        "200 whose body stops half-way as the connection closes (retried, then APIConnectionError)",
        "openai.APIConnectionError",
        status=200,
        retried=True,
        transport_error="RemoteProtocolError",
        enactment="cut",
        breaker=cut_in_half,
        content_type=None,
    ),
    Scenario(
        "malformed_json",
        "body",
        "200 application/json whose body is not JSON (the SDK raises json.JSONDecodeError)",
        "json.JSONDecodeError",
        status=200,
        enactment="none",
        breaker=unparseable,
    ),
    Scenario(
        "empty_body",
        "body",
        "200 application/json with an empty body (the SDK raises json.JSONDecodeError)",
        "json.JSONDecodeError",
        status=200,
        enactment="none",
        breaker=emptied,
    ),
    Scenario(
        "html_error_page",
        "body",
        "502 text/html from a gateway, not the API (retried, then InternalServerError)",
        "openai.InternalServerError",
        status=502,
        retried=True,
        content_type="text/html",
        page=GATEWAY_PAGE,
    ),
    Scenario(
        "retry_then_ok",
        "sequence",
        "429, 429, then 200: the SDK's retries succeed (needs max_retries >= 2, the default)",
        "",
        steps=("rate_limited", "rate_limited", "ok"),
        enactment="none",
    ),
    Scenario(
        "poll_sequence",
        "sequence",
        "in_progress x3, then completed: what the polling helpers see",
        "",
        steps=("in_progress", "in_progress", "in_progress", "ok"),
        applies=lambda route: route.polled,
        enactment="none",
        not_injectable="the emulator's behaviour, not a fault; use `vstape record --polls N`",
    ),
    Scenario(
        "slow_response",
        "latency",
        "the normal response, after an added delay (live traffic: vstape record/replay --fault)",
        "",
        shipped=False,
        enactment="delay",
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
