"""The failure catalog: faithful wire content, specs that explain their mistakes, a seeded plan."""

from __future__ import annotations

import importlib
import json

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vstape.api.routes import BY_NAME, ROUTES, Route
from vstape.api.schemas import ErrorResponse
from vstape.faults import catalog as faults
from vstape.faults.catalog import CATALOG, FaultPlan, FaultSpecError, parse_spec
from vstape.validation.validate import errors, validate_response

SDK_RETRIES = {408, 409, 429}  # and every status >= 500 (openai-sdk-notes.md, section 7)


@pytest.mark.parametrize("scenario", CATALOG, ids=[s.name for s in CATALOG])
def test_exception_names_resolve(scenario: faults.Scenario) -> None:
    """Every catalog exception is a real class of the SDK (or json)."""
    if not scenario.exception:
        assert scenario.kind in ("sequence", "latency")
        return
    module, _, name = scenario.exception.rpartition(".")
    found = getattr(importlib.import_module(module), name)
    assert issubclass(found, BaseException)


@pytest.mark.parametrize(
    "scenario", [s for s in CATALOG if s.kind == "status"], ids=lambda s: s.name
)
def test_status_scenarios_retry_exactly_as_the_sdk_decides(scenario: faults.Scenario) -> None:
    """``retried`` follows the SDK's rule: 408/409/429/5xx unless x-should-retry: false."""
    assert scenario.status is not None
    refused = ("x-should-retry", "false") in scenario.headers
    expected = (scenario.status in SDK_RETRIES or scenario.status >= 500) and not refused
    assert scenario.retried is expected


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_error_responses_are_valid_envelopes_for_every_route(route: Route) -> None:
    """Each status fault of each route is an ErrorResponse the validator accepts."""
    params = {p: f"{p}_123" for p in route.params}
    for scenario in faults.scenarios_for(route):
        if scenario.kind != "status":
            continue
        wire = faults.error_response(scenario, route, params, "req_0123")
        envelope = msgspec.json.decode(wire.body, type=ErrorResponse)
        assert envelope.error.message and "{" not in envelope.error.message
        assert wire.status == scenario.status
        assert ("x-request-id", "req_0123") in wire.headers
        headers = dict(wire.headers)
        assert (
            errors(
                validate_response(
                    route.method, route.path(**params), wire.status, headers, wire.body
                )
            )
            == []
        )
        if scenario.name == "not_found":
            assert params[route.params[-1]] in envelope.error.message
        if scenario.name == "bad_request":
            assert envelope.error.param


def test_rate_limit_carries_the_retry_headers() -> None:
    """429: retry-after and retry-after-ms (the SDK reads -ms first), rate-limit headers."""
    wire = faults.error_response(faults.get("rate_limited"), BY_NAME["get_vector_store"], {}, "r")
    headers = dict(wire.headers)
    assert headers["retry-after"] == "1" and float(headers["retry-after-ms"]) > 0
    assert headers["x-ratelimit-remaining-requests"] == "0"
    body = json.loads(wire.body)["error"]
    assert (body["type"], body["code"]) == ("requests", "rate_limit_exceeded")


def test_broken_bodies_are_broken_in_the_right_way() -> None:
    """malformed_json does not parse, truncated_body is a prefix, empty_body is empty."""
    body = b'{\n  "id": "vs_1",\n  "object": "vector_store"\n}'
    with pytest.raises(json.JSONDecodeError):
        json.loads(faults.corrupt(faults.get("malformed_json"), body))
    truncated = faults.corrupt(faults.get("truncated_body"), body)
    assert body.startswith(truncated) and 0 < len(truncated) < len(body)
    assert faults.corrupt(faults.get("empty_body"), body) == b""
    with pytest.raises(ValueError, match="does not corrupt a body"):
        faults.corrupt(faults.get("rate_limited"), body)


def test_transport_stand_ins_say_what_they_are() -> None:
    """A stand-in is a valid envelope naming the fault and the exception vstape raises."""
    wire = faults.stand_in(faults.get("read_timeout"), "req_1")
    error = msgspec.json.decode(wire.body, type=ErrorResponse).error
    assert wire.status == 504 and error.code == "read_timeout"
    assert "ReadTimeout" in error.message and "openai.APITimeoutError" in error.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("get_vector_store:rate_limited", ("get_vector_store", "rate_limited", 1, None)),
        ("*:server_error:every 3", ("*", "server_error", 3, None)),
        (
            "search_vector_store:read_timeout:rate 0.25",
            ("search_vector_store", "read_timeout", 1, 0.25),
        ),
        ("list_files:retry_then_ok", ("list_files", "retry_then_ok", 1, None)),
    ],
)
def test_specs_parse(value: str, expected: tuple[object, ...]) -> None:
    """The documented forms."""
    spec = parse_spec(value)
    assert (spec.route, spec.scenario.name, spec.every, spec.rate) == expected
    assert parse_spec(spec.text()) == spec


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("get_vector_store", "expected ROUTE:SCENARIO"),
        ("get_vector_stor:rate_limited", "unknown route 'get_vector_stor'; valid routes: *"),
        ("get_vector_store:rate_limit", "unknown scenario 'rate_limit'; valid scenarios:"),
        (
            "list_vector_stores:not_found",
            "not_found does not apply to list_vector_stores; it applies to:",
        ),
        ("get_vector_store:server_error:every 0", "every '0': expected an integer >= 1"),
        (
            "get_vector_store:server_error:rate 2",
            "rate '2': expected a probability between 0 and 1",
        ),
        ("get_vector_store:server_error:often", "'often' is not 'every N' or 'rate P'"),
        ("get_vector_store_file:poll_sequence", "use `vstape record --polls N`"),
    ],
)
def test_bad_specs_say_what_is_wrong(value: str, message: str) -> None:
    """Each mistake names the value and the fix."""
    with pytest.raises(FaultSpecError, match=message.replace("*", r"\*").replace("(", r"\(")):
        parse_spec(value)


