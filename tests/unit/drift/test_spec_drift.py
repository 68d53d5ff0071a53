"""`vstape drift spec` on the official spec (everything known) and on modified copies of it.

Each modified copy changes one thing the way a newer spec would; the test asserts that
exactly that is reported as drift, at its path and spec pointer, and nothing else.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.unit.drift.spec_copy import dropping, needs_spec, official, patched, setting
from vstape.api.routes import ROUTES
from vstape.drift.known import KNOWN
from vstape.drift.model import Drift
from vstape.drift.spec import compare_document

pytestmark = needs_spec

ROOT = Path(__file__).resolve().parents[3]
SCHEMAS = ("components", "schemas")
STORE = (*SCHEMAS, "VectorStoreObject")


def _drift(document: dict[str, Any]) -> list[Drift]:
    return [d for d in compare_document(document, "spec.yaml", "") if d.known is None]


def test_the_official_spec_shows_only_known_differences() -> None:
    """Every difference is documented, and every documented entry still matches something."""
    document, text = official()
    items = compare_document(document, "spec.yaml", text)
    assert items, "the spec and vstape differ in documented ways; none found means a broken walk"
    unknown = [f"{d.kind} {d.route} {d.path} {d.where}" for d in items if d.known is None]
    assert not unknown
    used = {d.known for d in items}
    assert {k.key for k in KNOWN} == used, "a known entry no longer matches: drop or fix it"
    readme = (ROOT / "docs" / "readme" / "drift.md").read_text(encoding="utf-8")
    assert all(f"`{key}`" in readme for key in used), "docs/readme/drift.md lists every key"


def test_a_new_property_on_the_vector_store_object() -> None:
    document = patched(official()[0], (*STORE, "properties"), setting("color", {"type": "string"}))
    (item,) = _drift(document)
    assert (item.kind, item.where) == (
        "property_added",
        "#/components/schemas/VectorStoreObject/properties/color",
    )
    assert item.path.endswith("$.color") or item.path.endswith("$.data[*].color")
    assert {"create_vector_store", "get_vector_store", "list_vector_stores"} <= set(item.routes)


def test_a_new_status_enum_value() -> None:
    document = patched(
        official()[0],
        (*STORE, "properties", "status"),
        lambda node: {**node, "enum": [*node["enum"], "archived"]},
    )
    (item,) = _drift(document)
    assert (item.kind, item.theirs) == ("enum_added", "archived")
    assert item.where == "#/components/schemas/VectorStoreObject/properties/status"
    assert re.fullmatch(r"response 200 \$(\.data\[\*\])?\.status", item.path)


def test_a_lowered_max_length() -> None:
    """Attribute strings: 512 in the spec and in vstape; the copy says 256."""
    where = (
        *SCHEMAS,
        "VectorStoreFileAttributes",
        "anyOf",
        "0",
        "additionalProperties",
        "oneOf",
        "0",
    )
    document = patched(official()[0], where, setting("maxLength", 256))
    items = _drift(document)
    assert items
    assert {(d.kind, d.ours, d.theirs) for d in items} == {("limit_changed", 512, 256)}
    # A limit inside a union is reported where the union is declared (the map's values).
    assert {d.where for d in items} == {
        "#/components/schemas/VectorStoreFileAttributes/anyOf/0/additionalProperties"
    }
    assert all(d.path.endswith(".attributes.*") for d in items)


def test_a_removed_property() -> None:
    document = patched(official()[0], (*STORE, "properties"), dropping("usage_bytes"))
    document = patched(
        document,
        STORE,
        lambda n: {**n, "required": [r for r in n["required"] if r != "usage_bytes"]},
    )
    (item,) = _drift(document)
    assert item.kind == "property_removed"
    assert item.where == "#/components/schemas/VectorStoreObject/properties/usage_bytes"
    assert item.path.endswith(".usage_bytes")


def test_a_new_operation_under_vector_stores() -> None:
    operation = {
        "operationId": "archiveVectorStore",
        "responses": {"200": {"description": "OK"}},
    }
    document = patched(
        official()[0],
        ("paths",),
        setting("/vector_stores/{vector_store_id}/archive", {"post": operation}),
    )
    (item,) = _drift(document)
    assert (item.kind, item.path, item.theirs) == (
        "operation_added",
        "POST /vector_stores/{vector_store_id}/archive",
        "archiveVectorStore",
    )
    assert item.where == "#/paths/~1vector_stores~1{vector_store_id}~1archive/post"


HEADERS = ("components", "responses", "TooManyRequests", "headers")


def test_a_changed_response_header() -> None:
    """Retry-After's minimum lowered, and a new header on the 429."""
    document = patched(official()[0], (*HEADERS, "Retry-After", "schema"), setting("minimum", 0))
    document = patched(
        document, HEADERS, setting("X-Retry-Budget", {"schema": {"type": "integer"}})
    )
    items = _drift(document)
    found = {(d.kind, d.path, d.ours, d.theirs) for d in items}
    assert found == {
        ("limit_changed", "response 429 header.retry-after", 1, 0),
        ("header_added", "response 429 header.x-retry-budget", None, "X-Retry-Budget"),
    }
    (changed,) = [d for d in items if d.kind == "limit_changed"]
    assert changed.where == "#/components/responses/TooManyRequests/headers/Retry-After/schema"
    assert len(changed.routes) == sum(1 for r in ROUTES if r.family == "vector_stores")


