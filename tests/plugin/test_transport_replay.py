"""The fixture clients replay at the transport (no vcrpy stub); other clients keep going through vcrpy.

A spy counts calls of vcrpy's own httpx stub (``vcr.stubs.httpx_stubs._vcr_request``),
the function every request intercepted by vcrpy passes through: zero for the
``openai_client`` / ``async_openai_client`` requests a cassette answers, one per request
for a client the test builds itself. Answers, sequences, faults, validation and the
error on a miss are the same either way.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.plugin.cassette_factory import record

pytest_plugins = ["pytester"]

SPY = """
import pytest
import vcr.stubs.httpx_stubs as stubs

CALLS = []
_real = stubs._vcr_request


def _spy(cassette, real_request, *args, **kwargs):
    CALLS.append(str(real_request.url))
    return _real(cassette, real_request, *args, **kwargs)


@pytest.fixture
def vcrpy_calls(monkeypatch):
    CALLS.clear()
    monkeypatch.setattr(stubs, "_vcr_request", _spy)
    return CALLS
"""


def _run(pytester: pytest.Pytester, body: str, *args: str) -> pytest.RunResult:
    pytester.makeconftest(SPY)
    pytester.makepyfile(textwrap.dedent(body))
    pytester.makeini(
        "[pytest]\nasyncio_default_fixture_loop_scope = function\nfilterwarnings =\n"
        "    ignore::pytest.PytestRemovedIn10Warning\n"
    )
    return pytester.runpytest_subprocess(*args)


def test_fixture_clients_skip_vcrpy_and_answer_the_same(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    """Shipped fixtures and a vcr cassette answer the fixture clients without vcrpy's stub."""
    folder = tmp_path / "cassettes"
    folder.mkdir()
    record(
        folder / "mine.yaml",
        lambda c: [c.vector_stores.create(name="mine"), c.vector_stores.create(name="mine")],
    )
    result = _run(
        pytester,
        f"""
        import asyncio
        import openai
        import pytest

        @pytest.fixture(scope="module")
        def vcr_cassette_dir():
            return {str(folder)!r}

        def test_shipped(get_vector_store_response, openai_client, vcrpy_calls):
            assert openai_client.vector_stores.retrieve("vs_a").id == get_vector_store_response.id
            assert vcrpy_calls == []
            raw = openai.OpenAI(api_key="sk-x", max_retries=0)
            assert raw.vector_stores.retrieve("vs_b").id == get_vector_store_response.id
            assert len(vcrpy_calls) == 1  # a client the test built: vcrpy's path, same answer

        def test_async(list_vector_store_files_response, async_openai_client, vcrpy_calls):
            async def go():
                async with async_openai_client as c:
                    return [f.id async for f in c.vector_stores.files.list("vs_x")]
            ids = asyncio.run(go())
            assert ids[: len(list_vector_store_files_response.data)] == [
                f.id for f in list_vector_store_files_response.data
            ]
            assert vcrpy_calls == []

        @pytest.mark.vcr("mine.yaml")
        def test_users_cassette_in_order(openai_client, vcrpy_calls):
            first = openai_client.vector_stores.create(name="mine")
            raw = openai.OpenAI(api_key="sk-x", max_retries=0)
            second = raw.vector_stores.create(name="mine")  # one sequence across both clients
            assert first.id != second.id and len(vcrpy_calls) == 1

        def test_transport_fault(get_vector_store_failure, openai_client, vcrpy_calls):
            with pytest.raises(get_vector_store_failure.exception):
                openai_client.vector_stores.retrieve("vs_any")
            assert vcrpy_calls == []
        """,
        "--block-network",
        "--record-mode=none",
        "-k",
        "shipped or async or order or (transport_fault and (read_timeout or rate_limited))",
    )
    result.assert_outcomes(passed=5)


def test_a_miss_says_the_same_through_either_client(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    """A request the cassette does not hold fails with vstape's explained miss, whichever client sent it."""
    folder = tmp_path / "cassettes"
    folder.mkdir()
    record(folder / "mine.yaml", lambda c: c.vector_stores.create(name="mine"))
    result = _run(
        pytester,
        f"""
        import openai
        import pytest
        from vstape_pytest.errors import VstapeReplayMiss

        @pytest.fixture(scope="module")
        def vcr_cassette_dir():
            return {str(folder)!r}

        @pytest.mark.vcr("mine.yaml")
        def test_miss(openai_client):
            raw = openai.OpenAI(api_key="sk-x", max_retries=0)
            messages = []
            for client in (openai_client, raw):
                with pytest.raises(VstapeReplayMiss) as caught:
                    client.vector_stores.create(name="other")
                messages.append(str(caught.value))
            assert messages[0] == messages[1]
            assert "no recorded response for POST /v1/vector_stores" in messages[0]
            assert "sent 'other', recorded 'mine'" in messages[0]
        """,
        "--block-network",
        "--record-mode=none",
    )
    result.assert_outcomes(passed=1)


def test_the_fixture_client_records_through_vcrpy(pytester: pytest.Pytester) -> None:
    """What no cassette answers goes through vcrpy: recorded (against the emulator), then replayed."""
    body = """
        import pytest

        @pytest.mark.vcr
        def test_record(vector_store_emulator, openai_client, vcrpy_calls):
            store = openai_client.vector_stores.create(name="recorded")
            assert openai_client.vector_stores.retrieve(store.id).name == "recorded"
            assert len(vcrpy_calls) == 2
        """
    first = _run(pytester, body, "--record-mode=once")
    first.assert_outcomes(passed=1)
    (cassette,) = (pytester.path / "cassettes").rglob("*.yaml")
    text = cassette.read_text()
    assert text.count("uri: https://api.openai.com/v1/vector_stores") == 2  # host normalized
    replayed = _run(
        pytester,
        body.replace("assert len(vcrpy_calls) == 2", "assert vcrpy_calls == []"),
        "--record-mode=none",
        "--block-network",
    )
    replayed.assert_outcomes(passed=1)
