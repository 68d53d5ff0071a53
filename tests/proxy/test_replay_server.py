"""`vstape replay` for real: curl and the official SDK against recorded cassettes."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
from pathlib import Path

import httpx2
import openai
import pytest
from openai import OpenAI

from tests.plugin.cassette_factory import record
from tests.procs import vstape_server
from vstape.replay.index import MAX_DIFF_LINES


def _script(client: OpenAI) -> list[str]:
    vs = client.vector_stores.create(name="served")
    upload = client.files.create(file=("a.txt", b"some text to serve"), purpose="assistants")
    done = client.vector_stores.files.create_and_poll(
        file_id=upload.id, vector_store_id=vs.id, poll_interval_ms=1
    )
    return [vs.id, upload.id, done.status]


@pytest.fixture
def cassette(tmp_path: Path) -> tuple[Path, list[str]]:
    """A cassette with a store, an upload and a poll loop; and what the script returned."""
    path = tmp_path / "served.yaml"
    return path, record(path, _script)


def test_sdk_replays_through_the_server(cassette: tuple[Path, list[str]]) -> None:
    """The SDK pointed at `vstape replay` gets exactly the recorded results, polling included."""
    path, expected = cassette
    with vstape_server("replay", str(path), "--listen", "127.0.0.1:0") as (proc, url):
        with OpenAI(api_key="sk-other", base_url=url, max_retries=0) as client:
            assert _script(client) == expected
        proc.send_signal(signal.SIGTERM)
        log, _ = proc.communicate(timeout=30)
    assert "0 misses, 0 recorded interactions never replayed" in log


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed on this machine")
def test_curl_and_a_miss_with_its_diff(cassette: tuple[Path, list[str]]) -> None:
    """curl gets the recorded store; an unrecorded request gets a 404 envelope with the diff."""
    path, expected = cassette
    with vstape_server("replay", str(path.parent), "--listen", "127.0.0.1:0") as (proc, url):
        done = subprocess.run(
            [
                "curl",
                "-s",
                "-X",
                "POST",
                f"{url}/vector_stores",
                "-H",
                "Authorization: Bearer sk-x",
                "-H",
                "Content-Type: application/json",
                "-d",
                '{"name": "served"}',
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        assert json.loads(done.stdout)["id"] == expected[0]
        miss = httpx2.post(
            f"{url}/vector_stores", json={"name": "other"}, headers={"authorization": "Bearer x"}
        )
        proc.send_signal(signal.SIGTERM)
        log, _ = proc.communicate(timeout=30)
    assert miss.status_code == 404
    error = miss.json()["error"]
    assert error["code"] == "vstape_no_recording"
    assert "body$.name: sent 'other', recorded 'served'" in error["message"]
    assert "MISS POST /v1/vector_stores" in log


def test_unusable_cassette_is_exit_2(tmp_path: Path) -> None:
    """A broken cassette stops the server before it starts, naming the file."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("interactions: [ {request: ")
    done = subprocess.run(
        [*__import__("tests.procs", fromlist=["VSTAPE"]).VSTAPE, "replay", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "bad.yaml" in done.stderr


@pytest.mark.parametrize("flag", ["--stall-ms", "--latency-ms"])
def test_replay_refuses_a_negative_count_naming_the_flag(flag: str, tmp_path: Path) -> None:
    """`vstape replay --stall-ms -1` exits 2 before starting, naming the flag as typed."""
    from tests.procs import ROOT, VSTAPE

    done = subprocess.run(
        [*VSTAPE, "replay", str(tmp_path), "--listen", "127.0.0.1:0", flag, "-1"],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=ROOT,
    )
    assert done.returncode == 2
    assert done.stderr == f"vstape replay: {flag} -1: must be >= 0\n"


@pytest.mark.timeout(120)
def test_a_miss_answer_stays_under_64_kb(cassette: tuple[Path, list[str]]) -> None:
    """A 1 MB request body and a 5,000-field body both miss with under 64 KB, saying what was cut."""
    path, _ = cassette
    huge = {"name": "x" * 1_000_000}
    wide = {"name": "w", "metadata": {f"k{i}": "v" * 300 for i in range(5000)}}
    with vstape_server("replay", str(path), "--listen", "127.0.0.1:0", "--quiet") as (_, url):
        answers = [
            httpx2.post(f"{url}/vector_stores", json=body, headers={"authorization": "Bearer x"})
            for body in (huge, wide)
        ]
        client = OpenAI(api_key="sk-x", base_url=url, max_retries=0)
        with client, pytest.raises(openai.NotFoundError) as caught:
            client.vector_stores.create(name="y" * 1_000_000)
    assert [a.status_code for a in answers] == [404, 404]
    assert all(len(a.content) < 64 * 1024 for a in answers), [len(a.content) for a in answers]
    first, second = (a.json()["error"]["message"] for a in answers)
    assert "body$.name: sent 'xxxxxxxxxx" in first
    assert "... (999,802 more characters), recorded 'served'" in first
    listed = len(wide["metadata"]) + 1  # every metadata key, and the name
    assert f"  ... and {listed - MAX_DIFF_LINES:,} more differences" in second
    assert caught.value.code == "vstape_no_recording"
    assert len(str(caught.value)) < 64 * 1024
