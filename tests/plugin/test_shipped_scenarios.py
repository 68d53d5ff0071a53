"""Every shipped route x scenario cassette, replayed to the official SDK under --block-network.

The SDK calls each route with ids unlike the recorded ones (the shipped cassettes match
by route) and must get exactly what it would get from the real API: the typed object,
or the exception of the catalog, after its real retry path, in milliseconds.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import openai
import pytest
from openai import AsyncOpenAI, OpenAI

from vstape.api.routes import ROUTES
from vstape.cli.sdk.calls import Ids, call
from vstape.faults import catalog as faults
from vstape_pytest._shipped import Failure, replay_shipped
from vstape_pytest._vcr.cassette import IndexedCassette

CASES = [
    (route.name, name)
    for route in ROUTES
    for name in ["ok", *(s.name for s in faults.scenarios_for(route, shipped_only=True))]
]
ASYNC_ROUTES = ("get_vector_store", "search_vector_store", "create_vector_store_file_batch")
ASYNC_CASES = [case for case in CASES if case[0] in ASYNC_ROUTES]
IDS = Ids(
    vector_store_id="vs_chosen_by_the_test",
    file_id="file-chosen-by-the-test",
    batch_id="vsfb_chosen_by_the_test",
    upload_id="file-uploaded-by-the-test",
)
# The SDK's own backoff for two retries sleeps at least 0.375 + 0.75 s: a replay that
# stays under this bound did not sleep.
NO_BACKOFF_S = 1.0
# After a transport error there is no response, so no header can shorten the SDK's backoff
# (0.375-0.5 s before its first retry): those cases run with one retry, and take that long.
TRANSPORT_RETRIES = 1


def _plays() -> int:
    return sum(IndexedCassette.active[-1].index.plays)


def _check_failure(failure: Failure, error: BaseException) -> None:
    """The exception carries what the recorded response says."""
    assert isinstance(error, failure.exception), (type(error), failure)
    if isinstance(error, openai.APIStatusError):
        assert error.status_code == failure.status
        if failure.error_type is not None:
            assert error.type == failure.error_type
            assert error.code == failure.error_code
            assert error.param == failure.param
            assert failure.message and failure.message in error.message
        if "x-request-id" in failure.headers:
            assert error.request_id == failure.headers["x-request-id"]
    if failure.kind == "transport":
        assert failure.status is None
        assert isinstance(error, openai.APIConnectionError)


def _check_success(route: str, scenario: str, got: Any, result: Any) -> None:
    if scenario == "poll_sequence":
        assert result.status == got.status == "completed" or result.file_counts.in_progress == 0
        return
    data = getattr(result, "data", None)
    if data is not None:  # a page: the recorded items, in order
        assert [getattr(x, "id", getattr(x, "file_id", None)) for x in data] == [
            getattr(x, "id", getattr(x, "file_id", None)) for x in got.data
        ]
    else:
        assert result.id == got.id


def _poll(client: Any, route: str) -> Any:
    if route == "get_vector_store_file":
        return client.vector_stores.files.poll(IDS.file_id, vector_store_id=IDS.vector_store_id)
    return client.vector_stores.file_batches.poll(IDS.batch_id, vector_store_id=IDS.vector_store_id)


@pytest.mark.block_network
@pytest.mark.parametrize(("route", "scenario"), CASES, ids=[f"{r}-{s}" for r, s in CASES])
def test_sdk_gets_what_the_api_would_send(route: str, scenario: str) -> None:
    """Sync SDK, default retries: the catalog's exception or the typed object, fast."""
    entry = faults.BY_SCENARIO.get(scenario)
    transport = entry is not None and entry.transport_error is not None
    retries = TRANSPORT_RETRIES if transport else 2
    with (
        OpenAI(api_key="sk-test", max_retries=retries) as client,
        replay_shipped(route, scenario) as got,
    ):
        started = time.monotonic()
        if isinstance(got, Failure):
            with pytest.raises(got.exception) as caught:
                call(client, route, IDS)
            _check_failure(got, caught.value)
            assert _plays() == (1 + client.max_retries if got.retried else 1)
        elif scenario == "poll_sequence":
            _check_success(route, scenario, got, _poll(client, route))
            assert _plays() == len(entry.steps) if entry else False
        else:
            raw = call(client, route, IDS, raw=True)
            _check_success(route, scenario, got, raw.parse())
            assert raw.retries_taken == (2 if scenario == "retry_then_ok" else 0)
        assert time.monotonic() - started < NO_BACKOFF_S * (1 + retries if transport else 1)


@pytest.mark.block_network
@pytest.mark.parametrize(
    ("route", "scenario"), ASYNC_CASES, ids=[f"{r}-{s}" for r, s in ASYNC_CASES]
)
def test_async_sdk_gets_the_same(route: str, scenario: str) -> None:
    """AsyncOpenAI over the same cassettes: same exceptions, same objects."""

    entry = faults.BY_SCENARIO.get(scenario)
    retries = TRANSPORT_RETRIES if entry is not None and entry.transport_error else 2

    async def main() -> None:
        async with AsyncOpenAI(api_key="sk-test", max_retries=retries) as client:
            with replay_shipped(route, scenario) as got:
                if isinstance(got, Failure):
                    with pytest.raises(got.exception) as caught:
                        await call(client, route, IDS)
                    _check_failure(got, caught.value)
                else:
                    raw = await call(client, route, IDS, raw=True)
                    _check_success(route, scenario, got, raw.parse())

    asyncio.run(main())


def test_every_route_has_every_applicable_scenario() -> None:
    """The parametrization covers the catalog: >= 17 scenarios per route, every shipped cassette."""
    per_route = {r: sum(1 for route, _ in CASES if route == r) for r, _ in CASES}
    assert min(per_route.values()) >= 18  # ok + 17
    assert len(CASES) == sum(1 + len(faults.scenarios_for(r, shipped_only=True)) for r in ROUTES)
