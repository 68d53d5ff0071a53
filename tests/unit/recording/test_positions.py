"""Id and time positions come from the schemas, and the official spec agrees with them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.api.test_crosscheck import SPEC_PAIRS, _spec, needs_spec
from vstape.api.routes import ROUTES
from vstape.recording import positions
from vstape.recording.positions import STAR, at, for_route


def _unixtime_properties(schema: dict[str, Any]) -> set[str]:
    """The spec's ``format: unixtime`` properties of a component (also inside anyOf)."""

    def unixtime(node: Any) -> bool:
        if isinstance(node, dict):
            return node.get("format") == "unixtime" or any(unixtime(v) for v in node.values())
        if isinstance(node, list):
            return any(unixtime(v) for v in node)
        return False

    return {name for name, prop in schema.get("properties", {}).items() if unixtime(prop)}


RESPONSE_COMPONENTS = {
    name: ours
    for name, ours in SPEC_PAIRS.items()
    if any(route.response is ours for route in ROUTES)
}


def test_the_response_components_are_found() -> None:
    """Guard: the cross-check table names the response objects (an empty table tests nothing)."""
    assert {"VectorStoreObject", "VectorStoreFileObject", "OpenAIFile"} <= set(RESPONSE_COMPONENTS)


@needs_spec
@pytest.mark.parametrize("component", sorted(RESPONSE_COMPONENTS))
def test_time_fields_are_the_specs_unixtime_fields(component: str) -> None:
    """Every field the spec marks ``format: unixtime`` is shifted, and nothing else is."""
    ours = RESPONSE_COMPONENTS[component]
    route = next(r for r in ROUTES if r.response is ours)
    shifted = {path[-1] for path in for_route(route.name).response_times}
    assert _unixtime_properties(_spec()[component]) == shifted


@needs_spec
def test_list_routes_shift_the_times_of_every_item() -> None:
    """A list page's items carry their times at ``data[*]``, like the object routes."""
    schema = _spec()["VectorStoreObject"]
    times = for_route("list_vector_stores").response_times
    assert {("data", STAR, name) for name in _unixtime_properties(schema)} == set(times)


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_every_path_parameter_is_an_id_position(route: Any) -> None:
    """Path parameters are ids; so is every response ``id`` a route returns at its top."""
    where = for_route(route.name)
    assert where.path_params == route.params
    assert all(name.endswith("_id") for name in where.path_params)
    if isinstance(route.response, type) and "id" in route.response.__struct_fields__:
        assert ("id",) in where.response_ids
    else:  # a list page: its items' ids and its cursors' ends
        assert {("first_id",), ("last_id",)} <= set(where.response_ids) or route.name in (
            "search_vector_store",
            "retrieve_vector_store_file_content",
        )


def test_request_and_answer_ids_named_by_the_issue() -> None:
    """file_ids, files[].file_id, search results' file_id and list cursors are id positions."""
    batch = for_route("create_vector_store_file_batch").request_ids
    assert ("file_ids", STAR) in batch and ("files", STAR, "file_id") in batch
    assert ("data", STAR, "file_id") in for_route("search_vector_store").response_ids
    assert for_route("list_vector_store_files").cursors == ("after", "before")
    assert for_route("list_files").cursors == ("after",)  # /v1/files pages forward only


def test_user_maps_are_never_id_positions() -> None:
    """metadata and attributes are the user's: no id or time position goes through them."""
    for where in positions.BY_ROUTE.values():
        for path in (*where.request_ids, *where.response_ids, *where.response_times):
            assert "metadata" not in path and "attributes" not in path


def test_at_reaches_every_item_and_only_existing_keys() -> None:
    """``at`` yields each array item's place and skips what is absent or of another shape."""
    value = {"data": [{"id": "a"}, {"x": 1}, {"id": "b"}], "first_id": "a"}
    found = [c[k] for c, k in at(value, ("data", STAR, "id"))]
    assert found == ["a", "b"]
    assert list(at(value, ("nope",))) == []
    assert list(at({"data": "not a list"}, ("data", STAR, "id"))) == []
