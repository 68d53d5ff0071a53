"""What faults put on the wire: valid error envelopes, the SDK's headers, bodies broken right."""

from __future__ import annotations

import json

import msgspec
import pytest

from vstape.api.routes import BY_NAME, ROUTES, Route
from vstape.api.schemas import ErrorResponse
from vstape.faults import responses
from vstape.faults.catalog import get, scenarios_for
from vstape.validation.validate import errors, validate_response


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_error_responses_are_valid_envelopes_for_every_route(route: Route) -> None:
    """Each status fault of each route is an ErrorResponse the validator accepts."""
    params = {p: f"{p}_123" for p in route.params}
    for scenario in scenarios_for(route):
        if scenario.kind != "status":
            continue
        wire = responses.error_response(scenario, route, params, "req_0123")
        envelope = msgspec.json.decode(wire.body, type=ErrorResponse)
        assert envelope.error.message and "{" not in envelope.error.message
        assert wire.status == scenario.status
        assert ("x-request-id", "req_0123") in wire.headers
        headers = dict(wire.headers)
        assert (
            errors(
                validate_response(
                    route.method, route.path(**params), wire.status, headers, wire.body
                )
            )
            == []
        )
        if scenario.name == "not_found":
            assert params[route.params[-1]] in envelope.error.message
        if scenario.name == "bad_request":
            assert envelope.error.param


def test_rate_limit_carries_the_retry_headers() -> None:
    """429: retry-after and retry-after-ms (the SDK reads -ms first), rate-limit headers."""
    wire = responses.error_response(get("rate_limited"), BY_NAME["get_vector_store"], {}, "r")
    headers = dict(wire.headers)
    assert headers["retry-after"] == "1" and float(headers["retry-after-ms"]) > 0
    assert headers["x-ratelimit-remaining-requests"] == "0"
    body = json.loads(wire.body)["error"]
    assert (body["type"], body["code"]) == ("requests", "rate_limit_exceeded")


def test_broken_bodies_are_broken_in_the_right_way() -> None:
    """malformed_json does not parse, truncated_body is a prefix, empty_body is empty."""
    body = b'{\n  "id": "vs_1",\n  "object": "vector_store"\n}'
    with pytest.raises(json.JSONDecodeError):
        json.loads(get("malformed_json").corrupt(body))
    truncated = get("truncated_body").corrupt(body)
    assert body.startswith(truncated) and 0 < len(truncated) < len(body)
    assert get("empty_body").corrupt(body) == b""
    with pytest.raises(ValueError, match="does not corrupt a body"):
        get("rate_limited").corrupt(body)


def test_transport_stand_ins_say_what_they_are() -> None:
    """A stand-in is a valid envelope naming the fault and the exception vstape raises."""
    wire = responses.stand_in(get("read_timeout"), "req_1")
    error = msgspec.json.decode(wire.body, type=ErrorResponse).error
    assert wire.status == 504 and error.code == "read_timeout"
    assert "ReadTimeout" in error.message and "openai.APITimeoutError" in error.message


def test_reason_phrases_do_not_depend_on_the_python_version() -> None:
    """422 is "Unprocessable Entity" as recorded, also on Python 3.13 (which renamed it)."""
    response = responses.error_response(
        get("unprocessable"), BY_NAME["create_vector_store"], {}, "r"
    )
    assert (response.status, response.reason) == (422, "Unprocessable Entity")