def test_every_n_fails_the_first_of_each_n() -> None:
    """every 2: fail, pass, fail, pass: a client retrying once gets through."""
    plan = FaultPlan([parse_spec("get_vector_store:server_error:every 2")])
    route = BY_NAME["get_vector_store"]
    got = [plan.decide(route) is not None for _ in range(6)]
    assert got == [True, False, True, False, True, False]
    assert plan.decide(BY_NAME["list_vector_stores"]) is None  # other routes untouched


def test_rate_is_seeded_and_roughly_right() -> None:
    """rate P with a seed: reproducible, and near P over many requests."""
    route = BY_NAME["search_vector_store"]

    def run() -> list[bool]:
        plan = FaultPlan([parse_spec("*:server_error:rate 0.3")], seed=7)
        return [plan.decide(route) is not None for _ in range(2000)]

    first = run()
    assert first == run()
    assert 0.25 < sum(first) / len(first) < 0.35


def test_sequences_cycle_per_route() -> None:
    """retry_then_ok: 429, 429, ok, again, counted per route."""
    plan = FaultPlan([parse_spec("*:retry_then_ok")])
    a, b = BY_NAME["get_vector_store"], BY_NAME["list_files"]
    steps = [plan.decide(a), plan.decide(b), plan.decide(a), plan.decide(a), plan.decide(a)]
    assert [s[1] for s in steps if s] == [
        "rate_limited",
        "rate_limited",
        "rate_limited",
        "ok",
        "rate_limited",
    ]


def test_header_request_wins_and_poll_sequence_is_only_a_label() -> None:
    """A scenario asked for by header is played; poll_sequence passes the request on."""
    plan = FaultPlan([])
    route = BY_NAME["get_vector_store_file"]
    assert plan.decide(route, "not_found") == (faults.get("not_found"), "not_found")
    assert plan.decide(route, "poll_sequence") == (faults.get("poll_sequence"), "ok")


def test_vstape_faults_prints_the_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    """`vstape faults` lists every scenario; --route narrows; --json is the data; bad route: 2."""
    from vstape.cli.main import main

    assert main(["faults"]) == 0
    out = capsys.readouterr().out
    assert all(f"\n{s.name} " in out for s in CATALOG)
    assert main(["faults", "--route", "list_vector_stores", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert "not_found" not in [r["name"] for r in rows]
    assert {"name": "rate_limited", "sdk_exception": "openai.RateLimitError"}.items() <= next(
        r for r in rows if r["name"] == "rate_limited"
    ).items()
    assert main(["faults", "--route", "nope"]) == 2
    assert "unknown route 'nope'; valid routes:" in capsys.readouterr().err


@settings(max_examples=400, deadline=None)
@given(
    st.text(max_size=80)
    | st.from_regex(r"[a-z_*]{0,20}:[a-z_]{0,20}(:(every|rate) ?[-0-9.e]{0,6})?", fullmatch=True)
)
def test_any_fault_spec_text_parses_or_says_why(text: str) -> None:
    """Fuzzed --fault values: a FaultSpec, or a FaultSpecError quoting the value; nothing else."""
    try:
        spec = parse_spec(text)
    except FaultSpecError as err:
        assert repr(text) in str(err)
    else:
        assert spec.scenario.applies(BY_NAME[spec.route]) if spec.route != "*" else True
        assert spec.every >= 1 and (spec.rate is None or 0 <= spec.rate <= 1)


def test_a_sequence_follows_the_clients_retry_count_when_it_sends_one() -> None:
    """x-stainless-retry-count 0, 1, 2 -> 429, 429, ok, for every client, whatever the others do."""
    plan = FaultPlan([parse_spec("create_vector_store:retry_then_ok")])
    route = BY_NAME["create_vector_store"]
    interleaved = [plan.decide(route, attempt=a) for a in (0, 0, 1, 1, 2, 2, 5)]
    assert [d[1] for d in interleaved if d] == [
        "rate_limited",
        "rate_limited",
        "rate_limited",
        "rate_limited",
        "ok",
        "ok",
        "ok",
    ]
