"""The spec's shapes and vstape's Structs reduced to one comparable form, and compared.

Small hand-written OpenAPI fragments, one per construct the official spec uses: `$ref`
chains, `allOf`, `anyOf`/`oneOf`, `nullable` (alone and as an `allOf` branch), type
lists, `const`, `$recursiveRef`; and Structs with constraints, tags and recursion.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
import pytest

from vstape.api import schemas as s
from vstape.drift.compare import compare
from vstape.drift.our_shapes import of
from vstape.drift.spec_shapes import SpecError, SpecShapes


def _shape(schemas: dict[str, Any], name: str) -> Any:
    shapes = SpecShapes({"paths": {}, "components": {"schemas": schemas}})
    return shapes.shape({"$ref": f"#/components/schemas/{name}"}, "/root")


def test_ref_chains_and_allof_merge_properties_and_required() -> None:
    shape = _shape(
        {
            "A": {"$ref": "#/components/schemas/B"},
            "B": {
                "allOf": [
                    {"type": "object", "properties": {"x": {"type": "string"}}, "required": ["x"]},
                    {"properties": {"y": {"type": "integer", "maximum": 5}}},
                ]
            },
        },
        "A",
    )
    assert shape.types == {"object"} and set(shape.properties) == {"x", "y"}
    assert shape.required == {"x"}
    assert shape.properties["y"].limits == {"maximum": 5.0}
    assert shape.properties["y"].pointer == "/components/schemas/B/allOf/1/properties/y"


@pytest.mark.parametrize(
    "node",
    [
        {"type": "string", "nullable": True},
        {"type": ["string", "null"]},
        {"anyOf": [{"type": "string"}, {"type": "null"}]},
        {"allOf": [{"$ref": "#/components/schemas/S"}, {"nullable": True}]},
    ],
)
def test_every_spelling_of_nullable_is_null(node: dict[str, Any]) -> None:
    shape = _shape({"N": node, "S": {"type": "string"}}, "N")
    assert shape.types == {"string", "null"}


def test_unions_keep_what_every_branch_allows() -> None:
    shape = _shape(
        {
            "U": {
                "oneOf": [
                    {
                        "type": "object",
                        "properties": {
                            "type": {"const": "a"},
                            "k": {"type": "string", "maxLength": 9},
                        },
                        "required": ["type", "k"],
                    },
                    {
                        "type": "object",
                        "properties": {
                            "type": {"enum": ["b"]},
                            "k": {"type": "string", "maxLength": 3},
                        },
                        "required": ["type"],
                    },
                ]
            }
        },
        "U",
    )
    assert shape.properties["type"].enum == {"a", "b"}
    assert shape.required == {"type"}
    assert shape.properties["k"].limits == {"maxLength": 9.0}  # the loosest


def test_recursive_ref_points_at_the_recursive_anchor_and_stops() -> None:
    shape = _shape(
        {
            "F": {
                "$recursiveAnchor": True,
                "type": "object",
                "properties": {
                    "filters": {
                        "type": "array",
                        "items": {"oneOf": [{"type": "string"}, {"$recursiveRef": "#"}]},
                    }
                },
            }
        },
        "F",
    )
    items = shape.properties["filters"].items
    assert items is not None and items.types == {"string", "object"}
    assert not items.recursive, "the string branch is still compared"


def test_an_external_ref_is_an_error_naming_where() -> None:
    with pytest.raises(SpecError, match=r"#/root: cannot resolve \$ref 'other.yaml#/X'"):
        SpecShapes({"paths": {}}).shape({"$ref": "other.yaml#/X"}, "/root")


class Tagged(msgspec.Struct, tag_field="kind", tag="t"):
    size: Annotated[int, msgspec.Meta(ge=1, le=10)]
    name: Annotated[str, msgspec.Meta(max_length=4)] | None = None
    tags: Annotated[list[str], msgspec.Meta(max_length=2)] = []
    mode: Literal["a", "b"] = "a"


def test_struct_constraints_become_json_schema_keywords() -> None:
    shape = of(Tagged)
    assert shape.properties["kind"].enum == {"t"} and "kind" in shape.required
    assert shape.properties["size"].limits == {"minimum": 1.0, "maximum": 10.0}
    assert shape.properties["name"].types == {"string", "null"}
    assert shape.properties["name"].limits == {"maxLength": 4.0}
    assert shape.properties["tags"].limits == {"maxItems": 2.0}
    assert shape.properties["mode"].enum == {"a", "b"}
    assert shape.required == {"kind", "size"}


def test_nested_filters_stop_at_the_first_repeat() -> None:
    """Compound filters inside compound filters are one level, as the spec's $recursiveRef."""
    shape = of(s.SearchRequest).properties["filters"]
    inner = shape.properties["filters"].items
    assert inner is not None and inner.properties["type"].enum == {
        "eq",
        "ne",
        "gt",
        "gte",
        "lt",
        "lte",
        "in",
        "nin",
    }


def test_compare_reports_each_kind_at_its_path() -> None:
    spec = _shape(
        {
            "T": {
                "type": "object",
                "properties": {
                    "kind": {"enum": ["t", "u"]},
                    "size": {"type": "integer", "minimum": 1, "maximum": 20},
                    "name": {"type": "string", "maxLength": 4},
                    "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2},
                    "mode": {"type": "string", "enum": ["a", "b"]},
                    "new": {"type": "boolean"},
                },
                "required": ["kind", "size", "mode"],
            }
        },
        "T",
    )
    found = {(d.kind, d.path) for d in compare(spec, of(Tagged))}
    assert found == {
        ("enum_added", "$.kind"),
        ("limit_changed", "$.size"),
        ("nullable", "$.name"),
        ("property_added", "$.new"),
        ("required_added", "$.mode"),
    }


def test_the_declared_headers_are_what_the_validator_checks() -> None:
    """our_shapes.HEADERS says Retry-After on a 429 is an integer >= 1: so does validation."""
    from vstape.drift.our_shapes import HEADERS
    from vstape.validation.headers import check_headers

    (shape,) = HEADERS["429"].values()
    low = int(shape.limits["minimum"])
    assert shape.types == {"integer"}
    assert not check_headers(429, {"retry-after": str(low)})
    assert check_headers(429, {"retry-after": str(low - 1)})
    assert check_headers(429, {"retry-after": "soon"})
