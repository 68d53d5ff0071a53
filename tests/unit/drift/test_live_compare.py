"""A live answer against the recorded one: shape changes only, never values or user data."""

from __future__ import annotations

import json
from typing import Any

from vstape.api.routes import BY_NAME
from vstape.drift.live_compare import Answer, compare_answer
from vstape.drift.model import Drift

BASE = Drift(check="live", kind="", message="", route="list_vector_stores")
STORE = {
    "id": "vs_1",
    "object": "vector_store",
    "created_at": 1,
    "name": "a",
    "usage_bytes": 0,
    "file_counts": {"in_progress": 0, "completed": 0, "failed": 0, "cancelled": 0, "total": 0},
    "status": "completed",
    "last_active_at": 1,
    "metadata": {"team": "docs"},
}
HEADERS = {"content-type": ["application/json"], "x-request-id": ["req_1"]}


def _page(*stores: dict[str, Any]) -> bytes:
    body = {
        "object": "list",
        "data": list(stores),
        "has_more": False,
        "first_id": "vs_1",
        "last_id": "vs_1",
    }
    return json.dumps(body).encode()


def _compare(old: bytes, new: bytes, headers: list[tuple[str, str]] | None = None) -> list[Drift]:
    live = Answer(
        200, headers or [("content-type", "application/json"), ("x-request-id", "r")], new
    )
    return compare_answer(BY_NAME["list_vector_stores"], 200, HEADERS, old, live, BASE)


def test_values_user_maps_nulls_and_momentary_headers_are_not_drift() -> None:
    other = {
        **STORE,
        "id": "vs_2",
        "name": None,
        "metadata": {"owner": "me"},
        "status": "in_progress",
    }
    headers = [
        ("content-type", "application/json; charset=utf-8"),
        ("x-request-id", "r"),
        ("openai-poll-after-ms", "100"),
    ]
    assert _compare(_page(STORE), _page(other), headers) == []


def test_a_field_added_to_every_item_is_one_item_with_folded_indices() -> None:
    found = _compare(
        _page(STORE, STORE), _page({**STORE, "color": "blue"}, {**STORE, "color": "red"})
    )
    assert [(d.kind, d.path) for d in found] == [("field_added", "response $.data[*].color")]


def test_a_new_enum_value_a_type_change_and_a_new_header() -> None:
    changed = {**STORE, "status": "archived", "usage_bytes": "12"}
    headers = [("content-type", "application/json"), ("x-request-id", "r"), ("x-new", "1")]
    found = {(d.kind, d.path) for d in _compare(_page(STORE), _page(changed), headers)}
    assert found == {
        ("enum_added", "response $.data[*].status"),
        ("type_changed", "response $.data[*].usage_bytes"),
        ("header_added", "header.x-new"),
    }
