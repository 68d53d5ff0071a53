"""The recorder addon without its writer process: never started, or dead mid-run - nothing lost silently.

mitmproxy's own harness drives the real Validator and Recorder; the writer process is the
real child. Killed between flows, the next flow is recorded in the proxy itself; a proxy
that cannot start one records in-process from the first flow (and says so in its log).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
from pathlib import Path

import pytest
from mitmproxy import http
from mitmproxy.test import taddons, tflow

from tests import factories
from vstape.cassettes.io import load
from vstape.recording.sink import CassetteSink
from vstape.recording.writer_process import WriterProcess
from vstape_mitmproxy.recorder import Recorder
from vstape_mitmproxy.validator import Validator

AUTH = {"authorization": "Bearer sk-unit-0123456789", "content-type": "application/json"}


def _record(validator: Validator, recorder: Recorder, request_id: str) -> None:
    request = http.Request.make(
        "POST", "http://127.0.0.1:9/v1/vector_stores", b'{"name": "n"}', AUTH
    )
    flow = tflow.tflow(req=request)
    validator.request(flow)
    flow.response = http.Response.make(
        200,
        json.dumps(factories.vector_store()).encode(),
        {"content-type": "application/json", "x-request-id": request_id},
    )
    validator.responseheaders(flow)
    validator.response(flow)
    asyncio.run(recorder.response(flow))


def _ids(path: Path) -> list[str]:
    return [i.response.headers["x-request-id"][0] for i in load(path).interactions]


def test_a_killed_writer_process_hands_over_to_the_proxy(tmp_path: Path) -> None:
    """Flow 1 through the child; the child killed; flow 2 in-process; both on disk, none lost."""
    cassette = tmp_path / "c.yaml"
    validator, recorder = Validator(), Recorder()
    with taddons.context(validator, recorder) as tctx:
        tctx.configure(validator, vstape_cassette=str(cassette), vstape_keep_ids=True)
        _record(validator, recorder, "req_1")
        child = recorder.sink
        assert isinstance(child, WriterProcess)
        os.kill(child.process.pid, signal.SIGKILL)
        child.process.wait(10)
        _record(validator, recorder, "req_2")
        assert isinstance(recorder.sink, CassetteSink)
        recorder.done()
    assert _ids(cassette) == ["req_1", "req_2"]
    assert recorder.tally.not_recorded == 0 and recorder.exit_status() == 0


def test_a_proxy_without_a_python_to_run_records_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """No interpreter for the child (a frozen mitmproxy): a warning, then every flow recorded."""
    monkeypatch.setattr("sys.executable", "")
    cassette = tmp_path / "c.yaml"
    validator, recorder = Validator(), Recorder()
    with (
        caplog.at_level(logging.WARNING, logger="vstape"),
        taddons.context(validator, recorder) as tctx,
    ):
        tctx.configure(validator, vstape_cassette=str(cassette))
        for n in range(3):
            _record(validator, recorder, f"req_{n}")
        assert isinstance(recorder.sink, CassetteSink)
        recorder.done()
    assert len(_ids(cassette)) == 3 and recorder.tally.not_recorded == 0
    assert "recording in the proxy's own process" in caplog.text


def test_options_changed_mid_run_apply_to_the_next_flows(tmp_path: Path) -> None:
    """`:set vstape_keep_ids=false` in a running proxy: a new writer, placeholders from then on."""
    cassette = tmp_path / "c.yaml"
    validator, recorder = Validator(), Recorder()
    with taddons.context(validator, recorder) as tctx:
        tctx.configure(validator, vstape_cassette=str(cassette), vstape_keep_ids=True)
        _record(validator, recorder, "req_real_one")
        first = recorder.sink
        tctx.configure(validator, vstape_keep_ids=False)
        assert recorder.sink is None  # the first writer finished what it held
        _record(validator, recorder, "req_real_two")
        assert recorder.sink is not first
        recorder.done()
    ids = _ids(cassette)
    assert ids[0] == "req_real_one" and len(ids) == 2 and ids[1] != "req_real_two"
    assert recorder.tally.not_recorded == 0
