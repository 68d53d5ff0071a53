"""Fault specs that explain their mistakes, and a seeded plan that decides per request."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vstape.api.routes import BY_NAME
from vstape.faults.catalog import get
from vstape.faults.plan import FaultPlan, FaultSpecError, parse_spec


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
    assert plan.decide(route, "not_found") == (get("not_found"), "not_found")
    assert plan.decide(route, "poll_sequence") == (get("poll_sequence"), "ok")


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
