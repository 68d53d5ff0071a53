"""Fixtures for every route's responses, a live emulator, and ready SDK clients.

The per-route fixtures are generated from the route names (kept here as plain strings so
that importing the plugin stays cheap; ``tests`` check them against ``vstape.api.routes``):

- ``<route>_response``: replays the shipped ``cassettes/<route>/ok.yaml`` for the test,
  matching by route template (call the SDK with any ids), and returns that response as a
  typed object (the vstape Struct of the route).
- ``<route>_failure``: runs the test once per failure scenario of the route (parametrized
  at collection, from the catalog in :mod:`vstape.faults.catalog`), replaying
  ``cassettes/<route>/<scenario>.yaml`` and returning a :class:`Failure`.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

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


@dataclass(frozen=True)
class Failure:
    """One failure scenario of one route, as the shipped cassette replays it.

    ``exception`` is what the official SDK raises (with its default retries); the other
    fields come from the recorded response itself, so they match what the client sees.
    """

    route: str
    scenario: str
    kind: str
    summary: str
    status: int | None
    """HTTP status the client receives; None for transport faults (no response at all)."""
    error_type: str | None
    error_code: str | None
    param: str | None
    message: str | None
    headers: dict[str, str]
    retried: bool
    """Whether the SDK retries it before raising (it is replayed each time)."""
    exception_name: str
    cassette: Path

    @property
    def exception(self) -> type[BaseException]:
        """The exception class the SDK raises: ``openai.RateLimitError``, ``json.JSONDecodeError``..."""
        module, _, name = self.exception_name.rpartition(".")
        found: type[BaseException] = getattr(importlib.import_module(module), name)
        return found

    def __str__(self) -> str:
        status = "no response" if self.status is None else str(self.status)
        code = f" {self.error_type}/{self.error_code}" if self.error_type else ""
        again = ", retried" if self.retried else ""
        return f"{self.route}/{self.scenario}: {status}{code} -> {self.exception_name}{again}"


def describe_failure(route: str, scenario: str) -> Failure:
    """The :class:`Failure` of a shipped scenario cassette (read from the cassette)."""
    import msgspec

    from vstape.cassettes.io import load
    from vstape.cassettes.shipped import shipped_path
    from vstape.faults.catalog import get

    entry = get(scenario)
    path = shipped_path(route, scenario)
    last = load(path).interactions[-1].response
    error: dict[str, Any] = {}
    try:
        decoded = msgspec.json.decode(last.body.bytes)
        if isinstance(decoded, dict) and isinstance(decoded.get("error"), dict):
            error = decoded["error"]
    except msgspec.DecodeError:
        pass
    transport = entry.kind == "transport"
    return Failure(
        route=route,
        scenario=scenario,
        kind=entry.kind,
        summary=entry.summary,
        status=None if transport else last.status.code,
        error_type=None if transport else error.get("type"),
        error_code=None if transport else error.get("code"),
        param=None if transport else error.get("param"),
        message=None if transport else error.get("message"),
        headers={} if transport else {k: v[0] for k, v in last.headers.items() if v},
        retried=entry.retried,
        exception_name=entry.exception,
        cassette=path,
    )


def failure_scenarios(route: str) -> list[str]:
    """The failure scenarios shipped for ``route`` (what ``<route>_failure`` runs over)."""
    from vstape.faults.catalog import scenarios_for

    return [s.name for s in scenarios_for(route, shipped_only=True) if s.is_failure]


@contextmanager
def replay_shipped(route: str, scenario: str = "ok") -> Iterator[Any]:
    """Replay ``cassettes/<route>/<scenario>.yaml`` by route template.

    Yields the typed response (the vstape Struct of the route) for ``ok`` and the
    sequences (their final response), a :class:`Failure` for failure scenarios.
    """
    import msgspec
    import vcr

    from vstape.api.routes import get
    from vstape.cassettes.io import load
    from vstape.cassettes.shipped import shipped_path
    from vstape.faults.catalog import BY_SCENARIO
    from vstape_pytest import vcr_setup
    from vstape_pytest.settings import Settings

    path = shipped_path(route, scenario)
    if not path.exists():
        known = ", ".join(["ok", *[s.name for s in _scenarios(route)]])
        raise FileNotFoundError(
            f"no shipped cassette {path}: {route} has the scenarios {known}; "
            "run `vstape cassettes regenerate` if one is missing"
        )
    entry = BY_SCENARIO.get(scenario)
    if entry is not None and entry.is_failure:
        result: Any = describe_failure(route, scenario)
    else:
        body = load(path).interactions[-1].response.body.bytes
        result = msgspec.json.decode(body, type=get(route).response)
    if vcr_setup.IndexedCassette.in_use:  # a cassette is in use: join it, do not hide it
        vcr_setup.IndexedCassette.in_use[-1].join(path)
        yield result
        return
    instance = vcr.VCR(record_mode="none")
    hosts = vcr_setup.CURRENT.get().hosts  # the test's own vstape_hosts count here too
    token = vcr_setup.CURRENT.set(Settings(match="route", unused="off", hosts=hosts))
    try:
        vcr_setup.configure(instance, vcr_setup.CURRENT.get())
        with instance.use_cassette(str(path)) as cassette:
            cassette.shipped_first = True  # fixtures asked for later override this one
            try:
                yield result
            finally:  # vcrpy skips _save when the body raised: leave in_use clean anyway
                if cassette in vcr_setup.IndexedCassette.in_use:
                    vcr_setup.IndexedCassette.in_use.remove(cassette)
    finally:
        vcr_setup.CURRENT.reset(token)


def _scenarios(route: str) -> list[Any]:
    from vstape.faults.catalog import scenarios_for

    return scenarios_for(route, shipped_only=True)


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


RESPONSE_FIXTURES: dict[str, Any] = {
    f"{name}_response": _response_fixture(name) for name in ROUTE_NAMES
}
FAILURE_FIXTURES: dict[str, Any] = {
    f"{name}_failure": _failure_fixture(name) for name in ROUTE_NAMES
}
FAILURE_FIXTURE_ROUTES: dict[str, str] = {f"{name}_failure": name for name in ROUTE_NAMES}


def parametrize_failures(metafunc: pytest.Metafunc) -> None:
    """Parametrize each ``<route>_failure`` a test uses over that route's failure scenarios."""
    for fixturename in metafunc.fixturenames:
        route = FAILURE_FIXTURE_ROUTES.get(fixturename)
        if route is None:
            continue
        names = failure_scenarios(route)
        metafunc.parametrize(fixturename, names, indirect=True, ids=names)


