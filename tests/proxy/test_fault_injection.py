"""Fault injection through the real proxy, with the official SDK as the client.

`vstape record --fault` (live traffic, emulator upstream) and `vstape replay --fault`
(replayed traffic): the SDK retries where it should, gives up where it should, and times
out on a stall; the proxy keeps serving; recorded faults become failure fixtures.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import AbstractContextManager
from pathlib import Path

import openai
import pytest
from openai import OpenAI

from tests.procs import ROOT, VSTAPE, free_port, vstape_server
from vstape.cassettes.io import load
from vstape.cassettes.shipped import shipped_path

pytestmark = pytest.mark.timeout(120)


def _recording(*args: str) -> AbstractContextManager[tuple[subprocess.Popen[str], str]]:
    """``vstape record`` (emulator upstream) on a free port, with ARGS (faults, cassette...)."""
    return vstape_server("record", "--listen", "127.0.0.1:0", *args)


def _client(url: str, **options: object) -> OpenAI:
    return OpenAI(api_key="sk-test", base_url=url, **options)  # type: ignore[arg-type]


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=30)
    return out


def test_every_2_fails_once_and_the_sdk_retry_succeeds(tmp_path: Path) -> None:
    """server_error:every 2 -> the SDK's one retry gets the real answer; both are recorded."""
    cassette = tmp_path / "run.yaml"
    with _recording(
        "--cassette",
        str(cassette),
        "--fault",
        "get_vector_store:server_error:every 2",
    ) as (proc, url):
        with _client(url, max_retries=2) as client:
            store = client.vector_stores.create(name="faults")
            started = time.monotonic()
            for _ in range(3):
                raw = client.vector_stores.with_raw_response.retrieve(store.id)
                assert raw.retries_taken == 1
                assert raw.parse().id == store.id
            # the SDK's own backoff (no retry header on a 500): 0.375-0.5 s per retry
            assert time.monotonic() - started < 5
        out = _stop(proc)
    assert out.count("vstape fault: get_vector_store <- server_error") == 3
    recorded = load(cassette).interactions
    statuses = [i.response.status.code for i in recorded if i.vstape.route == "get_vector_store"]  # type: ignore[union-attr]
    assert statuses == [500, 200] * 3
    labelled = [i.vstape.scenario for i in recorded if i.response.status.code == 500]  # type: ignore[union-attr]
    assert labelled == ["server_error"] * 3


def test_the_sdk_gives_up_where_it_should(tmp_path: Path) -> None:
    """rate_limited: 3 attempts then RateLimitError; insufficient_quota: 1 attempt only."""
    with _recording(
        "--fault",
        "create_vector_store:rate_limited",
        "--fault",
        "search_vector_store:insufficient_quota",
    ) as (proc, url):
        with _client(url, max_retries=2) as client:
            started = time.monotonic()
            with pytest.raises(openai.RateLimitError) as limited:
                client.vector_stores.create(name="x")
            assert time.monotonic() - started < 3  # retry-after-ms: 20 honoured
            assert limited.value.code == "rate_limit_exceeded"
            assert limited.value.response.headers["retry-after"] == "1"
            assert limited.value.request_id and limited.value.request_id.startswith("req_")
            with pytest.raises(openai.RateLimitError) as quota:
                client.vector_stores.search("vs_any", query="q")
            assert quota.value.code == "insufficient_quota"
            # Unfaulted routes still go through to the emulator.
            assert client.vector_stores.list().data == []
        out = _stop(proc)
    assert out.count("create_vector_store <- rate_limited") == 3
    assert out.count("search_vector_store <- insufficient_quota") == 1


