"""What happens to a response vstape replays: its fault raised, its schema checked.

- A transport fault (timeout, reset) recorded in the cassette becomes the exception the
  client's own transport (httpx2 or httpx) raises, so the SDK reacts as it would live.
- Every replayed response is validated against its route's schema (``--vstape-validate``).
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any, NamedTuple

from vstape.docs import see
from vstape.http import target_of
from vstape.validation.validate import validate_response
from vstape_pytest._vcr.convert import meta_of
from vstape_pytest.errors import ReplayWarning, VstapeReplayInvalid
from vstape_pytest.settings import Settings


class Sent(NamedTuple):
    """What these checks read of a request (a vcrpy Request has the same two attributes)."""

    method: str
    uri: str


def transport_error(fault: str, request: Any) -> Exception | None:
    """The exception the client's own transport raises for this fault (httpx2 and httpx).

    None when the fault is not a transport fault (it replays as the recorded response).
    """
    from vstape.faults.catalog import BY_SCENARIO

    scenario = BY_SCENARIO.get(fault)
    name = scenario.transport_error if scenario is not None else None
    if name is None:
        return None
    bases = tuple(
        getattr(sys.modules[module], name)
        for module in ("httpx2", "httpx")
        if module in sys.modules
    )
    message = f"vstape replayed fault {fault!r} ({scenario.summary if scenario else ''}): {request.method} {request.uri}"
    if not bases:
        return ConnectionResetError(message)
    error_type = type(f"Replayed{name}", bases, {})
    error: Exception = error_type(message)
    return error


def check(
    request: Any,
    response: dict[str, Any],
    route: str,
    settings: Settings,
    cassette_path: str | Path,
) -> None:
    """Fail (or warn about) a replayed response that violates its route's schema."""
    meta = meta_of(response)
    if meta.get("fault"):
        return  # deliberately broken bodies (malformed_json, ...) replay as recorded
    headers = {
        k: v[0] if isinstance(v, list) and v else str(v)
        for k, v in response.get("headers", {}).items()
    }
    body = response.get("body", {}).get("string", b"")
    body = body.encode() if isinstance(body, str) else body
    found = [
        v
        for v in validate_response(
            request.method, target_of(request.uri), response["status"]["code"], headers, body
        )
        if v.severity == "error"
    ]
    if not found:
        return
    message = (
        f"vstape: replayed response #{meta.get('index', '?')} of {meta.get('file', cassette_path)} "
        f"({route}, {response['status']['code']}) "
        "does not match the schema:\n"
        + "\n".join(f"  {v.path}: {v.message}" for v in found)
        + "\nFix or re-record the cassette, or pass --vstape-validate=warn. "
        + see("validation-on-replay")
    )
    if settings.validate == "error":
        raise VstapeReplayInvalid(message)
    warnings.warn(message, ReplayWarning, stacklevel=3)
