"""The route table: names, matching, path parameters, unknown routes."""

from __future__ import annotations

import pytest

from vstape.api import routes

CASES = [
    ("GET", "/v1/vector_stores", "list_vector_stores", {}),
    ("POST", "/v1/vector_stores", "create_vector_store", {}),
    ("GET", "/v1/vector_stores/vs_1", "get_vector_store", {"vector_store_id": "vs_1"}),
    ("POST", "/v1/vector_stores/vs_1", "modify_vector_store", {"vector_store_id": "vs_1"}),
    ("DELETE", "/v1/vector_stores/vs_1", "delete_vector_store", {"vector_store_id": "vs_1"}),
    (
        "GET",
        "/v1/vector_stores/vs_1/files?limit=2",
        "list_vector_store_files",
        {"vector_store_id": "vs_1"},
    ),
    (
        "POST",
        "/v1/vector_stores/vs_1/files",
        "create_vector_store_file",
        {"vector_store_id": "vs_1"},
    ),
    (
        "GET",
        "/v1/vector_stores/vs_1/files/file-2",
        "get_vector_store_file",
        {"vector_store_id": "vs_1", "file_id": "file-2"},
    ),
    (
        "DELETE",
        "/v1/vector_stores/vs_1/files/file-2",
        "delete_vector_store_file",
        {"vector_store_id": "vs_1", "file_id": "file-2"},
    ),
    (
        "POST",
        "/v1/vector_stores/vs_1/file_batches",
        "create_vector_store_file_batch",
        {"vector_store_id": "vs_1"},
    ),
    (
        "GET",
        "/v1/vector_stores/vs_1/file_batches/vsfb_3",
        "get_vector_store_file_batch",
        {"vector_store_id": "vs_1", "batch_id": "vsfb_3"},
    ),
    (
        "POST",
        "/v1/vector_stores/vs_1/file_batches/vsfb_3/cancel",
        "cancel_vector_store_file_batch",
        {"vector_store_id": "vs_1", "batch_id": "vsfb_3"},
    ),
    (
        "GET",
        "/v1/vector_stores/vs_1/file_batches/vsfb_3/files",
        "list_files_in_vector_store_batch",
        {"vector_store_id": "vs_1", "batch_id": "vsfb_3"},
    ),
    (
        "POST",
        "/v1/vector_stores/vs_1/files/file-2",
        "update_vector_store_file_attributes",
        {"vector_store_id": "vs_1", "file_id": "file-2"},
    ),
    (
        "GET",
        "/v1/vector_stores/vs_1/files/file-2/content",
        "retrieve_vector_store_file_content",
        {"vector_store_id": "vs_1", "file_id": "file-2"},
    ),
    ("POST", "/v1/vector_stores/vs_1/search", "search_vector_store", {"vector_store_id": "vs_1"}),
    ("POST", "/v1/files", "upload_file", {}),
    ("GET", "/v1/files?purpose=batch", "list_files", {}),
    ("GET", "/v1/files/file-2", "get_file", {"file_id": "file-2"}),
    ("DELETE", "/v1/files/file-2", "delete_file", {"file_id": "file-2"}),
    (
        "GET",
        "/proxy/openai/v1/vector_stores/vs%2F1",
        "get_vector_store",
        {"vector_store_id": "vs/1"},
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "name", "params"), CASES, ids=[c[2] + c[1] for c in CASES]
)
def test_match_finds_route_and_params(
    method: str, path: str, name: str, params: dict[str, str]
) -> None:
    """Every route of design.md is matched by method and path, with its parameters."""
    found = routes.match(method, path)
    assert found is not None
    assert (name, params) == (found.route.name, found.params)


def test_the_table_holds_exactly_the_routes_above_with_unique_names() -> None:
    """The table holds the routes of design.md (the cases above) and no other, each name once."""
    assert sorted({name for _, _, name, _ in CASES}) == sorted(routes.BY_NAME)
    assert {r.name for r in routes.VECTOR_STORE_ROUTES} == {
        name for _, path, name, _ in CASES if routes.is_vector_store_path(path)
    }
    assert len(routes.BY_NAME) == len(routes.ROUTES)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/vector_stores/vs_1/bogus"),
        ("PUT", "/v1/vector_stores"),
        ("PATCH", "/v1/vector_stores/vs_1"),
    ],
)
def test_unknown_vector_store_path_is_no_match_but_is_recognised(method: str, path: str) -> None:
    """An unknown /v1/vector_stores path matches no route yet is known to be one of ours."""
    assert routes.match(method, path) is None
    assert routes.is_vector_store_path(path)


def test_other_paths_are_ignored() -> None:
    """Paths outside /v1/vector_stores and /v1/files are not ours."""
    assert routes.match("GET", "/v1/models") is None
    assert not routes.is_known_family("/v1/chat/completions")


def test_get_names_valid_routes_on_typo() -> None:
    """A misspelled route name lists the valid ones."""
    with pytest.raises(KeyError, match="valid routes: list_vector_stores"):
        routes.get("list_vectorstores")