def test_timeouts_resets_and_broken_bodies_reach_the_sdk(tmp_path: Path) -> None:
    """A stall times the SDK out; a reset and a cut body are connection errors; bad JSON raises."""
    with _recording(
        "--fault",
        "get_vector_store:read_timeout",
        "--fault",
        "list_vector_stores:connection_reset",
        "--fault",
        "get_file:truncated_body",
        "--fault",
        "list_files:malformed_json",
    ) as (proc, url):
        with _client(url, max_retries=0, timeout=0.5) as client:
            started = time.monotonic()
            with pytest.raises(openai.APITimeoutError):
                client.vector_stores.retrieve("vs_any")
            assert time.monotonic() - started < 5
            with pytest.raises(openai.APIConnectionError):
                client.vector_stores.list()
            upload = client.files.create(file=("a.txt", b"hello"), purpose="assistants")
            with pytest.raises(openai.APIConnectionError):
                client.files.retrieve(upload.id)
            with pytest.raises(json.JSONDecodeError):
                client.files.list()
            # the proxy keeps serving while a stalled request is still held
            assert client.vector_stores.create(name="after").name == "after"
        # The default stall (610 s, past the SDK's 600 s) ended when the client hung up:
        # nothing is held, so the proxy stops at once.
        started = time.monotonic()
        _stop(proc)
        assert time.monotonic() - started < 10


