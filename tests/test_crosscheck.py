"""Cross-checks that keep the schemas honest: the official SDK's types and the official spec."""

from __future__ import annotations

import copy
import os
import typing
from functools import cache
from pathlib import Path
from typing import Any

import msgspec
import pydantic
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from openai.types import FileObject, VectorStore, VectorStoreDeleted, VectorStoreSearchResponse
from openai.types.vector_stores import (
    FileContentResponse,
    VectorStoreFile,
    VectorStoreFileBatch,
    VectorStoreFileDeleted,
)

from vstape import schemas as s
from vstape.violations import Kind
from vstape.walker import collect


def _find_spec() -> Path:
    """The official spec: $VSTAPE_OPENAPI, else ../shared next to the checkout, else /work/shared.

    It is never copied into the repository; a clone elsewhere still finds the workplace's copy.
    """
    relative = Path("shared") / "openapi" / "openai-openapi.yaml"
    candidates = [
        Path(os.environ.get("VSTAPE_OPENAPI", "")),
        Path(__file__).resolve().parents[2] / relative,
        Path("/work") / relative,
    ]
    return next((c for c in candidates if c.name and c.is_file()), candidates[1])


SPEC = _find_spec()

SDK_PAIRS: list[tuple[type[pydantic.BaseModel], Any]] = [
    (VectorStore, s.VectorStore),
    (VectorStoreFile, s.VectorStoreFile),
    (VectorStoreFileBatch, s.VectorStoreFileBatch),
    (VectorStoreDeleted, s.VectorStoreDeleted),
    (VectorStoreFileDeleted, s.VectorStoreFileDeleted),
    (VectorStoreSearchResponse, s.SearchResult),
    (FileContentResponse, s.FileContentItem),
    (FileObject, s.FileObject),
]


def _kind(annotation: Any) -> set[str]:
    """The JSON kinds an annotation allows (roughly: enough to catch a wrong type)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return set().union(*(_kind(a) for a in typing.get_args(annotation)))
    if origin is typing.Literal:
        return {type(v).__name__ for v in typing.get_args(annotation)}
    if annotation is type(None):
        return {"NoneType"}
    if origin in (list, typing.List):  # noqa: UP006
        return {"list"}
    if origin in (dict, typing.Dict):  # noqa: UP006
        return {"dict"}
    if isinstance(annotation, type):
        if issubclass(annotation, pydantic.BaseModel) or issubclass(annotation, msgspec.Struct):
            return {"dict"}
        return {annotation.__name__}
    return {"any"}


@pytest.mark.parametrize(("sdk", "ours"), SDK_PAIRS, ids=[p[0].__name__ for p in SDK_PAIRS])
def test_every_sdk_field_exists_with_a_compatible_type(
    sdk: type[pydantic.BaseModel], ours: Any
) -> None:
    """Each field of the SDK's type is in our Struct, and the JSON kinds overlap."""
    hints = typing.get_type_hints(ours)
    for name, field in sdk.model_fields.items():
        assert name in hints, f"{ours.__name__} lacks the SDK field {name!r}"
        sdk_kinds = _kind(field.annotation) - {"NoneType", "any"}
        our_kinds = _kind(hints[name]) - {"NoneType", "UnsetType", "any"}
        if "float" in sdk_kinds:
            sdk_kinds |= {"int"}
        if sdk_kinds and our_kinds and "dict" not in sdk_kinds:
            assert sdk_kinds & our_kinds, (
                f"{ours.__name__}.{name}: SDK {sdk_kinds} vs ours {our_kinds}"
            )


@cache
def _spec() -> dict[str, Any]:
    with SPEC.open("rb") as handle:
        document: dict[str, Any] = yaml.load(handle, Loader=yaml.CSafeLoader)
    return document["components"]["schemas"]  # type: ignore[no-any-return]


SPEC_PAIRS: dict[str, Any] = {
    "VectorStoreObject": s.VectorStore,
    "VectorStoreFileObject": s.VectorStoreFile,
    "VectorStoreFileBatchObject": s.VectorStoreFileBatch,
    "CreateVectorStoreRequest": s.CreateVectorStoreRequest,
    "UpdateVectorStoreRequest": s.UpdateVectorStoreRequest,
    "CreateVectorStoreFileRequest": s.CreateVectorStoreFileRequest,
    "CreateVectorStoreFileBatchRequest": s.CreateVectorStoreFileBatchRequest,
    "UpdateVectorStoreFileAttributesRequest": s.UpdateVectorStoreFileAttributesRequest,
    "VectorStoreSearchRequest": s.SearchRequest,
    "VectorStoreSearchResultsPage": s.SearchResultsPage,
    "VectorStoreSearchResultItem": s.SearchResult,
    "VectorStoreFileContentResponse": s.VectorStoreFileContent,
    "DeleteVectorStoreResponse": s.VectorStoreDeleted,
    "DeleteVectorStoreFileResponse": s.VectorStoreFileDeleted,
    "StaticChunkingStrategy": s.StaticChunking,
    "VectorStoreExpirationAfter": s.ExpiresAfter,
    "Error": s.Error,
    "ErrorResponse": s.ErrorResponse,
}
needs_spec = pytest.mark.skipif(not SPEC.exists(), reason=f"the official spec is not at {SPEC}")


