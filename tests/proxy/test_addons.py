"""The validator and recorder addons as units, under mitmproxy's own test harness."""

from __future__ import annotations

import asyncio
import gzip
import json
from pathlib import Path

import pytest
from mitmproxy import exceptions, http
from mitmproxy.test import taddons, tflow

from tests import factories as f
from vstape.cassettes.io import load
from vstape.faults.catalog import CATALOG
from vstape.reports import json as json_report
from vstape_mitmproxy.faults import META as FAULT_META
from vstape_mitmproxy.faults import FaultInjector
from vstape_mitmproxy.recorder import Recorder
from vstape_mitmproxy.validator import Validator

STORE = f.vector_store(name="n")
AUTH = {"authorization": "Bearer sk-unit-0123456789", "content-type": "application/json"}


def _flow(method: str, path: str, body: bytes = b"") -> http.HTTPFlow:
    request = http.Request.make(method, f"http://127.0.0.1:9{path}", body, AUTH)
    return tflow.tflow(req=request)


def _answer(flow: http.HTTPFlow, body: bytes, headers: dict[str, str] | None = None) -> None:
    flow.response = http.Response.make(
        200, body, headers or {"content-type": "application/json", "x-request-id": "req_1"}
    )


def _run(validator: Validator, recorder: Recorder, flow: http.HTTPFlow) -> None:
    validator.request(flow)
    if flow.response is None:
        _answer(flow, json.dumps(STORE).encode())
    validator.responseheaders(flow)
    validator.response(flow)
    _record(recorder, flow)


def _record(recorder: Recorder, flow: http.HTTPFlow) -> None:
    """Run the recorder's async response hook to completion, then close its writers."""
    asyncio.run(recorder.response(flow))
    recorder.done()


def test_valid_flow_is_recorded_with_its_verdict(tmp_path: Path) -> None:
    """A valid create is recorded once, verdict ok, unmarked, with the route in metadata."""
    validator, recorder = Validator(), Recorder()
    with taddons.context(validator, recorder) as tctx:
        tctx.configure(validator, vstape_cassette=str(tmp_path / "c.yaml"), vstape_quiet=True)
        flow = _flow("POST", "/v1/vector_stores", b'{"name": "n"}')
        _run(validator, recorder, flow)
    assert flow.metadata["vstape"]["route"] == "create_vector_store"
    assert not flow.marked
    [item] = load(tmp_path / "c.yaml").interactions
    assert item.vstape and item.vstape.verdict == "ok"  # type: ignore[union-attr]
    assert item.request.headers["authorization"] == ["REDACTED"]


def test_invalid_response_is_marked_and_commented(tmp_path: Path) -> None:
    """A response missing a required field marks the flow and names the JSON path."""
    validator, recorder = Validator(), Recorder()
    broken = {k: v for k, v in STORE.items() if k != "status"}
    with taddons.context(validator, recorder) as tctx:
        tctx.configure(validator, vstape_quiet=True)
        flow = _flow("GET", "/v1/vector_stores/vs_1")
        validator.request(flow)
        _answer(flow, json.dumps(broken).encode())
        validator.response(flow)
    assert flow.marked
    assert "$.status" in flow.comment
    assert validator.report.routes["get_vector_store"].violations >= 1


def test_strict_mode_answers_invalid_requests_itself() -> None:
    """Strict mode sets a 400 OpenAI error envelope naming the bad field; nothing is forwarded."""
    validator = Validator()
    with taddons.context(validator) as tctx:
        tctx.configure(validator, vstape_strict=True, vstape_quiet=True)
        flow = _flow("POST", "/v1/vector_stores", b'{"name": "n", "bogus": 1}')
        validator.request(flow)
    assert flow.response is not None and flow.response.status_code == 400
    error = json.loads(flow.response.get_content() or b"")["error"]
    assert error["type"] == "invalid_request_error" and "$.bogus" in error["message"]


