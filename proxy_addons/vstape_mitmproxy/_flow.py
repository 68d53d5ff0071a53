"""What vstape's addons share about a flow: its ``flow.metadata`` keys, and the flow as an Exchange.

- ``flow.metadata[VERDICT]``: the validator's verdict (route, family, violations, timing),
  read by the recorder.
- ``flow.metadata[FAULT]``: the fault planned for the flow (scenario, step, what to enact),
  set by the fault injector or the replayer, read by the validator, the recorder and the
  fault enactor.
"""

from __future__ import annotations

from typing import Any

from mitmproxy import http

from vstape.http import Request, Response
from vstape.recording.interaction import Exchange

VERDICT = "vstape"
FAULT = "vstape_fault"


def fault_of(flow: http.HTTPFlow) -> dict[str, Any]:
    """The fault planned for ``flow`` (``{}`` when none is)."""
    planned: dict[str, Any] = flow.metadata.get(FAULT) or {}
    return planned


def _pairs(headers: http.Headers) -> list[tuple[str, str]]:
    """``list(headers.items())`` (repeated names folded as mitmproxy folds them), faster."""
    fields = headers.fields
    if len({name.lower() for name, _ in fields}) < len(fields):
        return list(headers.items())
    return [
        (name.decode("utf-8", "surrogateescape"), value.decode("utf-8", "surrogateescape"))
        for name, value in fields
    ]


def exchange_of(
    flow: http.HTTPFlow, duration_ms: float | None = None, pretty_url: bool = False
) -> Exchange:
    """The flow as vstape's Exchange record (bodies decoded; the flow is not changed)."""
    request, response = flow.request, flow.response
    assert response is not None
    return Exchange(
        Request(
            request.method,
            request.pretty_url if pretty_url else request.url,
            _pairs(request.headers),
            request.get_content(strict=False) or b"",
        ),
        Response.as_received(
            response.status_code,
            _pairs(response.headers),
            response.get_content(strict=False) or b"",
            response.reason or "",
        ),
        duration_ms=duration_ms,
    )
