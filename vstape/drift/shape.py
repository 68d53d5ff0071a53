"""One comparable form for a JSON schema node, whoever wrote it: the spec or vstape's Structs.

A :class:`Shape` keeps what drift is about and nothing else: the JSON types a value may
take, its enum, its limits, an object's properties and required names, an array's items,
a map's values and keys. Both sides are reduced to it (:mod:`vstape.drift.spec_shapes`,
:mod:`vstape.drift.our_shapes`) by the same rules, so that a difference between two shapes
is a difference between the schemas:

- a union (``anyOf``/``oneOf``, ``A | B``) is merged: types and properties united, the
  names every object branch requires stay required, an enum survives only if every branch
  of its type has one, a limit only if every branch it applies to has it (the loosest);
- an intersection (``allOf``) is merged the other way: properties and required names
  united, the tightest limit kept;
- ``integer`` is part of ``number``: ``{integer, number}`` is ``{number}``.

``pointer`` says where the node is declared in its document (a JSON pointer into the
spec; a Struct's field for vstape's side), so that one difference met on many routes is
reported once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from vstape.diff.fields import kind_of

__all__ = ["LIMITS", "Shape", "intersect", "type_of", "union"]

# Limit keyword -> (the JSON type it applies to, True when a larger value is looser).
LIMITS: dict[str, tuple[str, bool]] = {
    "minimum": ("number", False),
    "exclusiveMinimum": ("number", False),
    "maximum": ("number", True),
    "exclusiveMaximum": ("number", True),
    "minLength": ("string", False),
    "maxLength": ("string", True),
    "minItems": ("array", False),
    "maxItems": ("array", True),
    "minProperties": ("object", False),
    "maxProperties": ("object", True),
}


def type_of(value: Any) -> str:
    """The JSON type of an enum or tag value: ``integer`` for a whole number, ``string`` for
    what JSON has no scalar type for (a YAML date)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return "integer"
    kind = kind_of(value)
    return kind if kind in ("null", "boolean", "number", "string") else "string"


@dataclass
class Shape:
    """A schema node reduced to what drift compares (see the module docstring)."""

    types: set[str] = field(default_factory=set)
    """JSON types; empty means any value."""
    enum: set[Any] | None = None
    limits: dict[str, float] = field(default_factory=dict)
    properties: dict[str, Shape] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    items: Shape | None = None
    values: Shape | None = None
    """A map's values (``additionalProperties`` / ``dict[str, V]``)."""
    keys: Shape | None = None
    """A map's keys (``propertyNames`` / ``dict[K, V]``)."""
    pointer: str = ""
    """Where the node is declared (a property holding a ``$ref`` is declared there)."""
    origin: str = ""
    """Where its content is defined (the ``$ref`` target), when not at ``pointer``."""
    recursive: bool = False
    """A node met again inside itself (nested filters): not expanded, not compared."""

    @property
    def home(self) -> str:
        """Where the node's content is defined: its children's pointers start here."""
        return self.origin or self.pointer

    def normal_types(self) -> set[str]:
        """``types`` with ``integer`` folded into ``number``."""
        return {"number" if t == "integer" and "number" in self.types else t for t in self.types}


def _applies(shape: Shape, limit: str) -> bool:
    kind = LIMITS[limit][0]
    types = shape.types
    return not types or kind in types or (kind == "number" and "integer" in types)


def _merge_children(shapes: list[Shape], name: str, combine: Any) -> Shape | None:
    found = [getattr(s, name) for s in shapes if getattr(s, name) is not None]
    return combine(found) if found else None


def _single(shapes: list[Shape], pointer: str) -> Shape:
    """The union or intersection of one shape (itself) or none (any value)."""
    return shapes[0] if shapes else Shape(pointer=pointer)


def union(shapes: Iterable[Shape], pointer: str = "") -> Shape:
    """The shape of a value that fits any of ``shapes``."""
    branches = list(shapes)
    if len(branches) < 2:
        return _single(branches, pointer)
    if any(not s.types and not s.recursive for s in branches):
        return Shape(pointer=pointer or branches[0].pointer)  # one branch takes anything
    out = Shape(pointer=pointer or branches[0].pointer)
    out.recursive = all(s.recursive for s in branches)
    for s in branches:
        out.types |= s.types
    # An enum survives when every non-null branch has one.
    valued = [s for s in branches if s.types - {"null"} and not s.recursive]
    if valued and all(s.enum is not None for s in valued):
        out.enum = set().union(*(s.enum or set() for s in valued))
    for limit, (_, looser_up) in LIMITS.items():
        relevant = [s for s in branches if _applies(s, limit) and s.types - {"null"}]
        values = [s.limits.get(limit) for s in relevant]
        if relevant and all(v is not None for v in values):
            numbers = [float(v) for v in values if v is not None]
            out.limits[limit] = max(numbers) if looser_up else min(numbers)
    objects = [s for s in branches if "object" in s.types and not s.recursive]
    for s in objects:
        for key, child in s.properties.items():
            out.properties[key] = (
                union([out.properties[key], child]) if key in out.properties else child
            )
    if objects:
        out.required = set.intersection(*(s.required for s in objects))
    out.items = _merge_children(branches, "items", union)
    out.values = _merge_children(branches, "values", union)
    out.keys = _merge_children(branches, "keys", union)
    return out


def intersect(shapes: Iterable[Shape], pointer: str = "") -> Shape:
    """The shape of a value that fits all of ``shapes`` (``allOf``)."""
    parts = list(shapes)
    if len(parts) < 2:
        return _single(parts, pointer)
    out = Shape(pointer=pointer or parts[0].pointer)
    typed = [s.types for s in parts if s.types]
    out.types = set.intersection(*typed) if typed else set()
    enums = [s.enum for s in parts if s.enum is not None]
    out.enum = set.intersection(*enums) if enums else None
    for s in parts:
        for limit, value in s.limits.items():
            looser_up = LIMITS[limit][1]
            old = out.limits.get(limit)
            out.limits[limit] = value if old is None else (min if looser_up else max)(old, value)
        for key, child in s.properties.items():
            out.properties[key] = (
                intersect([out.properties[key], child]) if key in out.properties else child
            )
        out.required |= s.required
    out.items = _merge_children(parts, "items", intersect)
    out.values = _merge_children(parts, "values", intersect)
    out.keys = _merge_children(parts, "keys", intersect)
    out.recursive = any(s.recursive for s in parts)
    return out
