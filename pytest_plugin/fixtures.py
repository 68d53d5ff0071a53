"""Fixtures for every route's responses, a live emulator, and ready SDK clients.

The per-route fixtures are generated from the route names (kept here as plain strings so
that importing the plugin stays cheap; ``tests`` check them against ``vstape.routes``):

- ``<route>_response``: replays the shipped ``cassettes/<route>/ok.yaml`` for the test,
  matching by route template (call the SDK with any ids), and returns that response as a
  typed object (the vstape Struct of the route).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


@contextmanager
def replay_shipped(route: str, scenario: str = "ok") -> Iterator[Any]:
    """Replay ``cassettes/<route>/<scenario>.yaml`` by route template; yield its typed response."""
    import msgspec
    import vcr

    from pytest_plugin import vcr_setup
    from pytest_plugin.settings import Settings
    from vstape.cassettes import load
    from vstape.routes import get
    from vstape.shipped import shipped_path

    path = shipped_path(route, scenario)
    if not path.exists():
        raise FileNotFoundError(f"no shipped cassette {path}; run `vstape cassettes regenerate`")
    cassette = load(path)
    instance = vcr.VCR(record_mode="none")
    token = vcr_setup.CURRENT.set(Settings(match="route", unused="off"))
    try:
        vcr_setup.configure(instance, vcr_setup.CURRENT.get())
        with instance.use_cassette(str(path)):
            body = cassette.interactions[0].response.body.bytes
            yield msgspec.json.decode(body, type=get(route).response)
    finally:
        vcr_setup.CURRENT.reset(token)


def _response_fixture(route: str) -> Callable[..., Iterator[Any]]:
    def fixture() -> Iterator[Any]:
        with replay_shipped(route) as typed:
            yield typed

    fixture.__name__ = f"{route}_response"
    fixture.__doc__ = f"Replays cassettes/{route}/ok.yaml (any ids) and returns its response as a typed vstape object."
    return pytest.fixture(name=f"{route}_response")(fixture)


RESPONSE_FIXTURES: dict[str, Any] = {
    f"{name}_response": _response_fixture(name) for name in ROUTE_NAMES
}


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


@pytest.fixture
def vector_store_emulator(
    _vstape_emulator_server: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[VectorStoreEmulatorHandle]:
    """A live, stateful emulator on 127.0.0.1 (state reset per test); OPENAI_BASE_URL points at it."""
    handle = VectorStoreEmulatorHandle(_vstape_emulator_server)
    handle.reset()
    monkeypatch.setenv("OPENAI_BASE_URL", handle.url)
    monkeypatch.setenv("OPENAI_API_KEY", os.environ.get("OPENAI_API_KEY", "sk-emulator"))
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
        "Installed with the plugin (`pytest --fixtures` lists them with these lines):",
        "",
        "| fixture | what it gives | cassette |",
        "|---|---|---|",
    ]
    for name in ROUTE_NAMES:
        lines.append(
            f"| `{name}_response` | replays the route's `ok` response (any ids), returns it typed | "
            f"`cassettes/{name}/ok.yaml` |"
        )
    lines += [
        "| `vstape_replay` | factory `vstape_replay(route, scenario='ok')`: replay any shipped cassette | "
        "`cassettes/<route>/<scenario>.yaml` |",
        "| `vector_store_emulator` | a live stateful emulator on 127.0.0.1, reset per test, "
        "`OPENAI_BASE_URL` set; `.client()`, `.async_client()`, `.url` | — |",
        "| `openai_client` / `async_openai_client` | SDK clients for the default base URL, no retries | — |",
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
        "",
        "Failure-mode fixtures (`<route>_failure`, the failure catalog) are not shipped yet.",
    ]
    return "\n".join(lines) + "\n"