def _literals(annotation: Any) -> set[Any]:
    found: set[Any] = set()
    if typing.get_origin(annotation) is typing.Literal:
        found |= set(typing.get_args(annotation))
    for arg in typing.get_args(annotation):
        found |= _literals(arg)
    return found


@needs_spec
@pytest.mark.parametrize("component", list(SPEC_PAIRS))
def test_every_spec_property_and_enum_is_ours(component: str) -> None:
    """Each property of the spec's component exists in our Struct, and each enum value is allowed."""
    schema = _spec()[component]
    ours = SPEC_PAIRS[component]
    hints = typing.get_type_hints(ours, include_extras=False)
    for name, prop in schema.get("properties", {}).items():
        assert name in hints, f"{ours.__name__} lacks spec property {component}.{name}"
        enum = prop.get("enum") or next(
            (a.get("enum") for a in prop.get("anyOf", []) if "enum" in a), None
        )
        if (enum and name != "object") or (enum and component != "VectorStoreFileBatchObject"):
            assert set(enum) <= _literals(hints[name]) or not _literals(hints[name]), (
                f"{component}.{name}: spec enum {enum} not all allowed by {hints[name]}"
            )


def _resolve(node: Any, depth: int = 0) -> Any:
    """Inline $refs and turn OpenAPI's `nullable` into JSON-schema null."""
    if depth > 12:
        return {}
    if isinstance(node, dict):
        if "$recursiveRef" in node:
            return False  # nested compound filters: cut (the validator tests cover nesting)
        if "$ref" in node:
            return _resolve(_spec()[node["$ref"].rsplit("/", 1)[1]], depth + 1)
        out = {
            k: _resolve(v, depth + 1)
            for k, v in node.items()
            if k
            not in (
                "x-oaiMeta",
                "x-oaiTypeLabel",
                "example",
                "examples",
                "discriminator",
                "format",
                "x-stainless-const",
                "deprecated",
                "$recursiveAnchor",
            )
        }
        if out.pop("nullable", False):
            out = {"anyOf": [out, {"type": "null"}]}
        return out
    if isinstance(node, list):
        return [_resolve(v, depth) for v in node]
    return node


# Documented strictness (README "Schemas"): prose-only limits and mutually exclusive fields.
DOCUMENTED = (
    "metadata",
    "chunk_overlap_tokens",
    "mutually exclusive",
    "query",
    "static",
    "expected a number >= 0",
    "expires_after.",
)


def _accepted_or_documented(ours: Any, instance: Any, open_object: bool) -> None:
    problems = collect(ours, instance, "request")
    if open_object:  # extra keys in open response objects are drift warnings, not errors
        problems = [v for v in problems if v.kind is not Kind.UNKNOWN_FIELD]
    unexplained = [
        v for v in problems if not any(d in v.path or d in v.message for d in DOCUMENTED)
    ]
    assert not unexplained, [v.line() for v in unexplained]


def _property(component: str) -> Any:
    schema = copy.deepcopy(_resolve(_spec()[component]))
    if component == "VectorStoreSearchRequest":
        # hypothesis-jsonschema cannot canonicalise the recursive filter union; filters are
        # covered by tests/test_validate.py and the emulator's search tests instead.
        del schema["properties"]["filters"]
    return from_schema(schema)


@needs_spec
@pytest.mark.parametrize(
    "component",
    [
        "VectorStoreObject",
        "VectorStoreFileObject",
        "VectorStoreFileBatchObject",
        "CreateVectorStoreRequest",
        "UpdateVectorStoreRequest",
        "CreateVectorStoreFileRequest",
        "VectorStoreSearchRequest",
        "VectorStoreSearchResultsPage",
        "ErrorResponse",
    ],
)
def test_instances_generated_from_the_spec_are_accepted(component: str) -> None:
    """hypothesis-jsonschema instances of the spec's schemas pass ours, bar documented strictness."""
    strategy = _property(component)

    @settings(
        max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    @given(strategy)
    def check(instance: Any) -> None:
        _accepted_or_documented(SPEC_PAIRS[component], instance, not component.endswith("Request"))

    check()


def test_strategy_module_is_real() -> None:
    """Guard: hypothesis strategies are in use (not a stub)."""
    assert isinstance(st.integers(), st.SearchStrategy)
