"""Schema-derived fuzzing: every node of every route's request and response, mutated.

Valid instances (the emulator's own SDK traffic and instances generated from the Structs,
see ``tests/unit/validation/schema_fuzz.py``) are mutated at every node into every JSON kind. Properties:

- ``vstape.validation.validate`` returns well-formed violations and never raises;
- differential: the fast path (msgspec's typed decode, integral floats as integers)
  rejects a value if and only if the walker reports at least one violation;
- the emulator answers every mutated request with a 4xx or a 200, never a 5xx, and every
  request the validator rejects with a 400 in OpenAI's envelope.

Counts come from the route table; the floor of 20,000 mutated inputs is the issue's.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, quote

import msgspec
import pytest

from tests.unit.validation import schema_fuzz as sf
from vstape.api.routes import ROUTES
from vstape.http import Request
from vstape.validation import numbers
from vstape.validation.forms import parse_form
from vstape.validation.validate import errors, validate_request, validate_response
from vstape.validation.violations import Violation
from vstape.validation.walker import collect

MIN_INPUTS = 20_000
IDS = {"vector_store_id": "vs_1", "file_id": "file-1", "batch_id": "vsfb_1"}


@cache
def _samples() -> tuple[sf.Sample, ...]:
    return tuple(sf.samples())


def _of(route: Any) -> list[sf.Sample]:
    return [sample for sample in _samples() if sample.route is route]


def _well_formed(found: list[Violation]) -> None:
    for violation in found:
        assert isinstance(violation, Violation)
        assert violation.path.startswith(("$", "query.", "header.")), violation
        assert violation.message and "\n" not in violation.line()


def _typed_accepts(sample: sf.Sample, mutated: Any) -> tuple[bool, list[Violation]]:
    """(fast path accepts, walker's violations) for the value the validator would see."""
    type_ = sample.type_
    if sample.shape == "json":
        body = sf.encode(mutated)
        try:
            numbers.decode(type_, body)
            accepted = True
        except msgspec.ValidationError:
            accepted = False
        return accepted, collect(type_, msgspec.json.decode(body), sample.side)
    if sample.shape == "form":
        fields = parse_form(sf.FORM_HEADERS["content-type"], sf.form_body(mutated)).fields
        return sf.valid(type_, fields, lax=True), collect(type_, fields, "request", lax=True)
    values = dict(parse_qsl(sf.query_string(mutated)[1:], keep_blank_values=True))
    return sf.valid(type_, values, lax=True), collect(type_, values, "request", lax=True)


def _validate(sample: sf.Sample, mutated: Any, strict: bool = False) -> list[Violation]:
    route = sample.route
    path = route.path(**{p: IDS[p] for p in route.params})
    if sample.side == "response":
        body = sf.encode(mutated)
        return validate_response(
            route.method, path, sample.status, sf.JSON_HEADERS, body, strict=strict
        )
    if sample.shape == "query":
        return validate_request(route.method, path + sf.query_string(mutated), {}, None)
    if sample.shape == "form":
        return validate_request("POST", path, sf.FORM_HEADERS, sf.form_body(mutated))
    return validate_request(route.method, path, sf.JSON_HEADERS, sf.encode(mutated), strict=True)


def test_the_mutations_cover_every_route_and_side_and_number_at_least_20000() -> None:
    """Every route's response, and its body or query when it has one, is mutated: >= 20,000."""
    counts = Counter(
        (sample.route.name, sample.side) for sample in _samples() for _ in sf.mutations(sample)
    )
    expected = {(r.name, "response") for r in ROUTES} | {
        (r.name, "request") for r in ROUTES if r.body is not None or r.query is not None
    }
    assert set(counts) == expected, expected ^ set(counts)
    assert sum(counts.values()) >= MIN_INPUTS, sum(counts.values())


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_every_mutation_is_validated_and_the_fast_path_agrees_with_the_walker(route: Any) -> None:
    """No exception, well-formed violations, and the fast path rejects iff the walker reports."""
    disagreements: list[str] = []
    checked = 0
    for sample in _of(route):
        for label, mutated in sf.mutations(sample):
            found = _validate(sample, mutated)
            _well_formed(found)
            accepted, walked = _typed_accepts(sample, mutated)
            if accepted == bool(walked):
                disagreements.append(f"{sample.side} {label}: {[v.line() for v in walked[:2]]}")
            # The validator's verdict is the fast path's: error-level violations exactly when
            # it rejects (strict mode: drift in a response is an error too).
            drift = any(v.severity == "warning" for v in found)  # the only non-strict leniency
            strict = _validate(sample, mutated, strict=True) if drift else found
            assert bool(errors(strict)) == (not accepted), (sample.side, label)
            checked += 1
    assert not disagreements, disagreements[:10]
    assert checked == sum(1 for sample in _of(route) for _ in sf.mutations(sample)) > 0


def test_the_walker_reports_a_mutation_the_fast_path_rejects() -> None:
    """Guard: the mutations really break things (most are rejected, by both paths)."""
    rejected = total = 0
    for sample in _samples()[:8]:
        for _, mutated in sf.mutations(sample):
            accepted, walked = _typed_accepts(sample, mutated)
            total += 1
            rejected += not accepted and bool(walked)
    assert rejected > total // 2


def _odd_ids() -> list[str]:
    return [quote(text, safe="") for _, text in sf.TEXT_KINDS if text] + ["..", "%2e%2e"]


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_the_emulator_answers_every_mutated_request_with_a_4xx(route: Any) -> None:
    """Mutated bodies, forms, queries and path ids: 400/404 (never 5xx); invalid => 400."""
    emulator, ids = sf.world()
    sent = 0
    for sample in _samples():
        if sample.route is not route or sample.side != "request":
            continue
        for label, mutated in sf.mutations(sample):
            request = sf.request_of(sample, mutated, ids)
            answer = emulator.handle(request)
            assert answer.status < 500, (label, answer.body[:300])
            invalid = errors(
                validate_request(request.method, request.url, dict(request.headers), request.body)
            )
            if invalid:
                assert answer.status == 400, (label, invalid[0].line(), answer.body[:200])
            assert not errors(
                validate_response(
                    request.method, request.url, answer.status, dict(answer.headers), answer.body
                )
            ), label
            sent += 1
    for param in route.params:
        for odd in _odd_ids():
            path = route.path(**{**{p: ids[p] for p in route.params}, param: odd})
            answer = emulator.handle(Request(route.method, path, tuple(sf.AUTH.items())))
            assert 400 <= answer.status < 500, (path, answer.body[:200])
            sent += 1
    assert sent > 0 or not (route.params or route.body is not None or route.query is not None)


def test_the_crash_inputs_of_issue_13_are_type_violations() -> None:
    """A discriminator sent as an object or an array is a `type` violation at its path."""
    chunking = b'{"chunking_strategy": {"type": {}}}'
    found = validate_request("POST", "/v1/vector_stores", sf.JSON_HEADERS, chunking)
    assert [(v.kind.value, v.path) for v in found] == [("type", "$.chunking_strategy.type")]
    search = b'{"query": "q", "filters": {"type": [], "key": "k", "value": 1}}'
    found = validate_request("POST", "/v1/vector_stores/vs_1/search", sf.JSON_HEADERS, search)
    assert [(v.kind.value, v.path) for v in found] == [("type", "$.filters.type")]
    emulator, ids = sf.world()
    for path, body in (
        ("/v1/vector_stores", chunking),
        (f"/v1/vector_stores/{ids['vector_store_id']}/search", search),
        (
            f"/v1/vector_stores/{ids['vector_store_id']}/files",
            b'{"file_id": "f", "chunking_strategy": {"type": []}}',
        ),
    ):
        headers = tuple({**sf.AUTH, **sf.JSON_HEADERS}.items())
        answer = emulator.handle(Request("POST", path, headers, body))
        error = msgspec.json.decode(answer.body)["error"]
        assert answer.status == 400 and error["param"].endswith("type"), answer.body
