"""The route table drives every route addition: each route of ``ROUTES`` has all it needs.

For every route: wire types as the table declares them, an emulator handler, an SDK call
that sends exactly this route's request, a ``<route>_response`` / ``<route>_failure``
fixture pair in the pytest plugin, and a shipped ``cassettes/<route>/ok.yaml``. Nothing
here is counted by hand: the parametrization is the table.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import httpx2
import msgspec
import msgspec.inspect as mi
import openai
import pytest

from vstape.api import schemas as s
from vstape.api.routes import BY_NAME, ROUTES, VS, Route, match
from vstape.cassettes.shipped import shipped_path
from vstape.cli.sdk.calls import ARGUMENTS, call
from vstape.emulator import Emulator
from vstape.emulator.handlers import HANDLERS, unhandled_routes
from vstape.emulator.handlers.registry import handles
from vstape.emulator.transport import EmulatorTransport
from vstape_pytest.fixtures import FAILURE_FIXTURES, RESPONSE_FIXTURES

NAMES = [r.name for r in ROUTES]
BY_ROUTE = pytest.mark.parametrize("route", ROUTES, ids=NAMES)


def _is_struct(type_: Any) -> bool:
    return isinstance(mi.type_info(type_), mi.StructType)


@BY_ROUTE
def test_the_wire_types_are_as_the_table_says(route: Route) -> None:
    """A Struct response; a Struct body and query where the table has one (and only there)."""
    assert _is_struct(route.response), route.response
    for declared in (route.body, route.query):
        assert declared is None or _is_struct(declared), declared
    assert route.body is None or route.method == "POST"
    assert route.query is None or route.method == "GET"
    assert not route.multipart or route.body is not None
    msgspec.json.Decoder(route.response)  # every type decodes (no unsupported annotation)


@BY_ROUTE
def test_the_template_matches_this_route_and_its_params(route: Route) -> None:
    """The route's own path, with any ids, is matched back to it with those ids."""
    params = {name: f"{name}_1" for name in route.params}
    found = match(route.method, route.path(**params))
    assert found is not None and (found.route.name, found.params) == (route.name, params)


@BY_ROUTE
def test_the_emulator_has_a_handler(route: Route) -> None:
    """The registry answers this route (a missing one would be a 500 at run time)."""
    assert route.name in HANDLERS, f"add @handles({route.name!r}) in vstape/emulator/handlers/"


def test_the_handlers_are_exactly_the_routes() -> None:
    """No route without a handler, no handler for a route the table does not have."""
    assert unhandled_routes() == []
    assert sorted(HANDLERS) == sorted(NAMES)


def test_a_route_without_a_handler_is_named() -> None:
    """A route added to the table alone is listed, and the emulator refuses to be imported."""
    stats = Route("get_vector_store_unhandled", "GET", VS + "/unhandled", s.VectorStore)
    assert unhandled_routes(HANDLERS, (*ROUTES, stats)) == ["get_vector_store_unhandled"]
    assert unhandled_routes(set(HANDLERS) - {"get_file"}) == ["get_file"]
    added = (
        "from vstape.api import routes, schemas; "
        "routes.ROUTES += (routes.Route('get_vector_store_unhandled', 'GET', routes.VS + '/unhandled', "
        "schemas.VectorStore),); "
        "import vstape.emulator"
    )
    done = subprocess.run([sys.executable, "-c", added], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "ImportError: routes with no emulator handler: get_vector_store_unhandled" in done.stderr


def test_a_handler_for_an_unknown_route_fails_at_once() -> None:
    """``@handles`` with a name the table does not know is a KeyError listing the valid ones."""
    with pytest.raises(KeyError, match="valid routes: list_vector_stores"):
        handles("get_vectorstore")


class _Seen(httpx2.BaseTransport):
    """Answers from the emulator and keeps each request's method and raw path."""

    def __init__(self) -> None:
        self.inner = EmulatorTransport(Emulator(seed=1))
        self.seen: list[tuple[str, str]] = []

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        self.seen.append((request.method, request.url.raw_path.decode()))
        return self.inner.handle_request(request)


@BY_ROUTE
def test_the_sdk_call_sends_this_routes_request(route: Route) -> None:
    """``vstape.cli.sdk.calls`` has the call, and the official SDK sends it to this route."""
    assert route.name in ARGUMENTS and route.sdk_method, (
        f"{route.name}: no SDK call; add one to ARGUMENTS in vstape/cli/sdk/calls.py "
        "and the route's sdk_method in vstape/api/routes.py"
    )
    transport = _Seen()
    with openai.OpenAI(
        api_key="sk-test",
        base_url="http://emulator/v1",
        max_retries=0,
        http_client=httpx2.Client(transport=transport),
    ) as client:
        try:
            call(client, route.name)
        except openai.APIStatusError:
            pass  # the default ids name no object: a 404 is still this route's request
    assert len(transport.seen) == 1, transport.seen
    method, path = transport.seen[0]
    found = match(method, path)
    assert found is not None and found.route.name == route.name, (method, path)


def test_the_sdk_calls_are_exactly_the_routes() -> None:
    """No SDK call for a route the table does not have."""
    assert sorted(ARGUMENTS) == sorted(NAMES)


@BY_ROUTE
def test_the_plugin_has_the_fixture_pair(route: Route) -> None:
    """``<route>_response`` and ``<route>_failure`` are fixtures of the pytest plugin."""
    where = "add the route's name to ROUTE_NAMES in pytest_plugin/vstape_pytest/fixtures.py"
    assert f"{route.name}_response" in RESPONSE_FIXTURES, where
    assert f"{route.name}_failure" in FAILURE_FIXTURES, where


def test_the_fixture_pairs_are_exactly_the_routes() -> None:
    """No fixture pair for a route the table does not have."""
    assert sorted(RESPONSE_FIXTURES) == sorted(f"{n}_response" for n in NAMES)
    assert sorted(FAILURE_FIXTURES) == sorted(f"{n}_failure" for n in NAMES)


@BY_ROUTE
def test_the_ok_cassette_is_shipped(route: Route) -> None:
    """``cassettes/<route>/ok.yaml`` is shipped (``vstape cassettes regenerate`` writes it)."""
    assert shipped_path(route.name).is_file(), "run `vstape cassettes regenerate`"


def test_route_names_are_unique() -> None:
    """One name, one route: the name is the key of every table above."""
    assert len(BY_NAME) == len(ROUTES)
