"""Fuzzing (hypothesis, bounded): malformed traffic never crashes the validator or the addons.

10,000+ generated requests and responses in all: wrong types, missing and extra fields,
deep nesting, huge strings and arrays, invalid UTF-8, truncated and non-JSON bodies,
wrong content types and odd encodings.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mitmproxy.test import taddons, tflow, tutils

from vstape.api.routes import ROUTES
from vstape.cassettes.io import load
from vstape.validation.validate import validate_request, validate_response
from vstape.validation.violations import Kind, Violation
from vstape_mitmproxy.recorder import Recorder
from vstape_mitmproxy.validator import Validator

FAST = settings(deadline=None, suppress_health_check=list(HealthCheck), database=None)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=10), children, max_size=6)
    ),
    max_leaves=40,
)
FIELD_NAMES = sorted(
    {
        f
        for r in ROUTES
        for t in (r.body, r.response)
        if t is not None
        for f in getattr(t, "__struct_fields__", ())
    }
    | {"data", "object", "error", "filters", "type"}
)
shaped = st.dictionaries(st.sampled_from(FIELD_NAMES), json_values, max_size=12)


def _bodies() -> st.SearchStrategy[bytes]:
    as_json = (shaped | json_values).map(lambda v: json.dumps(v).encode())
    truncated = as_json.flatmap(lambda b: st.integers(0, max(len(b) - 1, 0)).map(lambda n: b[:n]))
    deep = st.integers(100, 3000).map(lambda n: b"[" * n + b"]" * n)
    huge = st.sampled_from(
        [b'{"name": "' + b"x" * 200_000 + b'"}', b'{"data": [' + b"1," * 50_000 + b"1]}"]
    )
    return as_json | truncated | st.binary(max_size=200) | deep | huge


content_types = st.sampled_from(
    [
        "application/json",
        "text/html",
        "",
        "application/json; charset=latin-1",
        "multipart/form-data; boundary=x",
        "application/octet-stream",
    ]
)
routes = st.sampled_from(ROUTES)


def _path(route: Any, query: str) -> str:
    return route.path(**dict.fromkeys(route.params, "id_1")) + (f"?{query}" if query else "")


async def _wait(pending: Any) -> None:
    await pending


def _check(found: list[Violation]) -> None:
    for violation in found:
        assert isinstance(violation, Violation)
        assert violation.path.startswith(("$", "query"))
        assert violation.message and "\n" not in violation.line()


# Thousands of examples: minutes on a loaded 2-core machine, so a bound above the default 300 s.
@pytest.mark.timeout(1200)
@settings(FAST, max_examples=4500)
@given(routes, _bodies(), content_types, st.text(max_size=40))
def test_requests_never_crash_the_validator(
    route: Any, body: bytes, content_type: str, query: str
) -> None:
    """Any request body, content type and query string yields violations, never an exception."""
    _check(
        validate_request(route.method, _path(route, query), {"content-type": content_type}, body)
    )


@pytest.mark.timeout(1200)
@settings(FAST, max_examples=4500)
@given(routes, st.sampled_from([200, 200, 400, 404, 429, 500]), _bodies(), content_types)
def test_responses_never_crash_the_validator(
    route: Any, status: int, body: bytes, content_type: str
) -> None:
    """Any response yields violations with paths, never an exception."""
    _check(
        validate_response(
            route.method, _path(route, ""), status, {"content-type": content_type}, body
        )
    )


@settings(FAST, max_examples=1000)
@given(st.binary(max_size=100))
def test_non_json_bodies_are_reported_as_such(junk: bytes) -> None:
    """Bytes that are not JSON are a malformed_json violation at `$`."""
    try:
        json.loads(junk)
        return
    except ValueError:
        pass
    found = validate_response(
        "GET", "/v1/vector_stores/vs_1", 200, {"content-type": "application/json"}, junk
    )
    assert [(v.kind, v.path) for v in found] == [(Kind.MALFORMED_JSON, "$")]


@settings(FAST, max_examples=400)
@given(
    routes,
    _bodies(),
    _bodies(),
    st.sampled_from([200, 400, 500]),
    st.sampled_from(["gzip", "br", "", "zstd"]),
)
def test_addons_keep_serving_and_record_every_flow(
    tmp_path_factory: Any, route: Any, req_body: bytes, resp_body: bytes, status: int, encoding: str
) -> None:
    """The validator and recorder addons handle any flow, and each is recorded as a loadable interaction."""
    folder: Path = tmp_path_factory.mktemp("fuzz")
    validator, recorder = Validator(), Recorder()
    with taddons.context(validator, recorder) as tctx:
        tctx.configure(validator, vstape_cassette=str(folder / "c.yaml"), vstape_quiet=True)
        flow = tflow.tflow(
            req=tutils.treq(
                method=route.method.encode(), path=_path(route, "").encode(), content=req_body
            )
        )
        flow.response = tutils.tresp(status_code=status, content=b"")
        flow.response.headers["content-type"] = "application/json"
        flow.response.headers["content-encoding"] = encoding
        flow.response.content = resp_body  # encoded with the declared encoding
        validator.request(flow)
        validator.response(flow)
        pending = recorder.response(flow)
        if inspect.isawaitable(pending):  # the recorder holds the flow until it is durable
            asyncio.run(_wait(pending))
        recorder.done()
    interactions = load(folder / "c.yaml").interactions
    assert len(interactions) == 1
    assert interactions[0].vstape is not None
