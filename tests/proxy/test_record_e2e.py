"""`vstape record` for real (mitmproxy subprocess) with the official SDK through it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import httpx2
import openai
import pytest
from openai import OpenAI
from vcr.persisters.filesystem import FilesystemPersister
from vcr.serializers import yamlserializer

from tests.procs import ROOT, VSTAPE, vstape_server
from vstape.cassettes.io import load
from vstape.cli.sdk.script import run_everything

SECRETS = [
    "sk-live-0123456789abcdefSECRET",
    "org-SECRETorg12345",
    "proj_SECRETproj12345",
    "hunter2-password-value",
]


def _secret_client(url: str) -> OpenAI:
    return OpenAI(
        api_key=SECRETS[0],
        organization=SECRETS[1],
        project=SECRETS[2],
        base_url=url,
        max_retries=0,
        default_headers={
            "Cookie": f"session={SECRETS[3]}",
            "X-Custom-Token": "custom-SECRET-value",
        },
    )


def test_reverse_mode_records_every_route_without_secrets(tmp_path: Path) -> None:
    """The SDK script through the proxy: cassettes per route, verdicts kept, no secret on disk."""
    out = tmp_path / "cassettes"
    args = [
        "record",
        "--listen",
        "127.0.0.1:0",
        "--cassette-dir",
        str(out),
        "--report-json",
        str(tmp_path / "report.json"),
        "--junit",
        str(tmp_path / "report.xml"),
        "--redact-header",
        "x-custom-token",
        "--redact-json-path",
        "$.metadata.team",
    ]
    with vstape_server(*args) as (proc, url):
        with _secret_client(url) as client:
            results = run_everything(client)
            client.vector_stores.create(metadata={"password": SECRETS[3]})
            with pytest.raises(openai.BadRequestError):  # the API rejects unknown query params
                client.vector_stores.list(extra_query={"api_key": SECRETS[0]})
        proc.send_signal(signal.SIGTERM)
        log, _ = proc.communicate(timeout=30)
    assert len(results) == 23
    files = sorted(p.name for p in out.glob("*.yaml"))
    assert "search_vector_store.yaml" in files and "upload_file.yaml" in files and len(files) == 18
    search = load(out / "search_vector_store.yaml")
    verdicts = [
        i.vstape.verdict for i in search.interactions if not isinstance(i.vstape, type(None))
    ]  # type: ignore[union-attr]
    assert verdicts.count("invalid") == 1  # the deliberate max_num_results=99
    first = search.interactions[0]
    assert first.request.uri.startswith("https://api.openai.com/v1/vector_stores/")
    assert "x-stainless-os" not in first.request.headers and first.request.headers[
        "authorization"
    ] == ["REDACTED"]
    assert first.response.headers["x-request-id"]
    written = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()) + log.encode()
    for secret in [*SECRETS, "custom-SECRET-value"]:
        assert secret.encode() not in written, secret
    assert b'"team": "REDACTED"' in (out / "create_vector_store.yaml").read_bytes()
    assert "search_vector_store" in (tmp_path / "report.json").read_text()


def test_stock_vcrpy_replays_the_recording_offline(
    tmp_path: Path, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A single-file recording replays under stock pytest-recording with --block-network."""
    cassette = tmp_path / "run.yaml"
    with vstape_server(
        "record", "--listen", "127.0.0.1:0", "--cassette", str(cassette), "--quiet"
    ) as (proc, url):
        with OpenAI(api_key="sk-test", base_url=url, max_retries=0) as client:
            live = run_everything(client)
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    requests, _ = FilesystemPersister.load_cassette(str(cassette), yamlserializer)
    assert len(requests) == len(load(cassette).interactions) > 30
    (tmp_path / "live.txt").write_text(repr(live))
    pytester.makepyfile(
        textwrap.dedent(f"""
        import pytest
        from openai import OpenAI
        from vstape.cli.sdk.script import run_everything

        @pytest.fixture(scope="module")
        def vcr_config():
            return {{"record_mode": "none"}}

        @pytest.fixture(scope="module")
        def vcr_cassette_dir():
            return {str(tmp_path)!r}

        @pytest.mark.vcr("run.yaml")
        def test_replay():
            with OpenAI(api_key="sk-other", max_retries=0) as client:
                replayed = run_everything(client)
            assert repr(replayed) == open({str(tmp_path / "live.txt")!r}).read()
        """)
    )
    # Stock pytest + pytest-recording only: no other installed plugin is loaded.
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    result = pytester.runpytest_subprocess(
        "--block-network", "-p", "pytest_recording.plugin", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=1)


