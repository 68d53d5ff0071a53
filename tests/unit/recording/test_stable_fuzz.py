"""Any cassette at all: normalization never raises and is idempotent; diff never raises.

Interactions are generated on the route table's paths with random ids (real-looking,
placeholders, odd characters, non-UTF-8 bytes as surrogateescape text), random JSON or
non-JSON bodies, bytes bodies, any status.
"""

from __future__ import annotations

from typing import Any

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vstape.api.routes import ROUTES
from vstape.cassettes.io import dumps, loads
from vstape.cassettes.model import (
    Cassette,
    Interaction,
    InteractionMeta,
    Request,
    Response,
    ResponseBody,
    Status,
)
from vstape.diff.cassettes import diff_scopes
from vstape.diff.render import as_json, as_markdown, as_text
from vstape.recording.placeholders import placeholder
from vstape.recording.stable import normalize_scope

IDS = st.one_of(
    st.sampled_from(["vs_", "file-", "vsfb_", "req_", "batch_", ""]).flatmap(
        lambda p: st.text("abcXYZ019", min_size=1, max_size=26).map(lambda t: p + t)
    ),
    st.builds(placeholder, st.sampled_from(["vs_", "file-"]), st.integers(1, 99), st.just(27)),
    st.text(max_size=8),
)
# Non-UTF-8 bytes (surrogateescape text) exist in header values only: URIs are
# percent-encoded and JSON bodies are UTF-8 by the time an interaction exists.
HEADER_VALUES = IDS | st.just("vs_a\udc80b")
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(2**40), 2**40), IDS)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["id", "file_id", "file_ids", "created_at", "data", "x", "metadata"]),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


def _body(value: Any) -> str:
    return msgspec.json.encode(value).decode() if not isinstance(value, str) else value


@st.composite
def interactions(draw: st.DrawFn) -> Interaction:
    route = draw(st.sampled_from(ROUTES))
    path = "/v1" + route.template.format(**{p: draw(IDS) or "x" for p in route.params})
    query = draw(st.sampled_from(["", "?after=", "?limit=2&after="])) + draw(IDS)
    answer: Any = draw(st.one_of(JSON.map(_body), st.binary(max_size=8), st.text(max_size=8)))
    return Interaction(
        request=Request(
            route.method,
            "https://api.openai.com" + path + (query if query.startswith("?") else ""),
            draw(st.one_of(st.none(), JSON.map(_body))),
            {"x-thing": [draw(HEADER_VALUES)]},
        ),
        response=Response(
            Status(draw(st.sampled_from([200, 201, 404, 500]))),
            {"x-request-id": [draw(HEADER_VALUES)]},
            ResponseBody(answer),
        ),
        vstape=InteractionMeta(route=route.name, recorded_at="2026-01-01T00:00:00+00:00"),
    )


CASSETTES = st.lists(interactions(), max_size=6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CASSETTES, CASSETTES)
def test_normalizing_never_raises_and_is_idempotent(
    first: list[Interaction], second: list[Interaction]
) -> None:
    """Whatever the cassette, normalizing it twice gives what normalizing it once gave."""
    once = normalize_scope([first, second])
    assert normalize_scope(once) == once
    assert [len(x) for x in once] == [len(first), len(second)]
    for items in once:
        for fmt in ("yaml", "json"):
            data = dumps(Cassette(items), fmt=fmt)  # what normalize writes can be written
            assert len(loads(data, fmt=fmt).interactions) == len(items)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CASSETTES, CASSETTES)
def test_diff_never_raises_and_a_cassette_equals_itself(
    old: list[Interaction], new: list[Interaction]
) -> None:
    """Any two cassettes compare and render in every format; each is equivalent to itself."""
    report = diff_scopes({"c": old}, {"c": new})
    for text in (
        as_text(report, colour=True),
        as_json(report, "a", "b"),
        as_markdown(report, "a", "b"),
    ):
        text.encode("utf-8")  # printable as it is
    assert diff_scopes({"c": old}, {"c": old}).equivalent
    assert report.equivalent == (not report.entries)
