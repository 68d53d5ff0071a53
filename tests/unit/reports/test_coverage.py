"""The scenario a response stands for when vstape did not record one (``derive_scenario``)."""

from __future__ import annotations

import pytest

from vstape.http import error_body
from vstape.reports.coverage import derive_scenario

JSON = {"content-type": ["application/json"]}


def _error(code: str | None, kind: str = "invalid_request_error") -> bytes:
    return error_body("m", kind, None, code)


@pytest.mark.parametrize(
    ("status", "headers", "body", "scenario"),
    [
        (201, JSON, b"{}", "ok"),
        (400, JSON, _error("object_above_max_properties"), "bad_request"),
        (429, JSON, _error("rate_limit_exceeded", "requests"), "rate_limited"),
        (429, JSON, _error(None, "insufficient_quota"), "insufficient_quota"),
        (429, JSON, b"{}", "status_429"),
        (502, JSON, _error("bad_gateway", "server_error"), "bad_gateway"),
        (502, {"content-type": ["text/html"]}, b"<html></html>", "html_error_page"),
        (
            504,
            JSON,
            _error("connect_timeout", "vstape_transport_fault"),
            "connect_timeout",
        ),
        (504, JSON, _error("gateway_timeout", "server_error"), "gateway_timeout"),
        (418, JSON, b"{}", "status_418"),
    ],
)
def test_scenario_is_derived_where_unambiguous(
    status: int, headers: dict[str, list[str]], body: bytes, scenario: str
) -> None:
    """Without vstape's record: 2xx is ok, the status and error code pick a catalog scenario."""
    assert derive_scenario(status, headers, body) == scenario