def test_kill_minus_nine_keeps_every_completed_interaction(tmp_path: Path) -> None:
    """After kill -9 mid-traffic the cassette loads and holds every response the client got."""
    cassette = tmp_path / "kill.yaml"
    with vstape_server(
        "record", "--listen", "127.0.0.1:0", "--cassette", str(cassette), "--quiet"
    ) as (proc, url):
        got: list[str] = []
        stop = threading.Event()

        def client_loop() -> None:
            with httpx2.Client(
                base_url=url, headers={"authorization": "Bearer sk-x"}, timeout=5
            ) as http:
                for _ in range(400):
                    if stop.is_set():
                        return
                    try:
                        response = http.post("/vector_stores", json={"name": "k"})
                    except httpx2.HTTPError:
                        return
                    got.append(response.headers["x-request-id"])

        worker = threading.Thread(target=client_loop)
        worker.start()
        while len(got) < 40 and worker.is_alive():
            threading.Event().wait(0.01)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        stop.set()
        worker.join(timeout=10)
    recorded = [i.response.headers["x-request-id"][0] for i in load(cassette).interactions]
    assert len(got) >= 40
    assert set(got) <= set(recorded)
    assert len(recorded) == len(set(recorded))


def test_concurrent_clients_recorded_exactly_once(tmp_path: Path) -> None:
    """8 clients x 100 requests: every interaction is in the cassette once, none lost."""
    cassette = tmp_path / "many.json"
    with vstape_server(
        "record", "--listen", "127.0.0.1:0", "--cassette", str(cassette), "--quiet"
    ) as (proc, url):
        seen: list[str] = []
        lock = threading.Lock()

        def client_loop(n: int) -> None:
            with httpx2.Client(
                base_url=url, headers={"authorization": "Bearer sk-x"}, timeout=30
            ) as http:
                for i in range(100):
                    response = http.get(f"/vector_stores?limit={1 + (n + i) % 5}")
                    with lock:
                        seen.append(response.headers["x-request-id"])

        threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    recorded = [i.response.headers["x-request-id"][0] for i in load(cassette).interactions]
    assert len(seen) == 800
    assert sorted(recorded) == sorted(seen)


def test_strict_mode_rejects_invalid_requests_without_forwarding(tmp_path: Path) -> None:
    """--strict answers an invalid request with a 400 envelope naming the violation."""
    cassette = tmp_path / "strict.yaml"
    with vstape_server(
        "record", "--listen", "127.0.0.1:0", "--strict", "--cassette", str(cassette), "--quiet"
    ) as (
        proc,
        url,
    ):
        with httpx2.Client(base_url=url, headers={"authorization": "Bearer sk-x"}) as http:
            response = http.post("/vector_stores", json={"name": "x", "bogus": 1})
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    assert response.status_code == 400
    assert response.headers["x-vstape-strict"] == "rejected"
    assert "$.bogus" in response.json()["error"]["message"]
    assert load(cassette).interactions[0].vstape.verdict == "invalid"  # type: ignore[union-attr]


def test_bad_option_value_is_a_clear_error(tmp_path: Path) -> None:
    """A bad option exits 2 and names the flag as typed (not mitmproxy's option) and the value."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "vstape.cli.main",
            "record",
            "--listen",
            "127.0.0.1:0",
            "--cassette",
            str(tmp_path / "x.txt"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 2
    assert f"vstape record: --cassette '{tmp_path / 'x.txt'}': a cassette file ends in .yaml" in (
        done.stderr
    )
    assert "vstape_cassette" not in done.stderr and "listening" not in done.stdout


@pytest.mark.parametrize(
    ("flag", "value"), [("--stall-ms", "-1"), ("--latency-ms", "-250"), ("--polls", "-1")]
)
def test_a_negative_count_names_the_flag_not_the_mitmproxy_option(flag: str, value: str) -> None:
    """`vstape record --stall-ms -1` exits 2 before starting, naming the flag as typed."""
    done = subprocess.run(
        [*VSTAPE, "record", "--listen", "127.0.0.1:0", flag, value],
        capture_output=True,
        text=True,
        timeout=15,
        cwd=ROOT,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr == f"vstape record: {flag} {value}: must be >= 0\n"
    assert "vstape_" not in done.stderr and done.stdout == ""
