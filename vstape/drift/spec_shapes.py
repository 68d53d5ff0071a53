"""The official spec's schema nodes as :class:`~vstape.drift.shape.Shape`: ``$ref`` and all.

References are resolved by ``referencing`` (the library behind ``jsonschema``), over the
whole document registered as one Draft 2020-12 resource, the dialect OpenAPI 3.1 uses: a
``$ref`` the document cannot resolve (a file or URL outside it) is a :class:`SpecError`
naming the pointer that holds it. The other shapes the spec uses:

- ``allOf`` is an intersection, ``anyOf``/``oneOf`` a union (:mod:`vstape.drift.shape`);
- ``nullable: true`` (OpenAPI 3.0, kept by the spec in places, also as an ``allOf``
  branch of its own) adds ``null``: what the spec means, and what vstape accepts (README
  "Known differences", ``nullable-update``);
- ``$recursiveRef: "#"`` (nested compound filters) points at the nearest enclosing
  schema marked ``$recursiveAnchor: true``, as Draft 2019-09 defines it; like any schema
  met again inside itself, it is not expanded again (``Shape.recursive``);
- ``const`` is a one-value enum; a type list (``[string, "null"]``) is a union of types.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from vstape.drift.shape import LIMITS, Shape, intersect, type_of, union

__all__ = ["BASE_URI", "SpecError", "SpecShapes", "escape"]

BASE_URI = "urn:vstape:openapi"


class SpecError(ValueError):
    """The spec cannot be read as an OpenAPI document: says where and why."""


def escape(segment: str) -> str:
    """One JSON-pointer segment (``~`` and ``/`` escaped)."""
    return segment.replace("~", "~0").replace("/", "~1")


class SpecShapes:
    """Converts nodes of one OpenAPI document; ``$ref`` targets are converted once."""

    def __init__(self, document: dict[str, Any]) -> None:
        resource: Resource[Any] = DRAFT202012.create_resource(document)
        self.document = document
        self.resolver = Registry().with_resource(BASE_URI, resource).resolver(BASE_URI)
        self._cache: dict[str, Shape] = {}

    def resolve(self, node: Any, pointer: str) -> tuple[Any, str]:
        """``node`` with a ``$ref`` followed (repeatedly), and the pointer it ends at."""
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                raise SpecError(f"#{pointer}: $ref {ref!r} refers to itself (a cycle of $refs)")
            seen.add(ref)
            try:
                node = self.resolver.lookup(ref).contents
            except Unresolvable as err:
                raise SpecError(
                    f"#{pointer}: cannot resolve $ref {ref!r} ({err}); only references inside "
                    "the document are followed: bundle external files into it first"
                ) from None
            pointer = ref.removeprefix("#") if ref.startswith("#") else ref
        return node, pointer

    def shape(self, node: Any, pointer: str) -> Shape:
        """The shape of the schema ``node`` found at ``pointer``."""
        return self._shape(node, pointer, (), ())

    def _shape(
        self, node: Any, pointer: str, stack: tuple[str, ...], anchors: tuple[str, ...]
    ) -> Shape:
        if node is True or node is None or node == {}:
            return Shape(pointer=pointer)
        if node is False or not isinstance(node, dict):
            return Shape(pointer=pointer, recursive=True)  # nothing to compare
        if isinstance(node.get("$ref"), str):
            target, where = self.resolve(node, pointer)
            if where in stack:
                return Shape(types={"object"}, pointer=where, recursive=True)
            found = self._cache.get(where)
            if found is None:
                found = self._shape(target, where, (*stack, where), anchors)
                if not found.recursive:
                    self._cache[where] = found
            types = found.types | {"null"} if node.get("nullable") is True else found.types
            return replace(
                found, types=types, pointer=pointer, origin=found.home
            )  # declared here, defined there
        if "$recursiveRef" in node:
            return Shape(types={"object"}, pointer=anchors[-1] if anchors else "", recursive=True)
        if node.get("$recursiveAnchor") is True:
            anchors = (*anchors, pointer)
        shape = self._own(node, pointer, stack, anchors)
        parts = [shape]
        nullable = node.get("nullable") is True
        for word, combine in (("anyOf", union), ("oneOf", union), ("allOf", intersect)):
            branches = node.get(word)
            if word == "allOf" and isinstance(branches, list):  # allOf: [$ref, {nullable: true}]
                nullable = nullable or {"nullable": True} in branches
                branches = [b for b in branches if b != {"nullable": True}]
            if isinstance(branches, list) and branches:
                parts.append(
                    combine(
                        [
                            self._shape(b, f"{pointer}/{word}/{i}", stack, anchors)
                            for i, b in enumerate(branches)
                        ],
                        pointer,
                    )
                )
        out = parts[0] if len(parts) == 1 else intersect(parts, pointer)
        if nullable and out.types and "null" not in out.types:
            out = replace(out, types=out.types | {"null"})
        return out

    def _own(
        self, node: dict[str, Any], pointer: str, stack: tuple[str, ...], anchors: tuple[str, ...]
    ) -> Shape:
        """The node's own keywords (everything but the combinators)."""
        shape = Shape(pointer=pointer)
        declared = node.get("type")
        if isinstance(declared, str):
            shape.types = {declared}
        elif isinstance(declared, list):
            shape.types = {t for t in declared if isinstance(t, str)}
        if "const" in node:
            shape.enum = {_hashable(node["const"])}
        elif isinstance(node.get("enum"), list):
            shape.enum = {_hashable(v) for v in node["enum"]}
        if shape.enum is not None and not shape.types:
            shape.types = {type_of(v) for v in shape.enum}
        for limit in LIMITS:
            value = node.get(limit)
            if isinstance(value, int | float) and not isinstance(value, bool):
                shape.limits[limit] = float(value)
        properties = node.get("properties")
        if isinstance(properties, dict):
            for name, child in properties.items():
                where = f"{pointer}/properties/{escape(str(name))}"
                shape.properties[str(name)] = self._shape(child, where, stack, anchors)
        required = node.get("required")
        if isinstance(required, list):
            shape.required = {str(r) for r in required}
        if "items" in node:
            shape.items = self._shape(node["items"], f"{pointer}/items", stack, anchors)
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            shape.values = self._shape(extra, f"{pointer}/additionalProperties", stack, anchors)
        if isinstance(node.get("propertyNames"), dict):
            names = node["propertyNames"]
            shape.keys = self._shape(names, f"{pointer}/propertyNames", stack, anchors)
        if not shape.types and (shape.properties or shape.values is not None):
            shape.types = {"object"}
        if not shape.types and shape.items is not None:
            shape.types = {"array"}
        if not shape.types and shape.limits:
            shape.types = {LIMITS[next(iter(shape.limits))][0]}
        return shape


def _hashable(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) or value is None else repr(value)
