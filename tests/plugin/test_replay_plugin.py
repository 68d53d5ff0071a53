"""The pytest plugin as a user meets it: pytester runs with real cassettes and the SDK."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.plugin.cassette_factory import record
from tests.plugin.user_suite import create_and_get, write_tests
from vstape.cassettes.io import dump, load

pytest_plugins = ["pytester"]


@pytest.fixture
def cassettes(tmp_path: Path) -> Path:
    """A folder with a two-request cassette `basic.yaml` (create + retrieve)."""
    folder = tmp_path / "cassettes"
    folder.mkdir()
    record(folder / "basic.yaml", create_and_get)
    return folder


def _vs_id(cassettes: Path) -> str:
    first = load(cassettes / "basic.yaml").interactions[0]
    return str(json.loads(first.response.body.string)["id"])


def test_help_and_markers_document_the_plugin(pytester: pytest.Pytester) -> None:
    """`pytest --help` lists the vstape group; `--markers` shows the marker signature."""
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(
        ["vstape: replay OpenAI Vector Stores cassettes:", "*--vstape-validate=*"]
    )
    result.stdout.fnmatch_lines(
        ["*--vstape-unused=*", "*--vstape-exhausted=*", "*--vstape-no-fast-forward*"]
    )
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.vstape(validate='error', unused='warn'*"])


def test_sync_and_async_sdk_replay_under_block_network(
    pytester: pytest.Pytester, cassettes: Path
) -> None:
    """The official SDK, sync and async, replays a cassette with the network blocked."""
    vs_id = _vs_id(cassettes)
    write_tests(
        pytester,
        cassettes,
        f"""
        @pytest.mark.vcr("basic.yaml")
        def test_sync():
            vs = client().vector_stores.create(name="a")
            assert vs.id == {vs_id!r}
            assert client().vector_stores.retrieve(vs.id).name == "a"

        @pytest.mark.vcr("basic.yaml")
        def test_async():
            import asyncio
            async def go():
                async with AsyncOpenAI(api_key="sk-x", max_retries=0) as c:
                    vs = await c.vector_stores.create(name="a")
                    return (await c.vector_stores.retrieve(vs.id)).id
            assert asyncio.run(go()) == {vs_id!r}
    """,
    )
    pytester.runpytest("--block-network", "--record-mode=none").assert_outcomes(passed=2)


def test_a_miss_explains_itself_with_a_field_diff(
    pytester: pytest.Pytester, cassettes: Path
) -> None:
    """A request that was not recorded names the route, diffs the nearest one, says how to re-record."""
    write_tests(
        pytester,
        cassettes,
        """
        @pytest.mark.vcr("basic.yaml")
        def test_miss():
            client().vector_stores.create(name="b", metadata={"k": "v"})
    """,
    )
    result = pytester.runpytest("--block-network", "--record-mode=none", "--vstape-unused=off")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*VstapeReplayMiss: vstape: no recorded response for POST /v1/vector_stores (route create_vector_store)*",
            "*Nearest recorded request: #0 POST /v1/vector_stores (never played); differences:",
            "*  body$.metadata.k: sent 'v', not in the recording",
            "*  body$.name: sent 'b', recorded 'a'",
            "*To re-record: pytest --record-mode=rewrite*",
        ]
    )


def test_unused_interactions_warn_by_default_and_fail_on_request(
    pytester: pytest.Pytester, cassettes: Path
) -> None:
    """A test that leaves interactions unused gets a report; --vstape-unused=fail fails it."""
    write_tests(
        pytester,
        cassettes,
        """
        @pytest.mark.vcr("basic.yaml")
        def test_only_create():
            client().vector_stores.create(name="a")
    """,
    )
    result = pytester.runpytest("--record-mode=none", "-W", "default")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        ["*vstape: 1 recorded interaction(s) in *basic.yaml were never used:*"]
    )
    result = pytester.runpytest("--record-mode=none", "--vstape-unused=fail")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*VstapeUnusedInteractions*", "*#1 GET /v1/vector_stores/vs_* (route get_vector_store)"]
    )


def test_marker_beats_the_command_line(pytester: pytest.Pytester, cassettes: Path) -> None:
    """@pytest.mark.vstape(unused='fail') wins over --vstape-unused=off."""
    write_tests(
        pytester,
        cassettes,
        """
        @pytest.mark.vstape(unused="fail")
        @pytest.mark.vcr("basic.yaml")
        def test_only_create():
            client().vector_stores.create(name="a")
    """,
    )
    pytester.runpytest("--record-mode=none", "--vstape-unused=off").assert_outcomes(failed=1)


def test_bad_marker_argument_is_a_usage_error(pytester: pytest.Pytester, cassettes: Path) -> None:
    """A typo in the marker names the valid arguments."""
    write_tests(
        pytester,
        cassettes,
        """
        @pytest.mark.vstape(unsued="fail")
        @pytest.mark.vcr("basic.yaml")
        def test_x():
            pass
    """,
    )
    result = pytester.runpytest("--record-mode=none")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*unknown argument(s)*unsued*it accepts validate, unused, exhausted, format, fast_forward, match, off, hosts"
        ]
    )


def test_invalid_replayed_response_fails_with_route_path_and_file(
    pytester: pytest.Pytester, cassettes: Path
) -> None:
    """A cassette whose response breaks the schema fails the test (or warns with --vstape-validate=warn)."""
    cassette = load(cassettes / "basic.yaml")
    body = json.loads(cassette.interactions[1].response.body.string)
    body["status"] = "weird"
    cassette.interactions[1].response.body.string = json.dumps(body, indent=2)
    dump(cassette, cassettes / "basic.yaml")
    write_tests(
        pytester,
        cassettes,
        """
        @pytest.mark.vcr("basic.yaml")
        def test_get():
            c = client()
            c.vector_stores.retrieve(c.vector_stores.create(name="a").id)
    """,
    )
    result = pytester.runpytest("--record-mode=none")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*VstapeReplayInvalid: vstape: replayed response #1 of *basic.yaml (get_vector_store, 200) does not match the schema:",
            "*  $.status: expected one of 'completed' | 'expired' | 'in_progress', got 'weird'",
        ]
    )
    result = pytester.runpytest("--record-mode=none", "--vstape-validate=warn", "-W", "default")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*ReplayWarning: vstape: replayed response #1*"])


def test_in_process_recording_is_redacted_and_replays(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    """--record-mode=once against a live emulator writes a redacted cassette that then replays offline."""
    from tests.procs import vstape_server

    folder = tmp_path / "rec"
    body = """
        import os
        @pytest.mark.vcr
        def test_roundtrip():
            c = OpenAI(api_key="sk-live-SECRETKEY123456", base_url=os.environ["EMU_URL"], max_retries=0)
            vs = c.vector_stores.create(name="inproc", metadata={"owner": "me"})
            assert c.vector_stores.retrieve(vs.id).name == "inproc"
    """
    write_tests(pytester, folder, body)
    with vstape_server("emulate", "--listen", "127.0.0.1:0") as (_, url):
        pytester._monkeypatch.setenv("EMU_URL", url)
        pytester.runpytest_subprocess("--record-mode=once").assert_outcomes(passed=1)
    written = folder / "test_roundtrip.yaml"
    text = written.read_text()
    assert "SECRETKEY" not in text and "authorization:\n      - REDACTED" in text
    assert load(written).interactions[0].vstape.route == "create_vector_store"  # type: ignore[union-attr]
    # Offline now: the emulator is gone; replay must come from the cassette.
    pytester.runpytest_subprocess("--record-mode=none", "--block-network").assert_outcomes(passed=1)


def test_legacy_httpx_client_replays_too(pytester: pytest.Pytester, cassettes: Path) -> None:
    """An SDK client built on a legacy `httpx.Client` is intercepted and replayed as well."""
    vs_id = _vs_id(cassettes)
    write_tests(
        pytester,
        cassettes,
        f"""
        import httpx

        @pytest.mark.vcr("basic.yaml")
        def test_legacy():
            c = OpenAI(api_key="sk-x", max_retries=0, http_client=httpx.Client())
            vs = c.vector_stores.create(name="a")
            assert c.vector_stores.retrieve(vs.id).id == {vs_id!r}
    """,
    )
    pytester.runpytest("--block-network", "--record-mode=none").assert_outcomes(passed=1)