@pytest.fixture
def vstape_replay() -> Iterator[Callable[..., Any]]:
    """Factory: ``vstape_replay(route, scenario="ok")`` replays a shipped cassette for the rest of the test."""
    from contextlib import ExitStack

    with ExitStack() as stack:

        def start(route: str, scenario: str = "ok") -> Any:
            return stack.enter_context(replay_shipped(route, scenario))

        yield start


class VectorStoreEmulatorHandle:
    """The running emulator: ``url``, ``client()``, ``async_client()``, ``reset()``."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.url: str = server.url

    def reset(self) -> None:
        """Forget every object."""
        self.server.emulator.reset()

    def client(self, **options: Any) -> Any:
        """An ``OpenAI`` client pointed at the emulator."""
        from openai import OpenAI

        return OpenAI(
            **{"api_key": "sk-emulator", "base_url": self.url, "max_retries": 0, **options}
        )

    def async_client(self, **options: Any) -> Any:
        """An ``AsyncOpenAI`` client pointed at the emulator."""
        from openai import AsyncOpenAI

        return AsyncOpenAI(
            **{"api_key": "sk-emulator", "base_url": self.url, "max_retries": 0, **options}
        )


@pytest.fixture(scope="session")
def _vstape_emulator_server() -> Iterator[Any]:
    from vstape.emulator import Emulator
    from vstape.emulator.http_server import EmulatorServer

    server = EmulatorServer(Emulator(poll_after_ms=1))
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def _loopback_allowed(request: pytest.FixtureRequest) -> Iterator[None]:
    """Under ``--block-network``, let this test reach the emulator on 127.0.0.1 (only that)."""
    import socket

    try:
        from pytest_recording import network
    except ImportError:
        yield
        return
    original = getattr(network, "_original_connect", None)
    if original is None or socket.socket.connect is original:  # not blocked
        yield
        return
    hosts = list(request.getfixturevalue("allowed_hosts") or [])
    network.block(allowed_hosts=[*hosts, r"127\.0\.0\.1"])
    try:
        yield
    finally:
        network.block(allowed_hosts=hosts or None)


@pytest.fixture
def vector_store_emulator(
    _vstape_emulator_server: Any, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[VectorStoreEmulatorHandle]:
    """A live, stateful emulator on 127.0.0.1 (state reset per test); OPENAI_BASE_URL points at it."""
    handle = VectorStoreEmulatorHandle(_vstape_emulator_server)
    handle.reset()
    monkeypatch.setenv("OPENAI_BASE_URL", handle.url)
    monkeypatch.setenv("OPENAI_API_KEY", os.environ.get("OPENAI_API_KEY", "sk-emulator"))
    with _loopback_allowed(request):
        yield handle
    handle.reset()


@pytest.fixture
def openai_client() -> Iterator[Any]:
    """An ``OpenAI`` client for the default base URL (or OPENAI_BASE_URL), no retries: ready for replay."""
    from openai import OpenAI

    client = OpenAI(api_key=os.environ.get("OPENAI_API_KEY", "sk-test"), max_retries=0)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def async_openai_client() -> Any:
    """An ``AsyncOpenAI`` client for the default base URL (or OPENAI_BASE_URL), no retries."""
    from openai import AsyncOpenAI

    return AsyncOpenAI(api_key=os.environ.get("OPENAI_API_KEY", "sk-test"), max_retries=0)


def reference_markdown() -> str:
    """The README's fixture reference table, generated from the code."""
    lines = [
        "## Fixtures",
        "",
        "Installed with the plugin (`pytest --fixtures` lists them with their one-line docs).",
        "Every route has two: `<route>_response` replays `cassettes/<route>/ok.yaml` (any ids)",
        "and returns the response typed; `<route>_failure` runs the test once per failure",
        "scenario of the route (`cassettes/<route>/<scenario>.yaml`, any ids) and returns a",
        "`Failure` (see [Testing your error handling](#testing-your-error-handling)).",
        "",
        "| route | response fixture | failure fixture | failure scenarios |",
        "|---|---|---|---|",
    ]
    for name in ROUTE_NAMES:
        count = len(failure_scenarios(name))
        lines.append(f"| `{name}` | `{name}_response` | `{name}_failure` | {count} |")
    lines += [
        "",
        "| fixture | what it gives |",
        "|---|---|",
        "| `vstape_replay` | factory `vstape_replay(route, scenario='ok')`: replay any shipped cassette "
        "for the rest of the test; returns the typed response, or the `Failure` |",
        "| `vector_store_emulator` | a live stateful emulator on 127.0.0.1, reset per test, "
        "`OPENAI_BASE_URL` set; `.client()`, `.async_client()`, `.url` |",
        "| `openai_client` / `async_openai_client` | SDK clients for the default base URL, "
        "`max_retries=0` (use `.with_options(max_retries=2)` to test retries) |",
        "",
        "```python",
        "def test_my_code_reads_the_store(get_vector_store_response, openai_client):",
        '    store = openai_client.vector_stores.retrieve("vs_any_id")  # replayed, offline',
        "    assert store.id == get_vector_store_response.id",
        "",
        "def test_my_ingestion(vector_store_emulator):",
        "    client = vector_store_emulator.client()",
        '    vs = client.vector_stores.create(name="docs")  # a real, stateful API',
        "    assert [v.id for v in client.vector_stores.list()] == [vs.id]",
        "```",
    ]
    return "\n".join(lines) + "\n"