def test_a_cut_chunked_body_is_a_connection_error(tmp_path: Path) -> None:
    """truncated_body on a chunked upstream response: one framing (the length), then a close."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    store = json.dumps({"id": "vs_chunked", "object": "vector_store", "name": "c"}).encode()

    class Chunked(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("transfer-encoding", "chunked")
            self.end_headers()
            self.wfile.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(store), store))

        def log_message(self, *args: object) -> None:
            pass

    upstream = ThreadingHTTPServer(("127.0.0.1", 0), Chunked)
    Thread(target=upstream.serve_forever, daemon=True).start()
    try:
        with _recording(
            "--upstream",
            f"http://127.0.0.1:{upstream.server_address[1]}",
            "--fault",
            "get_vector_store:truncated_body",
        ) as (proc, url):
            with _client(url, max_retries=0) as client, pytest.raises(openai.APIConnectionError):
                client.vector_stores.retrieve("vs_chunked")
            _stop(proc)
    finally:
        upstream.shutdown()


def test_latency_is_added(tmp_path: Path) -> None:
    """slow_response: the normal answer, late by --latency-ms."""
    with _recording(
        "--fault",
        "list_vector_stores:slow_response",
        "--latency-ms",
        "400",
    ) as (proc, url):
        with _client(url, max_retries=0) as client:
            client.vector_stores.create(name="x")
            started = time.monotonic()
            assert len(client.vector_stores.list().data) == 1
            assert time.monotonic() - started >= 0.4
        _stop(proc)


def test_rate_faults_are_seeded(tmp_path: Path) -> None:
    """*:server_error:rate 0.5 with a seed: the same requests fail in every run."""

    def run() -> list[int]:
        with _recording(
            "--quiet",
            "--fault",
            "*:server_error:rate 0.5",
            "--fault-seed",
            "11",
        ) as (proc, url):
            with _client(url, max_retries=0) as client:
                codes = []
                for _ in range(20):
                    try:
                        client.vector_stores.list()
                        codes.append(200)
                    except openai.InternalServerError as err:
                        codes.append(err.status_code)
            _stop(proc)
        return codes

    first = run()
    assert first == run()
    assert 3 <= first.count(500) <= 17


def test_any_client_can_ask_for_a_fault_by_header() -> None:
    """curl with x-vstape-fault gets the scenario; the header never goes upstream."""
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed (apt-get install curl)")
    with _recording() as (proc, url):
        done = subprocess.run(
            [
                curl,
                "-s",
                "-i",
                "-H",
                "Authorization: Bearer sk-x",
                "-H",
                "x-vstape-fault: service_unavailable",
                f"{url}/vector_stores",
            ],
            capture_output=True,
            text=True,
            timeout=30,
        )
        _stop(proc)
    head, _, body = done.stdout.replace("\r\n", "\n").partition("\n\n")
    assert head.startswith("HTTP/1.1 503")
    assert "retry-after: 1" in head.lower()
    assert json.loads(body)["error"]["code"] == "service_unavailable"


def test_a_bad_fault_spec_stops_start_up_with_the_reason() -> None:
    """Exit 2 and a message naming the value and the valid forms."""
    done = subprocess.run(
        [
            *VSTAPE,
            "record",
            "--listen",
            f"127.0.0.1:{free_port()}",
            "--fault",
            "get_vector_store:oops",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 2
    assert "unknown scenario 'oops'; valid scenarios:" in done.stderr + done.stdout


def test_replay_serves_shipped_faults_and_injects_live_ones() -> None:
    """vstape replay --match route: recorded resets and cut bodies, plus --fault on replayed traffic."""
    cassettes = [
        shipped_path("get_vector_store", "connection_reset"),
        shipped_path("list_vector_stores", "truncated_body"),
        shipped_path("search_vector_store", "read_timeout"),
        shipped_path("list_files", "ok"),
    ]
    with vstape_server(
        "replay",
        *map(str, cassettes),
        "--listen",
        "127.0.0.1:0",
        "--match",
        "route",
        "--stall-ms",
        "20000",
        "--fault",
        "list_files:rate_limited:every 2",
    ) as (proc, url):
        with _client(url, max_retries=0, timeout=0.5) as client:
            with pytest.raises(openai.APIConnectionError):
                client.vector_stores.retrieve("vs_any_id")
            with pytest.raises(openai.APIConnectionError):
                client.vector_stores.list()
            with pytest.raises(openai.APITimeoutError):
                client.vector_stores.search("vs_any", query="q")
        with _client(url, max_retries=2) as client:
            raw = client.files.with_raw_response.list()
            assert raw.retries_taken == 1 and raw.http_response.status_code == 200
        _stop(proc)


def test_mitmdump_takes_the_fault_options(tmp_path: Path) -> None:
    """The documented `mitmdump -s proxy_addons/vstape_mitmproxy/addons.py --set vstape_faults=...` entry."""
    mitmdump = Path(sys.executable).with_name("mitmdump")
    with vstape_server("emulate", "--listen", "127.0.0.1:0") as (_emulator, upstream):
        port = free_port()
        proc = subprocess.Popen(
            [
                str(mitmdump),
                "--mode",
                f"reverse:{upstream.removesuffix('/v1')}",
                "--listen-host",
                "127.0.0.1",
                "-p",
                str(port),
                "-s",
                str(ROOT / "proxy_addons" / "vstape_mitmproxy" / "addons.py"),
                "--set",
                "vstape_faults=list_vector_stores:bad_gateway",
                "--set",
                f"vstape_cassette={tmp_path / 'c.yaml'}",
                "-q",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=tmp_path,
            env=dict(os.environ, PYTHONUNBUFFERED="1"),
        )
        try:
            deadline = time.monotonic() + 30
            with _client(f"http://127.0.0.1:{port}/v1", max_retries=0) as client:
                while True:
                    try:
                        client.vector_stores.list()
                    except openai.InternalServerError as err:
                        assert err.status_code == 502 and err.code == "bad_gateway"
                        break
                    except openai.APIConnectionError:
                        assert time.monotonic() < deadline, "mitmdump did not start"
                        time.sleep(0.2)
                assert client.vector_stores.create(name="ok").name == "ok"
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=30)
    recorded = load(tmp_path / "c.yaml").interactions
    assert [i.vstape.scenario for i in recorded] == ["bad_gateway", None]  # type: ignore[union-attr]


def test_retry_then_ok_succeeds_for_every_concurrent_sdk_client() -> None:
    """Two clients at once through retry_then_ok: each gets its object after 2 retries, twice over."""
    from concurrent.futures import ThreadPoolExecutor

    with _recording(
        "--quiet",
        "--fault",
        "create_vector_store:retry_then_ok",
    ) as (proc, url):

        def one(name: str) -> int:
            with _client(url, max_retries=2) as client:
                raw = client.vector_stores.with_raw_response.create(name=name)
                assert raw.parse().name == name
                return int(raw.retries_taken)

        with ThreadPoolExecutor(4) as pool:
            retries = list(pool.map(one, [f"s{i}" for i in range(8)]))
        _stop(proc)
    assert retries == [2] * 8
