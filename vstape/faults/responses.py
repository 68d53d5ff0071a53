"""What a fault puts on the wire: error responses, broken bodies, transport-fault stand-ins.

Pure functions over :mod:`vstape.http`: each returns a :class:`vstape.http.Response` (or the
bytes of a broken body). The catalog (:mod:`vstape.faults.catalog`) names, per scenario,
which of them it uses: its *wording* (the error envelope's message, param and code for a
route), its *breaker* (how it breaks a real body), its gateway *page*. Nothing here looks a
scenario up by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple, Protocol

from vstape.api.routes import Route
from vstape.http import Response, error_body

if TYPE_CHECKING:
    from vstape.faults.scenario import Scenario

__all__ = [
    "GATEWAY_PAGE",
    "ErrorText",
    "Wording",
    "answer",
    "cut_in_half",
    "emptied",
    "error_response",
    "names_the_bad_parameter",
    "names_the_busy_object",
    "names_the_missing_object",
    "names_the_missing_scope",
    "says_as_written",
    "says_what_cannot_be_processed",
    "stand_in",
    "unparseable",
]


class ErrorText(NamedTuple):
    """What OpenAI's error envelope says: ``message``, ``param``, ``code``."""

    message: str
    param: str | None = None
    code: str | None = None


class Wording(Protocol):
    """The envelope's text of a status scenario for one request of ``route``."""

    def __call__(
        self, scenario: Scenario, route: Route, params: Mapping[str, str], /
    ) -> ErrorText: ...


# -- wordings: the envelope's text, made for the route and the request's ids ----------------