def test_other_traffic_passes_unvalidated_and_unrecorded(tmp_path: Path) -> None:
    """Paths outside /v1/vector_stores and /v1/files get no verdict and no cassette."""
    validator, recorder = Validator(), Recorder()
    with taddons.context(validator, recorder) as tctx:
        tctx.configure(validator, vstape_cassette_dir=str(tmp_path), vstape_quiet=True)
        flow = _flow("POST", "/v1/chat/completions", b'{"model": "x"}')
        _run(validator, recorder, flow)
    assert "vstape" not in flow.metadata
    assert list(tmp_path.iterdir()) == []


def test_compressed_response_recorded_decoded_and_sent_untouched(tmp_path: Path) -> None:
    """A gzip answer is decoded in the cassette while the bytes for the client stay gzip."""
    validator, recorder = Validator(), Recorder()
    with taddons.context(validator, recorder) as tctx:
        tctx.configure(  # keep ids: the cassette's body is STORE exactly, times unshifted
            validator, vstape_cassette_dir=str(tmp_path), vstape_quiet=True, vstape_keep_ids=True
        )
        flow = _flow("GET", "/v1/vector_stores/vs_1")
        validator.request(flow)
        raw = gzip.compress(json.dumps(STORE).encode())
        flow.response = http.Response.make(
            200, b"", {"content-type": "application/json", "content-encoding": "gzip"}
        )
        flow.response.raw_content = raw
        validator.response(flow)
        _record(recorder, flow)
    assert flow.response.raw_content == raw
    assert flow.response.headers["content-encoding"] == "gzip"
    [item] = load(tmp_path / "get_vector_store.yaml").interactions
    assert json.loads(item.response.body.bytes) == STORE
    assert "content-encoding" not in item.response.headers


def test_event_streams_pass_through_unrecorded(tmp_path: Path) -> None:
    """A text/event-stream response is streamed, not validated and not recorded."""
    validator, recorder = Validator(), Recorder()
    with taddons.context(validator, recorder) as tctx:
        tctx.configure(validator, vstape_cassette=str(tmp_path / "c.yaml"), vstape_quiet=True)
        flow = _flow("GET", "/v1/vector_stores/vs_1")
        validator.request(flow)
        _answer(flow, b"data: {}\n\n", {"content-type": "text/event-stream"})
        validator.responseheaders(flow)
        validator.response(flow)
        _record(recorder, flow)
    assert flow.response is not None and flow.response.stream
    assert not (tmp_path / "c.yaml").exists()


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("vstape_split", "by-moon"),
        ("vstape_format", "xml"),
        ("vstape_cassette", "out.txt"),
        ("vstape_redact_json_paths", ["metadata.owner"]),
    ],
)
def test_bad_option_is_an_options_error_naming_it(option: str, value: object) -> None:
    """A bad value raises OptionsError naming the option and the value."""
    validator = Validator()
    with taddons.context(validator) as tctx, pytest.raises(exceptions.OptionsError) as err:
        tctx.configure(validator, **{option: value})
    assert option in str(err.value)
    shown = value[0] if isinstance(value, list) else value
    assert str(shown) in str(err.value)


def test_split_rules_choose_the_cassette_file(tmp_path: Path) -> None:
    """--cassette-dir splits per route by default, per family or into one file on request."""
    validator = Validator()
    with taddons.context(validator) as tctx:
        tctx.configure(validator, vstape_cassette_dir=str(tmp_path))
        assert validator.settings.target("upload_file", "files") == tmp_path / "upload_file.yaml"
        tctx.configure(validator, vstape_split="family", vstape_format="json")
        assert validator.settings.target("upload_file", "files") == tmp_path / "files.json"
        tctx.configure(validator, vstape_split="none")
        assert validator.settings.target("upload_file", "files") == tmp_path / "cassette.json"


def test_emulator_addon_options_rebuild_it_and_refuse_bad_values() -> None:
    """vstape_emulator_polls / _seed rebuild the emulator; a negative value is refused by name."""
    from mitmproxy import exceptions

    from vstape_mitmproxy.emulator import EmulatorAddon

    addon = EmulatorAddon()
    with taddons.context(addon) as tctx:
        tctx.configure(addon, vstape_emulator_polls=3, vstape_emulator_seed=5)
        assert addon.emulator.polls_to_complete == 3 and addon.emulator.seed == 5
        with pytest.raises(exceptions.OptionsError, match="vstape_emulator_polls option -1"):
            tctx.configure(addon, vstape_emulator_polls=-1)