def test_a_removed_response_header() -> None:
    document = patched(official()[0], HEADERS, dropping("Retry-After"))
    items = _drift(document)
    assert {(d.kind, d.path) for d in items} == {
        ("header_removed", "response 429 header.retry-after")
    }


def test_a_type_change_and_a_new_required_field() -> None:
    document = patched(
        official()[0], (*STORE, "properties", "usage_bytes"), setting("type", "string")
    )
    document = patched(
        document,
        (*SCHEMAS, "VectorStoreFileObject"),
        lambda n: {**n, "required": [*n["required"], "attributes"]},
    )
    found = {
        (d.kind, d.where.rsplit("/", 3)[-3], d.path.rsplit(".", 1)[-1]) for d in _drift(document)
    }
    assert found == {
        ("type_changed", "VectorStoreObject", "usage_bytes"),
        ("required_added", "VectorStoreFileObject", "attributes"),
    }


@pytest.mark.parametrize("route", [r for r in ROUTES if r.family == "files"], ids=lambda r: r.name)
def test_an_operation_vstape_has_and_the_spec_lost(route: Any) -> None:
    template = route.template
    document = patched(official()[0], ("paths", template), dropping(route.method.lower()))
    items = _drift(document)
    assert [(d.kind, d.route, d.path) for d in items] == [
        ("operation_removed", route.name, f"{route.method} {template}")
    ]


def test_each_item_names_the_line_of_its_schema() -> None:
    document, text = official()
    items = compare_document(document, "spec.yaml", text)
    lines = text.splitlines()
    for item in items:
        name = item.where.split("/")[3] if item.where.startswith("#/components/") else None
        if name:
            assert lines[item.line - 1].strip().rstrip(":").strip("\"'") == name, item.where


def test_new_responses_and_a_new_request_field() -> None:
    """A 201 is new; a 404 answered with the error envelope is what vstape already models."""
    responses = ("paths", "/vector_stores", "post", "responses")
    ok = {"description": "Created", "content": {"application/json": {"schema": {"type": "object"}}}}
    error = {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
    }
    document = patched(official()[0], responses, setting("201", ok))
    document = patched(document, responses, setting("404", error))
    document = patched(
        document,
        (*SCHEMAS, "CreateVectorStoreRequest", "properties"),
        setting("tier", {"type": "string", "enum": ["standard"]}),
    )
    found = {(d.kind, d.route, d.path) for d in _drift(document)}
    assert found == {
        ("response_added", "create_vector_store", "status 201"),
        ("property_added", "create_vector_store", "request $.tier"),
    }
