"""The per-route fixtures, the emulator fixture and the client fixtures, as a user writes them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pytest_plugin.fixtures import ROUTE_NAMES, reference_markdown
from vstape.commands.cassettes import check
from vstape.routes import BY_NAME
from vstape.shipped import shipped_dir, shipped_path

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
    """docs/readme/fixtures.md is exactly what reference_markdown() produces."""
    assert (ROOT / "docs" / "readme" / "fixtures.md").read_text() == reference_markdown()


def _run(pytester: pytest.Pytester, body: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(textwrap.dedent(body))
    pytester.makeini(
        "[pytest]\nasyncio_default_fixture_loop_scope = function\nfilterwarnings =\n    ignore::pytest.PytestRemovedIn10Warning\n"
    )
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
