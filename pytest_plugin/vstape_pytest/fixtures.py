"""Fixtures for every route's responses, a live emulator, and ready SDK clients.

The per-route fixtures are generated from the route names (kept here as plain strings so
that importing the plugin stays cheap; ``tests`` check them against ``vstape.api.routes``):

- ``<route>_response``: replays the shipped ``cassettes/<route>/ok.yaml`` for the test,
  matching by route template (call the SDK with any ids), and returns that response as a
  typed object (the vstape Struct of the route).
- ``<route>_failure``: runs the test once per failure scenario of the route (parametrized
  at collection, from the catalog in :mod:`vstape.faults.catalog`), replaying
  ``cassettes/<route>/<scenario>.yaml`` and returning a :class:`~vstape_pytest._shipped.Failure`.

:data:`ROUTE_FIXTURES` is the registry of the generated ones (the README's fixture table
is computed from it, by ``scripts/fixture_table.py``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from vstape_pytest._shipped import replay_shipped
from vstape_pytest.live_emulator import VectorStoreEmulatorHandle, loopback_allowed

ROUTE_NAMES: tuple[str, ...] = (
    "list_vector_stores",
    "create_vector_store",
    "get_vector_store",
    "modify_vector_store",
    "delete_vector_store",
    "list_vector_store_files",
    "create_vector_store_file",
    "get_vector_store_file",
    "delete_vector_store_file",
    "create_vector_store_file_batch",
    "get_vector_store_file_batch",
    "cancel_vector_store_file_batch",
    "list_files_in_vector_store_batch",
    "update_vector_store_file_attributes",
    "retrieve_vector_store_file_content",
    "search_vector_store",
    "upload_file",
    "list_files",
    "get_file",
    "delete_file",
)


def _response_fixture(route: str) -> Callable[..., Iterator[Any]]:
    def fixture() -> Iterator[Any]:
        with replay_shipped(route) as typed:
            yield typed

    fixture.__name__ = f"{route}_response"
    fixture.__doc__ = f"Replays cassettes/{route}/ok.yaml (any ids) and returns its response as a typed vstape object."
    return pytest.fixture(name=f"{route}_response")(fixture)


def _failure_fixture(route: str) -> Callable[..., Iterator[Any]]:
    def fixture(request: pytest.FixtureRequest) -> Iterator[Any]:
        with replay_shipped(route, request.param) as failure:
            yield failure

    fixture.__name__ = f"{route}_failure"
    fixture.__doc__ = (
        f"Runs the test once per failure scenario of {route} (cassettes/{route}/<scenario>.yaml, "
        "any ids) and returns its Failure: status, error type/code, the SDK exception expected."
    )
    return pytest.fixture(name=f"{route}_failure")(fixture)


ROUTE_FIXTURES: dict[str, tuple[str, str]] = {
    route: (f"{route}_response", f"{route}_failure") for route in ROUTE_NAMES
}
"""route -> (its response fixture, its failure fixture): the registry of the generated fixtures."""
RESPONSE_FIXTURES: dict[str, Any] = {
    response: _response_fixture(route) for route, (response, _) in ROUTE_FIXTURES.items()
}
FAILURE_FIXTURES: dict[str, Any] = {
    failure: _failure_fixture(route) for route, (_, failure) in ROUTE_FIXTURES.items()
}
FAILURE_FIXTURE_ROUTES: dict[str, str] = {
    failure: route for route, (_, failure) in ROUTE_FIXTURES.items()
}


globals().update(RESPONSE_FIXTURES)  # found by name, like any fixture of this module
globals().update(FAILURE_FIXTURES)


@pytest.fixture
def vstape_replay() -> Iterator[Callable[..., Any]]:
    """Factory: ``vstape_replay(route, scenario="ok")`` replays a shipped cassette for the rest of the test."""
    from contextlib import ExitStack

    with ExitStack() as stack:

        def start(route: str, scenario: str = "ok") -> Any:
            return stack.enter_context(replay_shipped(route, scenario))

        yield start


@pytest.fixture(scope="session")
def _vstape_emulator_server() -> Iterator[Any]:
    from vstape.emulator import Emulator
    from vstape.emulator.http_server import EmulatorServer

    server = EmulatorServer(Emulator(poll_after_ms=1))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def vector_store_emulator(
    _vstape_emulator_server: Any, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[VectorStoreEmulatorHandle]:
    """A live, stateful emulator on 127.0.0.1 (state reset per test); OPENAI_BASE_URL points at it."""
    handle = VectorStoreEmulatorHandle(_vstape_emulator_server)
    handle.reset()
    monkeypatch.setenv("OPENAI_BASE_URL", handle.url)
    monkeypatch.setenv("OPENAI_API_KEY", os.environ.get("OPENAI_API_KEY", "sk-emulator"))
    with loopback_allowed(request):
        yield handle
    handle.reset()


def _replay_http_client(asynchronous: bool) -> Any:
    """The SDK's default http client over vstape's replay transport; None (the SDK's own) without httpx2."""
    try:
        from vstape_pytest._vcr import transport
    except ImportError:  # an SDK without httpx2 (or without vcrpy): the SDK's default client
        return None
    return transport.async_http_client() if asynchronous else transport.http_client()


@pytest.fixture
def openai_client() -> Iterator[Any]:
    """An ``OpenAI`` client for the default base URL (or OPENAI_BASE_URL), no retries: ready for replay.

    Cassettes in use (``@pytest.mark.vcr``, the shipped-cassette fixtures) answer it at
    the transport, without vcrpy's stubs; anything they cannot answer goes through vcrpy.
    """
    from openai import OpenAI

    client = OpenAI(
        api_key=os.environ.get("OPENAI_API_KEY", "sk-test"),
        max_retries=0,
        http_client=_replay_http_client(asynchronous=False),
    )
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def async_openai_client() -> Any:
    """An ``AsyncOpenAI`` client for the default base URL (or OPENAI_BASE_URL), no retries.

    Replays at the transport like ``openai_client``.
    """
    from openai import AsyncOpenAI

    return AsyncOpenAI(
        api_key=os.environ.get("OPENAI_API_KEY", "sk-test"),
        max_retries=0,
        http_client=_replay_http_client(asynchronous=True),
    )
