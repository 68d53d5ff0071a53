"""vstape.http: the request target, and a response's reason as received or as standard."""

from __future__ import annotations

import pytest

from vstape.http import Request, Response
from vstape.recording.interaction import Exchange, RecordPolicy, to_interaction


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("http://127.0.0.1:8080/v1/vector_stores?limit=2", "/v1/vector_stores?limit=2"),
        ("https://api.openai.com/v1/files/file-1", "/v1/files/file-1"),
        (
            "/v1/vector_stores/vs_1/files?filter=completed",
            "/v1/vector_stores/vs_1/files?filter=completed",
        ),
        ("http://127.0.0.1:8080", "/"),
        ("http://127.0.0.1:8080?a=1", "/?a=1"),
    ],
)
def test_the_target_is_the_path_with_its_query(url: str, target: str) -> None:
    """What the route table matches and the validator checks, from an absolute URL or a path."""
    assert Request("GET", url).target == target


def test_a_response_gets_the_standard_reason_unless_received_as_it_was() -> None:
    """The constructor fills the phrase in; as_received keeps what the wire said, even nothing."""
    assert Response(404).reason == "Not Found"
    assert Response(404, reason="Nope").reason == "Nope"
    assert Response.as_received(404, [], b"", "").reason == ""
    assert Response.as_received(404, [], b"", "Nope").reason == "Nope"


def test_a_reasonless_response_is_recorded_without_one() -> None:
    """An HTTP/2 answer (no reason phrase) is recorded with an empty message, not a made-up one."""
    exchange = Exchange(
        Request("GET", "https://api.openai.com/v1/files/file-1"),
        Response.as_received(404, [("content-type", "application/json")], b"{}", ""),
    )
    status = to_interaction(exchange, RecordPolicy()).response.status
    assert (status.code, status.message) == (404, "")
