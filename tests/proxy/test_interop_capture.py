"""Real captures in, cassettes out: the official SDK through a real `mitmdump -w` (and its HAR
export) in front of `vstape emulate`, imported, validated, linted and replayed offline.

One mitmdump run writes both captures of the same traffic: the flow dump (``-w``) and
mitmproxy's own HAR export (``--set hardump=``, the savehar addon). Nothing here is
hand-written: the HAR and the dump are mitmproxy's, the client is the SDK, the replay is
`vstape replay`.
"""

from __future__ import annotations

import io
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
import openai
import pytest
from openai import OpenAI

from tests.procs import ROOT, VSTAPE, free_port, vstape_server
from vstape.api.routes import ROUTES
from vstape.cassettes.io import load
from vstape.cassettes.model import Interaction
from vstape.cli.sdk.script import run_everything

MITMDUMP = str(Path(sys.executable).with_name("mitmdump"))
KEY = "sk-live-capture0SECRET0key0123"


@contextmanager
def mitmdump(upstream: str, *options: str) -> Iterator[str]:
    """mitmdump as a reverse proxy on 127.0.0.1 in front of ``upstream``; yields its base URL."""
    port = free_port()
    command = [MITMDUMP, "--listen-host", "127.0.0.1", "-p", str(port), "-q", *options]
    proc = subprocess.Popen(
        [*command, "--mode", f"reverse:{upstream}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None, proc.communicate()[1]
                assert time.monotonic() < deadline, "mitmdump did not listen"
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        proc.send_signal(signal.SIGTERM)  # mitmdump writes the HAR on its way out
        _, errors = proc.communicate(timeout=60)
        assert proc.returncode == 0, errors


def workload(client: OpenAI) -> list[Any]:
    """Every route of the table, valid requests only (a 404 among them), through the SDK."""
    out: list[Any] = []
    vs = client.vector_stores.create(name="imported", metadata={"team": "docs"})
    out.append(vs)
    out.append(client.vector_stores.update(vs.id, name="imported-v2"))
    out.append(client.vector_stores.retrieve(vs.id))
    uploaded = client.vector_stores.files.upload_and_poll(
        vector_store_id=vs.id,
        file=("refunds.txt", io.BytesIO("Refunds within 14 days, café included.".encode())),
        poll_interval_ms=1,
    )
    out.append(uploaded)
    notes = [
        client.files.create(
            file=(f"note{n}.txt", io.BytesIO(f"note {n} about shipping".encode())),
            purpose="assistants",
        )
        for n in range(3)
    ]
    out.append(
        client.vector_stores.files.create_and_poll(
            file_id=notes[0].id,
            vector_store_id=vs.id,
            attributes={"kind": "note"},
            poll_interval_ms=1,
        )
    )
    batch = client.vector_stores.file_batches.create_and_poll(
        vector_store_id=vs.id, file_ids=[notes[1].id, notes[2].id], poll_interval_ms=1
    )
    out.append(batch)
    files = client.vector_stores.file_batches.list_files(batch.id, vector_store_id=vs.id)
    out.append(sorted(f.id for f in files))
    out.append(client.vector_stores.file_batches.retrieve(batch.id, vector_store_id=vs.id))
    out.append(client.vector_stores.file_batches.cancel(batch.id, vector_store_id=vs.id))
    out.append([f.id for f in client.vector_stores.files.list(vs.id, limit=2)])  # two pages
    out.append(client.vector_stores.files.retrieve(uploaded.id, vector_store_id=vs.id))
    out.append(
        client.vector_stores.files.update(
            uploaded.id, vector_store_id=vs.id, attributes={"kind": "policy"}
        )
    )
    out.append(list(client.vector_stores.files.content(uploaded.id, vector_store_id=vs.id)))
    out.append(client.vector_stores.search(vs.id, query="refunds", max_num_results=3).data)
    out.append([v.id for v in client.vector_stores.list(limit=5)])
    out.append(sorted(f.id for f in client.files.list()))
    out.append(client.files.retrieve(notes[0].id))
    out.append(client.vector_stores.files.delete(notes[0].id, vector_store_id=vs.id))
    out.append(client.files.delete(notes[0].id))
    try:
        client.vector_stores.retrieve("vs_missing")
    except openai.NotFoundError as err:
        out.append((err.status_code, err.body))
    out.append(client.vector_stores.delete(vs.id))
    return out


@dataclass(frozen=True)
class Captured:
    """One SDK run through mitmdump: its flow dump, mitmproxy's HAR of it, what the SDK got."""

    dump: Path
    har: Path
    results: list[Any]


def _capture(folder: Path, script: Any, *emulate: str) -> Captured:
    folder.mkdir(parents=True, exist_ok=True)
    dump, har = folder / "flows.mitm", folder / "flows.har"
    har_option = f"hardump={har}"
    with (
        vstape_server("emulate", "--listen", "127.0.0.1:0", *emulate) as (_, upstream),
        mitmdump(upstream.removesuffix("/v1"), "-w", str(dump), "--set", har_option) as url,
        OpenAI(api_key=KEY, base_url=url, max_retries=0) as client,
    ):
        results = script(client)
    assert dump.stat().st_size and har.stat().st_size
    return Captured(dump, har, results)


@pytest.fixture(scope="module")
def captured(tmp_path_factory: pytest.TempPathFactory) -> Captured:
    """The workload, captured once for the module."""
    return _capture(tmp_path_factory.mktemp("capture"), workload)


def vstape(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``vstape ARGS`` in a subprocess."""
    return subprocess.run([*VSTAPE, *args], capture_output=True, text=True, timeout=240, cwd=cwd)


def _ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _fields(item: Interaction, *without: str) -> dict[str, Any]:
    data: dict[str, Any] = msgspec.to_builtins(item, builtin_types=(bytes,))
    for name in without:
        data.get("vstape", {}).pop(name, None)
    return data


@pytest.mark.timeout(300)
def test_both_captures_import_validate_lint_and_replay_offline(
    captured: Captured, tmp_path: Path
) -> None:
    """Every route in the imported cassettes; validate and lint clean; the SDK replays them."""
    by_route = tmp_path / "from-dump"
    one_file = tmp_path / "from-har.yaml"
    # The SDK's answers are compared with the live ones, real ids included: keep them.
    log = _ok(vstape("import", str(captured.dump), "--cassette-dir", str(by_route), "--keep-ids"))
    log += _ok(vstape("import", str(captured.har), "--cassette", str(one_file), "--keep-ids"))
    assert {p.stem for p in by_route.glob("*.yaml")} == {route.name for route in ROUTES}
    assert "(mitmproxy flow dump, " in log and "(HAR file, " in log
    for target in (str(by_route), str(one_file)):
        assert "0 violations, 0 unusable" in _ok(vstape("validate", target))
        assert "0 findings, 0 unusable" in _ok(vstape("lint", target))
    written = b"".join(p.read_bytes() for p in [*by_route.iterdir(), one_file]) + log.encode()
    assert KEY.encode() not in written and KEY.encode() in captured.har.read_bytes()
    for cassettes in (by_route, one_file):
        with vstape_server("replay", str(cassettes), "--listen", "127.0.0.1:0") as (proc, url):
            with OpenAI(api_key="sk-offline", base_url=url, max_retries=0) as client:
                assert workload(client) == captured.results
            proc.send_signal(signal.SIGTERM)
            out, _ = proc.communicate(timeout=30)
        assert "0 misses, 0 recorded interactions never replayed" in out


def test_the_har_and_the_dump_of_the_same_traffic_give_the_same_cassettes(
    captured: Captured, tmp_path: Path
) -> None:
    """mitmproxy's HAR (Latin-1 multipart text and all) imports as its flow dump does."""
    _ok(vstape("import", str(captured.dump), "--cassette", str(tmp_path / "dump.yaml")))
    _ok(vstape("import", str(captured.har), "--cassette", str(tmp_path / "har.yaml")))
    from_dump = load(tmp_path / "dump.yaml").interactions
    from_har = load(tmp_path / "har.yaml").interactions
    assert len(from_dump) == len(from_har) > len(ROUTES)
    for a, b in zip(from_dump, from_har, strict=True):
        # the HAR's `time` adds up its timings; the dump has the timestamps themselves
        assert _fields(a, "duration_ms") == _fields(b, "duration_ms")
    uploads = [i.request.body for i in from_har if i.vstape.route == "upload_file"]  # type: ignore[union-attr]
    assert any("café included" in str(body) for body in uploads)


@pytest.mark.timeout(300)
def test_an_import_writes_what_vstape_record_writes(tmp_path: Path) -> None:
    """Seeded emulators, the same SDK script: `vstape record` and `mitmdump -w` + import agree."""
    recorded = tmp_path / "recorded"
    with vstape_server(
        "record",
        "--listen",
        "127.0.0.1:0",
        "--seed",
        "7",
        "--cassette-dir",
        str(recorded),
        "--keep-ids",
        "--quiet",
    ) as (proc, url):
        with OpenAI(api_key=KEY, base_url=url, max_retries=0) as client:
            run_everything(client)
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    capture = _capture(tmp_path / "capture", run_everything, "--seed", "7")
    imported = tmp_path / "imported"
    _ok(vstape("import", str(capture.dump), "--cassette-dir", str(imported), "--keep-ids"))
    stable = tmp_path / "stable"  # the default: stable placeholders, as vstape record writes
    _ok(vstape("import", str(capture.dump), "--cassette-dir", str(stable)))
    assert "vs_vstape" in (stable / "create_vector_store.yaml").read_text()
    assert "vs_vstape" not in (imported / "create_vector_store.yaml").read_text()
    _ok(vstape("diff", str(recorded), str(stable)))  # exit 0: equivalent
    names = sorted(p.name for p in recorded.iterdir())
    assert names == sorted(p.name for p in imported.iterdir()) and len(names) > 10
    for name in names:
        a, b = load(recorded / name).interactions, load(imported / name).interactions
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            assert _fields(x, "recorded_at", "duration_ms") == _fields(
                y, "recorded_at", "duration_ms"
            )
    verdicts = [i.vstape.verdict for i in load(imported / "search_vector_store.yaml").interactions]  # type: ignore[union-attr]
    assert verdicts.count("invalid") == 1  # the script's deliberate max_num_results=99


def test_mitmproxys_har_loader_reads_the_export(captured: Captured, tmp_path: Path) -> None:
    """mitmproxy.io reads `vstape export` (what mitmweb's File > Open does), entry for entry."""
    from mitmproxy import http
    from mitmproxy.io import FlowReader

    cassettes = tmp_path / "cassettes"
    _ok(vstape("import", str(captured.dump), "--cassette-dir", str(cassettes)))
    out = tmp_path / "export.har"
    _ok(vstape("export", str(cassettes), "--har", str(out)))
    items = [i for p in sorted(cassettes.glob("*.yaml")) for i in load(p).interactions]
    with open(out, "rb") as handle:
        flows = list(FlowReader(handle).stream())
    assert len(flows) == len(items)
    for flow, item in zip(flows, items, strict=True):
        assert isinstance(flow, http.HTTPFlow) and flow.response is not None
        assert (flow.request.method, flow.request.url) == (item.request.method, item.request.uri)
        assert flow.response.status_code == item.response.status.code
        assert flow.response.content == item.response.body.bytes
        # mitmproxy's loader turns postData.text into bytes by its own charset guess (Latin-1
        # for multipart), so a non-ASCII upload differs in bytes; the text is the same.
        assert flow.request.get_text() == (item.request.body or "")
    again = tmp_path / "mitmdump.mitm"  # and the mitmdump command reads it, and writes a dump
    done = subprocess.run(
        [MITMDUMP, "-n", "-q", "-r", str(out), "-w", str(again)], capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    back = tmp_path / "back.yaml"
    _ok(vstape("import", str(again), "--cassette", str(back)))
    assert [i.response.body.bytes for i in load(back).interactions] == [
        i.response.body.bytes for i in items
    ]
