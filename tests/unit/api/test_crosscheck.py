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

from tests.procs import ROOT
from vstape.api import schemas as s
from vstape.validation.violations import Kind
from vstape.validation.walker import collect


def _find_spec() -> Path:
    """The official spec: $VSTAPE_OPENAPI, else ../shared next to the checkout, else /work/shared.

    It is never copied into the repository; a clone elsewhere still finds the workplace's copy.
    """
    relative = Path("shared") / "openapi" / "openai-openapi.yaml"
    candidates = [
        Path(os.environ.get("VSTAPE_OPENAPI", "")),
        ROOT.parent / relative,
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
    "OpenAIFile": s.FileObject,
    "FileExpirationAfter": s.FileExpiresAfter,
    "DeleteFileResponse": s.FileDeleted,
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


# Documented strictness (README "Schemas"), by exact JSON path and kind. `*` stands for one
# key of a map (metadata keys are the user's); nothing else is a wildcard, so a disagreement
# at any other path fails the test.
_COUNTS = ("in_progress", "completed", "failed", "cancelled", "total")
DOCUMENTED: dict[tuple[str, Kind], str] = {
    ("$.metadata", Kind.CONSTRAINT): "prose-only: at most 16 pairs",
    ("$.metadata.*", Kind.CONSTRAINT): "prose-only: values <= 512 characters",
    ("$.metadata.*(key)", Kind.CONSTRAINT): "prose-only: keys <= 64 characters",
    ("$.chunking_strategy.static", Kind.CONSTRAINT): "prose-only: overlap <= half the chunk size",
    ("$.chunking_strategy.static.chunk_overlap_tokens", Kind.CONSTRAINT): "no negative overlap",
    ("$.expires_after.*", Kind.UNKNOWN_FIELD): "expires_after is closed (the spec leaves it open)",
    ("$.query", Kind.CONSTRAINT): "a search query array is intended non-empty",
    ("$", Kind.CONSTRAINT): "file_ids and files are mutually exclusive (prose)",
    **{
        (f"$.{name}", Kind.CONSTRAINT): "no negative counts, sizes or timestamps"
        for name in ("created_at", "usage_bytes", "last_active_at", "expires_at", "bytes")
    },
    **{(f"$.file_counts.{name}", Kind.CONSTRAINT): "no negative counts" for name in _COUNTS},
}


def _documented(violation: Any) -> bool:
    """The violation's exact path (a map key as `*`) and kind are in DOCUMENTED."""
    path = violation.path
    candidates = {path}
    if path.startswith("$.metadata."):
        candidates.add("$.metadata.*(key)" if path.endswith("(key)") else "$.metadata.*")
    if path.startswith("$.expires_after.") and violation.kind is Kind.UNKNOWN_FIELD:
        candidates.add("$.expires_after.*")
    return any((c, violation.kind) in DOCUMENTED for c in candidates)


def _accepted_or_documented(ours: Any, instance: Any, open_object: bool) -> None:
    problems = collect(ours, instance, "request")
    if open_object:  # extra keys in open response objects are drift warnings, not errors
        problems = [v for v in problems if v.kind is not Kind.UNKNOWN_FIELD]
    unexplained = [v for v in problems if not _documented(v)]
    assert not unexplained, [v.line() for v in unexplained]


def test_documented_exceptions_match_exact_paths_only() -> None:
    """`static` no longer hides `chunking_strategy.static.max_chunk_size_tokens`, nor `query` any
    path that merely contains it."""
    from vstape.validation.violations import Violation

    def v(path: str, kind: Kind = Kind.CONSTRAINT) -> Violation:
        return Violation(kind, path, "m")

    assert _documented(v("$.chunking_strategy.static"))
    assert not _documented(v("$.chunking_strategy.static.max_chunk_size_tokens"))
    assert not _documented(v("$.filters.query"))
    assert not _documented(v("$.expires_after.days"))
    assert _documented(v("$.metadata.team")) and _documented(v("$.metadata.x(key)"))
    assert not _documented(v("$.metadata.team", Kind.TYPE))
    assert _documented(v("$.expires_after.zz", Kind.UNKNOWN_FIELD))


def _property(component: str) -> Any:
    schema = copy.deepcopy(_resolve(_spec()[component]))
    schema.setdefault("type", "object")  # OpenAIFile has properties but no `type: object`
    if component == "VectorStoreSearchRequest":
        # hypothesis-jsonschema cannot canonicalise the recursive filter union; filters are
        # covered by tests/unit/validation/test_validate.py and the emulator's search tests instead.
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
        "OpenAIFile",
        "FileExpirationAfter",
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


@needs_spec
def test_the_upload_form_is_the_spec_and_the_sdk_upload_form() -> None:
    """`purpose` is exactly the spec's and the SDK's enum; `expires_after` has the spec's limits."""
    from openai.types import FilePurpose, file_create_params

    from vstape.api.schemas.uploads import MAX_EXPIRY_S, MIN_EXPIRY_S, UPLOAD_PURPOSES

    spec = _spec()["CreateFileRequest"]
    assert set(spec["properties"]) - {"file"} == set(typing.get_type_hints(s.CreateFileRequest))
    assert set(spec["required"]) == {"file", "purpose"}
    assert set(UPLOAD_PURPOSES) == set(spec["properties"]["purpose"]["enum"])
    assert set(UPLOAD_PURPOSES) == set(typing.get_args(FilePurpose))
    expiry = _spec()["FileExpirationAfter"]["properties"]
    assert (expiry["seconds"]["minimum"], expiry["seconds"]["maximum"]) == (
        MIN_EXPIRY_S,
        MAX_EXPIRY_S,
    )
    assert expiry["anchor"]["enum"] == ["created_at"]
    sdk_anchor = typing.get_type_hints(file_create_params.ExpiresAfter, include_extras=True)
    assert "created_at" in str(sdk_anchor["anchor"])