BODY_FAULTS = [s.name for s in CATALOG if s.kind == "body"]


def _through_faults(
    injector: FaultInjector, validator: Validator, recorder: Recorder, flow: http.HTTPFlow
) -> None:
    """The chain of `vstape record`: injector, validator, upstream, injector, validator, recorder."""
    asyncio.run(injector.request(flow))
    validator.request(flow)
    if flow.response is None:
        _answer(flow, json.dumps(STORE).encode())
    injector.response(flow)
    validator.responseheaders(flow)
    validator.response(flow)
    _record(recorder, flow)


@pytest.mark.parametrize("scenario", BODY_FAULTS)
def test_a_response_broken_on_purpose_is_not_a_violation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], scenario: str
) -> None:
    """A body fault's response is not validated: the line and the report say it was deliberate."""
    assert {"malformed_json", "empty_body", "truncated_body", "html_error_page"} <= set(BODY_FAULTS)
    injector, validator, recorder = FaultInjector(), Validator(), Recorder()
    with taddons.context(injector, validator, recorder) as tctx:
        tctx.configure(validator, vstape_cassette=str(tmp_path / "c.yaml"))
        tctx.configure(injector, vstape_faults=[f"get_vector_store:{scenario}"])
        flow = _flow("GET", "/v1/vector_stores/vs_1")
        _through_faults(injector, validator, recorder, flow)
        validator.done()
    assert flow.metadata[FAULT_META]["step"] == scenario
    assert flow.metadata["vstape"]["violations"] == []
    assert flow.metadata["vstape"]["broken_on_purpose"] == scenario
    assert not flow.marked
    assert flow.comment == f"response broken on purpose ({scenario}): not validated"
    stats = validator.report.routes["get_vector_store"]
    assert (stats.violations, stats.broken_on_purpose) == (0, 1)
    out = capsys.readouterr().out
    assert f"response broken on purpose ({scenario}): not validated" in out
    assert "1 exchanges, 1 routes, 0 violations; 1 responses broken on purpose" in out
    assert json.loads(json_report.run(validator.report))["broken_on_purpose"] == 1
    [item] = load(tmp_path / "c.yaml").interactions
    assert item.vstape and item.vstape.fault == scenario  # type: ignore[union-attr]
    assert item.vstape.verdict == "ok" and item.vstape.violations == []  # type: ignore[union-attr]


def test_the_request_of_a_broken_response_is_still_validated(tmp_path: Path) -> None:
    """max_num_results=99 with malformed_json: the request violation counts, the response is skipped."""
    injector, validator, recorder = FaultInjector(), Validator(), Recorder()
    with taddons.context(injector, validator, recorder) as tctx:
        tctx.configure(validator, vstape_quiet=True)
        tctx.configure(injector, vstape_faults=["search_vector_store:malformed_json"])
        flow = _flow(
            "POST", "/v1/vector_stores/vs_1/search", b'{"query": "q", "max_num_results": 99}'
        )
        _through_faults(injector, validator, recorder, flow)
    [violation] = flow.metadata["vstape"]["violations"]
    assert violation.side == "request" and violation.path == "$.max_num_results"
    assert flow.marked and "response broken on purpose (malformed_json)" in flow.comment
    stats = validator.report.routes["search_vector_store"]
    assert (stats.violations, stats.broken_on_purpose) == (1, 1)


def test_an_invalid_response_after_a_sequence_step_ok_is_still_a_violation() -> None:
    """Only body faults skip validation: a broken body on an `ok` step is the upstream's fault."""
    validator = Validator()
    broken = {k: v for k, v in STORE.items() if k != "status"}
    with taddons.context(validator) as tctx:
        tctx.configure(validator, vstape_quiet=True)
        flow = _flow("GET", "/v1/vector_stores/vs_1")
        flow.metadata[FAULT_META] = {"scenario": "retry_then_ok", "step": "ok"}
        validator.request(flow)
        _answer(flow, json.dumps(broken).encode())
        validator.response(flow)
    assert flow.metadata["vstape"]["broken_on_purpose"] is None
    assert validator.report.routes["get_vector_store"].violations == 1
