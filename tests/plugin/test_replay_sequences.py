"""The pytest plugin replaying sequences: polls, retries, exhausted recordings, JSON cassettes under xdist."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openai import OpenAI

from tests.plugin.cassette_factory import record
from tests.plugin.user_suite import create_and_get, write_tests
from vstape.cassettes.io import dump, load

pytest_plugins = ["pytester"]


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
    write_tests(
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
    vs_id = record(folder / "basic.json", create_and_get)
    tests = "".join(
        f"""
        @pytest.mark.vcr("basic.json")
        def test_{i}():
            c = client()
            assert c.vector_stores.retrieve(c.vector_stores.create(name="a").id).id == {vs_id!r}
        """
        for i in range(4)
    )
    write_tests(pytester, folder, tests)
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
    write_tests(
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
