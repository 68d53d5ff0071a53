"""The replay server's core (vstape.replay.replayer.Replayer), without a proxy: labels, framing, routes."""

from __future__ import annotations

import json
from pathlib import Path

from vstape.cassettes.io import dump
from vstape.cassettes.model import Cassette, Interaction, Request, Response, ResponseBody, Status
from vstape.cassettes.shipped import shipped_path
from vstape.replay.replayer import Replayer

URI = "https://api.openai.com/v1/vector_stores"


def _item(name: str, headers: dict[str, list[str]] | None = None) -> Interaction:
    return Interaction(
        Request("POST", URI, f'{{"name": "{name}"}}', {"content-type": ["application/json"]}),
        Response(Status(200, "OK"), headers or {}, ResponseBody(f'{{"name": "{name}"}}')),
    )


def test_misses_and_unused_name_the_file_and_the_position_in_it(tmp_path: Path) -> None:
    """'file #position' (not an index across all files), and only the nearest file."""
    dump(Cassette([_item("a")]), tmp_path / "one.yaml")
    dump(Cassette([_item("b"), _item("c")]), tmp_path / "two.yaml")
    replayer = Replayer([tmp_path])
    miss = replayer.answer("POST", URI, {"content-type": "application/json"}, b'{"name": "x"}')
    assert miss.miss and miss.status == 404
    message = json.loads(miss.body)["error"]["message"]
    assert f"Nearest recorded request: {tmp_path / 'one.yaml'} #0 POST /v1/vector_stores" in message
    assert "in the 2 cassettes served" in message
    replayer.answer("POST", URI, {"content-type": "application/json"}, b'{"name": "b"}')
    assert replayer.unused() == [
        f"{tmp_path / 'one.yaml'} #0: POST /v1/vector_stores",
        f"{tmp_path / 'two.yaml'} #1: POST /v1/vector_stores",
    ]


def test_recorded_framing_headers_are_not_replayed(tmp_path: Path) -> None:
    """Stock vcrpy keeps transfer-encoding with content-length; the server sets its own."""
    headers = {
        "Transfer-Encoding": ["chunked"],
        "Content-Length": ["9999"],
        "connection": ["keep-alive"],
        "x-request-id": ["req_1"],
    }
    dump(Cassette([_item("a", headers)]), tmp_path / "c.yaml")
    answer = Replayer([tmp_path / "c.yaml"]).answer("POST", URI, {}, b'{"name": "a"}')
    assert dict(answer.headers) == {"x-request-id": "req_1"}


def test_route_matching_names_the_route_and_flags_merged_scenarios() -> None:
    """--match route: a miss names the route; several scenarios of one route are reported."""
    replayer = Replayer(
        [shipped_path("get_vector_store"), shipped_path("get_vector_store", "not_found")],
        match="route",
    )
    assert replayer.merged_scenarios() == ["get_vector_store: not_found, ok"]
    miss = replayer.answer("DELETE", URI + "/vs_1", {}, b"")
    assert "(route delete_vector_store)" in json.loads(miss.body)["error"]["message"]
    alone = Replayer([shipped_path("get_vector_store")], match="route")
    assert alone.merged_scenarios() == []