_OBJECT = {"vector_store_id": "vector store", "file_id": "file", "batch_id": "file batch"}
_PREFIX = {"vector_store_id": "vs", "file_id": "file", "batch_id": "vsfb"}
_TOO_MANY_PROPERTIES = (
    "Invalid '{field}': too many properties. Expected an object with at most 16 "
    "properties, but got an object with 17 properties instead."
)
_BAD_PARAMETER: dict[str, tuple[str, str, str]] = {
    # route: (param, code, message)
    "create_vector_store": (
        "metadata",
        "object_above_max_properties",
        _TOO_MANY_PROPERTIES.format(field="metadata"),
    ),
    "modify_vector_store": (
        "metadata",
        "object_above_max_properties",
        _TOO_MANY_PROPERTIES.format(field="metadata"),
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
        _TOO_MANY_PROPERTIES.format(field="attributes"),
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
_BAD_LIMIT = (
    "limit",
    "integer_above_max_value",
    "Invalid 'limit': integer above maximum value. Expected a value <= 100, but got 1000 instead.",
)
_CANNOT_PROCESS = {
    "upload_file": "the uploaded file is not valid UTF-8 text.",
    "create_vector_store_file": "the file's content type is not supported for retrieval.",
    "create_vector_store_file_batch": "one of the files' content types is not supported for retrieval.",
}


def says_as_written(scenario: Scenario, route: Route, params: Mapping[str, str]) -> ErrorText:
    """The catalog's message and code, the same for every route."""
    return ErrorText(scenario.message, None, scenario.error_code)


def names_the_bad_parameter(
    scenario: Scenario, route: Route, params: Mapping[str, str]
) -> ErrorText:
    """400: the parameter a request of this route most plausibly gets wrong, and why."""
    if route.name in _BAD_PARAMETER:
        param, code, message = _BAD_PARAMETER[route.name]
    elif route.query is not None:
        param, code, message = _BAD_LIMIT
    else:
        param = route.params[-1]
        code = "invalid_value"
        message = (
            f"Invalid '{param}': '{params.get(param, 'x')}'. "
            f"Expected an ID that begins with '{_PREFIX[param]}'."
        )
    return ErrorText(message, param, code)


def names_the_missing_object(
    scenario: Scenario, route: Route, params: Mapping[str, str]
) -> ErrorText:
    """404: the id of the object the request names, in the API's words for its family."""
    last = route.params[-1]
    ident = params.get(last, "")
    if route.family == "files":
        message = f"No such File object: {ident}"
    elif last == "vector_store_id":
        message = f"No vector store found with id '{ident}'."
    else:
        store = params.get("vector_store_id", "")
        message = f"No {_OBJECT[last]} found with id '{ident}' in vector store '{store}'."
    return ErrorText(message, None, scenario.error_code)


def names_the_missing_scope(
    scenario: Scenario, route: Route, params: Mapping[str, str]
) -> ErrorText:
    """403: the API key scope the route needs (read or write)."""
    if route.family == "vector_stores":
        scope = "api.vector_stores." + ("read" if route.method == "GET" else "write")
    else:
        scope = "api.files.write"
    return ErrorText(scenario.message.format(scope=scope), None, scenario.error_code)


def names_the_busy_object(scenario: Scenario, route: Route, params: Mapping[str, str]) -> ErrorText:
    """409: the object (kind and id) another request is changing."""
    if not route.params:
        return says_as_written(scenario, route, params)
    last = route.params[-1]
    message = scenario.message.format(what=_OBJECT[last], ident=params.get(last, ""))
    return ErrorText(message, None, scenario.error_code)


def says_what_cannot_be_processed(
    scenario: Scenario, route: Route, params: Mapping[str, str]
) -> ErrorText:
    """422: what about this route's content could not be processed."""
    detail = _CANNOT_PROCESS.get(route.name, "the request's content could not be processed.")
    param = "file" if route.name == "upload_file" else None
    return ErrorText(scenario.message.format(detail=detail), param, scenario.error_code)


# -- responses ------------------------------------------------------------------------------

GATEWAY_PAGE = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n"
    b"</body>\r\n</html>\r\n"
)
"""The page a CDN in front of the API serves when the API is unreachable."""
GATEWAY_SERVER = "cloudflare"


def error_response(
    scenario: Scenario, route: Route, params: Mapping[str, str], request_id: str
) -> Response:
    """The error response of a scenario with a status: the API's envelope, or a gateway's page."""
    if scenario.status is None:
        raise ValueError(f"scenario {scenario.name!r} is not an HTTP error response")
    content_type = scenario.content_type or "application/json"
    if scenario.page:  # not the API's answer: no request id, the gateway's own name
        headers = [("content-type", content_type), ("server", GATEWAY_SERVER)]
        return Response(scenario.status, headers, scenario.page)
    text = scenario.wording(scenario, route, params)
    body = error_body(
        text.message, scenario.error_type or "invalid_request_error", text.param, text.code
    )
    headers = [("content-type", content_type), ("x-request-id", request_id), *scenario.headers]
    return Response(scenario.status, headers, body)


def stand_in(scenario: Scenario, request_id: str) -> Response:
    """What a cassette stores for a transport fault: a response stock vcrpy can replay.

    vstape itself never plays it: it raises the scenario's transport error instead. A stall
    stands in as the 504 a gateway would send, a dropped connection as a 502.
    """
    status = 504 if scenario.enactment == "stall" else 502
    message = (
        f"vstape transport fault '{scenario.name}': vstape replays this interaction as the "
        f"client's {scenario.transport_error} ({scenario.exception} in the SDK); "
        f"tools that do not know vstape see this {status} instead."
    )
    headers = [("content-type", "application/json"), ("x-request-id", request_id)]
    body = error_body(message, "vstape_transport_fault", None, scenario.name)
    return Response(status, headers, body)


def answer(
    scenario: Scenario, route: Route, params: Mapping[str, str], request_id: str
) -> Response:
    """What the proxy sends in place of the upstream's answer (``scenario.answers_in_place``)."""
    if scenario.enactment == "respond":
        return error_response(scenario, route, params, request_id)
    if scenario.enactment in ("stall", "reset"):
        return stand_in(scenario, request_id)
    raise ValueError(f"scenario {scenario.name!r} is answered by the upstream, not the proxy")


# -- breakers: a broken body, made from the real one ----------------------------------------


def cut_in_half(body: bytes) -> bytes:
    """The first half of the body (at least one byte): what a dropped connection delivers."""
    return body[: max(1, len(body) // 2)]


def emptied(body: bytes) -> bytes:
    """No body at all."""
    return b""


def unparseable(body: bytes) -> bytes:
    """The body with a trailing comma and an unquoted key: what a buggy proxy or a cut-and-paste makes."""
    text = body.rstrip()
    inner = text[:-1].rstrip() if text.endswith((b"}", b"]")) else text
    return inner + b",\n  vstape_broken: }\n"
