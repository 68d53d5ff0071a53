"""Property: no secret, wherever it hides, reaches a cassette, a report or a log line."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories as f
from vstape.cassettes.io import dumps
from vstape.cassettes.model import Cassette
from vstape.http import Request, Response
from vstape.recording.interaction import Exchange, RecordPolicy, to_interaction
from vstape.recording.redact import scrub_text
from vstape.reports import json as json_report
from vstape.reports import junit, text
from vstape.reports.run import RunReport

SETTINGS = settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)
token = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    min_size=12,
    max_size=40,
).filter(  # a key's shape (upper, lower, digit): not a word of the cassette's own, e.g. "interactions"
    lambda v: (
        any(c.isupper() for c in v) and any(c.islower() for c in v) and any(c.isdigit() for c in v)
    )
)
secret = st.one_of(
    token.map(lambda t: f"sk-{t}"),
    token.map(lambda t: f"sk-proj-{t}"),
    token.map(lambda t: f"sess-{t}"),
)
casing = st.sampled_from([str.lower, str.upper, str.title, lambda s: s])
header_name = st.sampled_from(
    ["Authorization", "OpenAI-Organization", "OpenAI-Project", "Cookie", "X-Api-Key", "Api-Key"]
)
json_key = st.sampled_from(
    ["api_key", "password", "client_secret", "access_token", "secret", "apiKey"]
)
query_key = st.sampled_from(["api_key", "key", "token", "access_token", "client_secret"])
nesting = st.lists(st.sampled_from(["metadata", "data", "x", "filters"]), max_size=4)


def _nest(path: list[str], key: str, value: str) -> dict[str, object]:
    body: dict[str, object] = {key: value}
    for part in reversed(path):
        body = {part: body}
    return body


@SETTINGS
@given(secret, header_name, casing, json_key, query_key, nesting, st.booleans())
def test_no_secret_reaches_disk_report_or_log(
    value: str, header: str, case: object, key: str, param: str, path: list[str], free_text: bool
) -> None:
    """A secret in a header (any casing), cookie, query string, nested JSON key or free text is redacted."""
    name = case(header)  # type: ignore[operator]
    header_value = f"Bearer {value}" if header.lower() == "authorization" else value
    if header.lower() == "cookie":
        header_value = f"session={value}"
    body = _nest(path, key, value)
    if free_text:
        body["note"] = f"my key is {value} do not share"
    exchange = Exchange(
        Request(
            "POST",
            f"http://127.0.0.1:8080/v1/vector_stores?{param}={value}",
            [(name, header_value), ("content-type", "application/json")],
            json.dumps(body).encode(),
        ),
        Response(
            400,
            [("content-type", "application/json"), ("set-cookie", f"s={value}")],
            f.body(f.error(f"Incorrect API key provided: {value}")),
        ),
    )
    interaction = to_interaction(exchange, RecordPolicy())
    report = RunReport()
    report.add("create_vector_store", 400, interaction.vstape.violations, [])  # type: ignore[union-attr]
    written = (
        dumps(Cassette([interaction]))
        + dumps(Cassette([interaction]), fmt="json")
        + json_report.run(report)
    )
    written += junit.run(report) + text.run(report).encode()
    assert value.encode() not in written
    assert value not in scrub_text(f"vstape create_vector_store 400 {value}")
