"""The per-route fixtures, the emulator fixture and the client fixtures, as a user writes them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from scripts.fixture_table import markdown as fixture_table
from vstape.api.routes import BY_NAME
from vstape.cassettes.shipped import shipped_dir, shipped_path
from vstape.cli.cassettes import check
from vstape_pytest.fixtures import ROUTE_NAMES

pytest_plugins = ["pytester"]
ROOT = Path(__file__).resolve().parents[2]


def test_route_names_match_the_route_table() -> None:
    """The plugin's route names (kept static for a cheap import) are exactly the route table's."""
    assert tuple(BY_NAME) == ROUTE_NAMES


def test_every_route_has_a_shipped_ok_cassette() -> None:
    """`vstape cassettes regenerate` has produced an ok cassette for each route."""
    assert [name for name in ROUTE_NAMES if not shipped_path(name).exists()] == []


def test_shipped_cassettes_validate() -> None:
    """Every shipped cassette loads and its responses match the schemas (`vstape cassettes check`)."""
    assert check(shipped_dir()) == []


def test_readme_fixture_table_is_generated_from_code() -> None:
    """docs/readme/fixtures.md is exactly what scripts/fixture_table.py computes from the registry."""
    assert (ROOT / "docs" / "readme" / "fixtures.md").read_text() == fixture_table()


def _run(
    pytester: pytest.Pytester, body: str, *args: str, subprocess: bool = False
) -> pytest.RunResult:
    """Run a user's test file. ``subprocess`` for tests that make real HTTP connections:
    in-process, pytester drops the modules the run imported (httpcore2 among them, loaded
    on the first connection) while httpx2 keeps its exception map built from them, and
    later tests in this worker would see raw httpcore2 errors."""
    pytester.makepyfile(textwrap.dedent(body))
    pytester.makeini(
        "[pytest]\nasyncio_default_fixture_loop_scope = function\nfilterwarnings =\n    ignore::pytest.PytestRemovedIn10Warning\n"
    )
    if subprocess:
        return pytester.runpytest_subprocess(*args)
    return pytester.runpytest(*args)


def test_response_fixtures_replay_with_any_ids(pytester: pytest.Pytester) -> None:
    """`get_vector_store_response` and friends answer the SDK whatever ids it uses, offline."""
    result = _run(
        pytester,
        """
        import asyncio
        from openai import AsyncOpenAI

        def test_retrieve(get_vector_store_response, openai_client):
            store = openai_client.vector_stores.retrieve("vs_made_up_by_the_test")
            assert store.id == get_vector_store_response.id
            assert store.file_counts.total == get_vector_store_response.file_counts.total

        def test_search(search_vector_store_response, openai_client):
            page = openai_client.vector_stores.search("vs_other", query="anything at all")
            assert [r.file_id for r in page.data] == [r.file_id for r in search_vector_store_response.data]

        def test_async_list(list_vector_store_files_response, async_openai_client):
            async def go():
                async with async_openai_client as c:
                    return [f.id async for f in c.vector_stores.files.list("vs_x")]
            ids = asyncio.run(go())
            assert ids[: len(list_vector_store_files_response.data)] == [f.id for f in list_vector_store_files_response.data]

        def test_factory(vstape_replay, openai_client):
            deleted = vstape_replay("delete_vector_store")
            assert openai_client.vector_stores.delete("vs_any").deleted is deleted.deleted is True
    """,
        "--block-network",
    )
    result.assert_outcomes(passed=4)


def test_emulator_fixture_is_stateful_and_reset_per_test(pytester: pytest.Pytester) -> None:
    """`vector_store_emulator` is a live API for one test, empty again in the next."""
    result = _run(
        pytester,
        """
        from openai import OpenAI

        def test_first(vector_store_emulator):
            client = OpenAI(max_retries=0)  # OPENAI_BASE_URL points at the emulator
            vs = client.vector_stores.create(name="docs")
            assert [v.id for v in client.vector_stores.list()] == [vs.id]

        def test_second(vector_store_emulator):
            assert list(vector_store_emulator.client().vector_stores.list()) == []
    """,
        subprocess=True,
    )
    result.assert_outcomes(passed=2)


def test_fixtures_are_listed_with_their_docs(pytester: pytest.Pytester) -> None:
    """`pytest --fixtures` shows each fixture with its one-line doc."""
    pytester.makepyfile("def test_x(): pass")
    result = pytester.runpytest("--fixtures")
    result.stdout.fnmatch_lines(
        ["*get_vector_store_response*", "*Replays cassettes/get_vector_store/ok.yaml (any ids)*"]
    )
    result.stdout.fnmatch_lines(
        ["*vector_store_emulator*", "*A live, stateful emulator on 127.0.0.1*"]
    )
    result.stdout.fnmatch_lines(
        [
            "*get_vector_store_failure*",
            "*Runs the test once per failure scenario of get_vector_store*",
        ]
    )


def test_failure_fixtures_run_the_test_once_per_scenario(pytester: pytest.Pytester) -> None:
    """`<route>_failure` parametrizes a user's test over the route's failure scenarios."""
    from vstape_pytest._shipped import failure_scenarios

    result = _run(
        pytester,
        """
        import asyncio
        import openai
        import pytest

        def test_my_error_handling(get_vector_store_failure, openai_client):
            with pytest.raises(get_vector_store_failure.exception) as caught:
                openai_client.vector_stores.retrieve("vs_made_up_by_the_test")
            if get_vector_store_failure.status and get_vector_store_failure.status >= 400:
                assert caught.value.status_code == get_vector_store_failure.status

        def test_async_search(search_vector_store_failure, async_openai_client):
            async def go():
                async with async_openai_client as c:
                    await c.vector_stores.search("vs_any", query="refunds")
            with pytest.raises(search_vector_store_failure.exception):
                asyncio.run(go())
    """,
        "--block-network",
        "-v",
    )
    expected = len(failure_scenarios("get_vector_store")) + len(
        failure_scenarios("search_vector_store")
    )
    assert expected > 30
    result.assert_outcomes(passed=expected)
    result.stdout.fnmatch_lines(
        [
            "*test_my_error_handling?rate_limited? PASSED*",
            "*test_my_error_handling?read_timeout? PASSED*",
            "*test_async_search?malformed_json? PASSED*",
        ]
    )


def test_failure_description_says_what_the_sdk_sees(pytester: pytest.Pytester) -> None:
    """A Failure names status, error type and code, retry headers and the SDK exception."""
    result = _run(
        pytester,
        """
        import openai
        import pytest

        def test_rate_limit(vstape_replay, openai_client):
            failure = vstape_replay("create_vector_store", "rate_limited")
            assert failure.exception is openai.RateLimitError and failure.retried
            assert (failure.status, failure.error_type, failure.error_code) == (429, "requests", "rate_limit_exceeded")
            assert failure.headers["retry-after-ms"] == "20"
            assert str(failure).startswith("create_vector_store/rate_limited: 429 requests/rate_limit_exceeded")
            with pytest.raises(openai.RateLimitError) as caught:
                openai_client.vector_stores.create(name="x")
            assert caught.value.code == "rate_limit_exceeded"

        def test_quota_is_not_retried(vstape_replay):
            failure = vstape_replay("search_vector_store", "insufficient_quota")
            assert failure.headers["x-should-retry"] == "false" and not failure.retried
            raw_client = openai.OpenAI(api_key="sk-x")  # default retries: none happen
            with pytest.raises(openai.RateLimitError) as caught:
                raw_client.vector_stores.search("vs_x", query="q")
            assert caught.value.code == "insufficient_quota"

        def test_retry_then_ok(vstape_replay):
            store = vstape_replay("create_vector_store", "retry_then_ok")
            raw = openai.OpenAI(api_key="sk-x").vector_stores.with_raw_response.create(name="any")
            assert raw.retries_taken == 2 and raw.parse().id == store.id

        def test_poll_sequence(vstape_replay, openai_client):
            final = vstape_replay("get_vector_store_file", "poll_sequence")
            done = openai_client.vector_stores.files.poll("file-x", vector_store_id="vs_x")
            assert done.status == final.status == "completed"

        def test_unknown_scenario(vstape_replay):
            with pytest.raises(FileNotFoundError, match="list_vector_stores has the scenarios ok, bad_request"):
                vstape_replay("list_vector_stores", "not_found")
    """,
        "--block-network",
    )
    result.assert_outcomes(passed=5)


def test_shipped_fixtures_combine_with_each_other_and_with_a_users_cassette(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    """Several shipped fixtures in one test all answer; so does the test's own vcr cassette."""
    from tests.plugin.cassette_factory import record
    from vstape_pytest._shipped import failure_scenarios

    folder = tmp_path / "cassettes"
    folder.mkdir()
    record(folder / "mine.yaml", lambda c: c.vector_stores.create(name="mine").id)
    result = _run(
        pytester,
        f"""
        import openai
        import pytest

        @pytest.fixture(scope="module")
        def vcr_cassette_dir():
            return {str(folder)!r}

        def test_two_shipped_routes(create_vector_store_response, get_vector_store_response, openai_client):
            assert openai_client.vector_stores.create(name="x").id == create_vector_store_response.id
            assert openai_client.vector_stores.retrieve("vs_x").id == get_vector_store_response.id

        def test_ok_and_a_failure_of_another_route(get_vector_store_response, search_vector_store_failure, openai_client):
            assert openai_client.vector_stores.retrieve("vs_x").id == get_vector_store_response.id
            with pytest.raises(search_vector_store_failure.exception):
                openai_client.vector_stores.search("vs_x", query="q")

        def test_a_later_replay_of_the_same_route_wins(vstape_replay, openai_client):
            vstape_replay("get_vector_store")
            vstape_replay("get_vector_store", "not_found")
            with pytest.raises(openai.NotFoundError):
                openai_client.vector_stores.retrieve("vs_x")

        @pytest.mark.vcr("mine.yaml")
        def test_users_cassette_and_a_shipped_fixture(get_vector_store_response):
            client = openai.OpenAI(api_key="sk-x", max_retries=0)
            assert client.vector_stores.create(name="mine").name == "mine"  # from mine.yaml
            assert client.vector_stores.retrieve("vs_any").id == get_vector_store_response.id
    """,
        "--block-network",
        "--record-mode=none",
    )
    result.assert_outcomes(passed=3 + len(failure_scenarios("search_vector_store")))


def test_emulator_fixture_works_under_block_network(pytester: pytest.Pytester) -> None:
    """`vector_store_emulator` lets its test reach 127.0.0.1 only; other hosts stay blocked."""
    result = _run(
        pytester,
        """
        import socket
        import pytest

        def test_emulator(vector_store_emulator):
            client = vector_store_emulator.client()
            assert client.vector_stores.create(name="docs").name == "docs"
            with pytest.raises(RuntimeError, match="Network is disabled"):
                socket.create_connection(("10.255.255.1", 9), timeout=1)

        def test_next_test_is_blocked_again():
            with pytest.raises(RuntimeError, match="Network is disabled"):
                socket.create_connection(("127.0.0.1", 9), timeout=1)
    """,
        "--block-network",
        subprocess=True,
    )
    result.assert_outcomes(passed=2)
