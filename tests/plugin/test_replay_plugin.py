"""The pytest plugin as a user meets it: pytester runs with real cassettes and the SDK."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from openai import OpenAI

from tests.plugin.cassette_factory import record
from vstape.cassettes.io import dump, load

pytest_plugins = ["pytester"]

HEADER = """
import pytest
from openai import OpenAI, AsyncOpenAI

@pytest.fixture(scope="module")
def vcr_cassette_dir():
    return {cassettes!r}

def client():
    return OpenAI(api_key="sk-live-key-not-recorded", max_retries=0)
"""


def _create_and_get(client: OpenAI) -> str:
    vs = client.vector_stores.create(name="a")
    client.vector_stores.retrieve(vs.id)
    return vs.id


@pytest.fixture
def cassettes(tmp_path: Path) -> Path:
    """A folder with a two-request cassette `basic.yaml` (create + retrieve)."""
    folder = tmp_path / "cassettes"
    folder.mkdir()
    record(folder / "basic.yaml", _create_and_get)
    return folder


def _write_tests(pytester: pytest.Pytester, cassettes: Path, body: str) -> None:
    pytester.makepyfile(HEADER.format(cassettes=str(cassettes)) + textwrap.dedent(body))
    pytester.makeini(
        "[pytest]\nasyncio_default_fixture_loop_scope = function\nfilterwarnings =\n    ignore::pytest.PytestRemovedIn10Warning\n"
    )


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
    _write_tests(
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
    _write_tests(
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
    _write_tests(
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
    _write_tests(
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
    _write_tests(
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
    _write_tests(
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


def _poll_script(client: OpenAI) -> str:
    vs = client.vector_stores.create(name="p")
    upload = client.files.create(file=("a.txt", b"hello polling world"), purpose="assistants")
    done = client.vector_stores.files.create_and_poll(
        file_id=upload.id, vector_store_id=vs.id, poll_interval_ms=1
    )
    return done.status


def test_polling_and_exhausted_sequences(pytester: pytest.Pytester, tmp_path: Path) -> None:
    """A 10-poll create_and_poll replays in order without sleeping; 'fail' stops an extra poll."""
    folder = tmp_path / "c"
    # 10 in-progress polls, each telling the SDK to wait 5 s; fast-forward makes that 0.
    record(folder / "poll.yaml", _poll_script, polls_to_complete=10, poll_after_ms=5000)
    polls = [
        i
        for i in load(folder / "poll.yaml").interactions
        if i.vstape and i.vstape.route == "get_vector_store_file"
    ]  # type: ignore[union-attr]
    assert len(polls) == 11
    _write_tests(
        pytester,
        folder,
        """
        @pytest.mark.timeout(20)
        @pytest.mark.vcr("poll.yaml")
        def test_poll():
            c = client()
            vs = c.vector_stores.create(name="p")
            up = c.files.create(file=("a.txt", b"hello polling world"), purpose="assistants")
            assert c.vector_stores.files.create_and_poll(file_id=up.id, vector_store_id=vs.id).status == "completed"

        @pytest.mark.vstape(exhausted="fail", unused="off")
        @pytest.mark.vcr("poll.yaml")
        def test_extra_poll_fails():
            c = client()
            vs = c.vector_stores.create(name="p")
            up = c.files.create(file=("a.txt", b"hello polling world"), purpose="assistants")
            c.vector_stores.files.create_and_poll(file_id=up.id, vector_store_id=vs.id)
            with pytest.raises(AssertionError, match="all were already played"):
                c.vector_stores.files.retrieve(up.id, vector_store_id=vs.id)
    """,
    )
    pytester.runpytest("--block-network", "--record-mode=none", "-p", "timeout").assert_outcomes(
        passed=2
    )


def test_json_cassettes_and_xdist(pytester: pytest.Pytester, tmp_path: Path) -> None:
    """JSON cassettes replay too, and the suite runs under pytest -n 2."""
    folder = tmp_path / "c"
    vs_id = record(folder / "basic.json", _create_and_get)
    tests = "".join(
        f"""
        @pytest.mark.vcr("basic.json")
        def test_{i}():
            c = client()
            assert c.vector_stores.retrieve(c.vector_stores.create(name="a").id).id == {vs_id!r}
        """
        for i in range(4)
    )
    _write_tests(pytester, folder, tests)
    pytester.runpytest_subprocess("--record-mode=none", "-n", "2", "-p", "xdist").assert_outcomes(
        passed=4
    )


def test_retry_sequence_replays_in_order_without_sleeping(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    """A recorded 429-429-200 retry replays through the SDK's real retry path, fast-forwarded."""
    folder = tmp_path / "c"
    cassette = record(folder / "retry.yaml", lambda c: c.vector_stores.create(name="r"))
    assert cassette.name == "r"
    recorded = load(folder / "retry.yaml")
    ok = recorded.interactions[0]
    limited = json.dumps(
        {
            "error": {
                "message": "Rate limit reached",
                "type": "requests",
                "param": None,
                "code": "rate_limit_exceeded",
            }
        },
        indent=2,
    )
    throttled = type(ok)(
        request=ok.request,
        response=type(ok.response)(
            status=type(ok.response.status)(429, "Too Many Requests"),
            headers={
                "content-type": ["application/json"],
                "retry-after": ["20"],
                "retry-after-ms": ["20000"],
            },
            body=type(ok.response.body)(limited),
        ),
    )
    recorded.interactions[:] = [throttled, throttled, ok]
    dump(recorded, folder / "retry.yaml")
    _write_tests(
        pytester,
        folder,
        """
        @pytest.mark.timeout(15)
        @pytest.mark.vcr("retry.yaml")
        def test_retry():
            raw = OpenAI(api_key="sk-x", max_retries=2).vector_stores.with_raw_response.create(name="r")
            assert raw.retries_taken == 2
            assert raw.parse().name == "r"
    """,
    )
    pytester.runpytest("--block-network", "--record-mode=none", "-p", "timeout").assert_outcomes(
        passed=1
    )


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
    _write_tests(pytester, folder, body)
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
    _write_tests(
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
