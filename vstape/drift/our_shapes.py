"""vstape's own schemas as :class:`~vstape.drift.shape.Shape`: the Structs, read by ``msgspec.inspect``.

Every msgspec constraint maps to the JSON-schema keyword the spec would use (``ge`` ->
``minimum``, ``max_length`` on a string -> ``maxLength``, on a list -> ``maxItems``, on a
dict -> ``maxProperties``...); ``UNSET`` makes a field optional and adds no type; a tagged
Struct has its tag field as a one-value enum. A Struct met again inside itself (nested
filters) is not expanded again.

Response headers have no Struct: :data:`HEADERS` declares the ones the spec documents,
as :mod:`vstape.validation.headers` checks them (``Retry-After`` on a 429: an integer >= 1).
"""

from __future__ import annotations

from typing import Any, get_origin

from msgspec import Struct, inspect

from vstape.drift.shape import Shape, type_of, union

__all__ = ["HEADERS", "of"]

HEADERS: dict[str, dict[str, Shape]] = {
    "429": {"retry-after": Shape(types={"integer"}, limits={"minimum": 1.0})},
}
"""Status -> lower-case header name -> its shape: the response headers vstape checks."""


def of(tp: Any) -> Shape:
    """The shape of a Python type vstape's schemas use (a Struct, a union, ``None``...)."""
    return _shape(inspect.type_info(tp), "vstape", frozenset())


def _numeric(info: Any, kind: str, where: str) -> Shape:
    shape = Shape(types={kind}, pointer=where)
    for attr, limit in (
        ("ge", "minimum"),
        ("le", "maximum"),
        ("gt", "exclusiveMinimum"),
        ("lt", "exclusiveMaximum"),
    ):
        value = getattr(info, attr, None)
        if value is not None:
            shape.limits[limit] = float(value)
    return shape


def _sized(shape: Shape, info: Any, low: str, high: str) -> Shape:
    if getattr(info, "min_length", None) is not None:
        shape.limits[low] = float(info.min_length)
    if getattr(info, "max_length", None) is not None:
        shape.limits[high] = float(info.max_length)
    return shape


def _shape(info: inspect.Type, where: str, seen: frozenset[type]) -> Shape:
    if isinstance(info, inspect.Metadata):
        return _shape(info.type, where, seen)
    if isinstance(info, inspect.UnionType):
        return union([_shape(t, where, seen) for t in info.types], where)
    if isinstance(info, inspect.NoneType):
        return Shape(types={"null"}, pointer=where)
    if isinstance(info, inspect.LiteralType):
        values = set(info.values)
        return Shape(types={type_of(v) for v in values}, enum=values, pointer=where)
    if isinstance(info, inspect.BoolType):
        return Shape(types={"boolean"}, pointer=where)
    if isinstance(info, inspect.IntType):
        return _numeric(info, "integer", where)
    if isinstance(info, inspect.FloatType):
        return _numeric(info, "number", where)
    if isinstance(info, inspect.StrType):
        return _sized(Shape(types={"string"}, pointer=where), info, "minLength", "maxLength")
    if isinstance(info, inspect.ListType | inspect.SetType | inspect.FrozenSetType):
        shape = Shape(types={"array"}, pointer=where, items=_shape(info.item_type, where, seen))
        return _sized(shape, info, "minItems", "maxItems")
    if isinstance(info, inspect.DictType):
        shape = Shape(
            types={"object"},
            pointer=where,
            values=_shape(info.value_type, where, seen),
            keys=_shape(info.key_type, where, seen),
        )
        return _sized(shape, info, "minProperties", "maxProperties")
    if isinstance(info, inspect.StructType):
        return _struct(info, seen)
    return Shape(pointer=where)  # Any and anything else: any value


def _family(cls: type) -> frozenset[type]:
    """The Struct and the Structs it derives from that add fields (not the shared base)."""
    base = get_origin(cls) or cls  # ListPage[VectorStore] -> ListPage
    return frozenset(
        c
        for c in base.__mro__
        if isinstance(c, type)
        and issubclass(c, Struct)
        and c is not Struct
        and bool(c.__struct_fields__)
    )


def _struct(info: inspect.StructType, seen: frozenset[type]) -> Shape:
    name = info.cls.__qualname__
    family = _family(info.cls)
    if family & seen:  # AndFilter inside OrFilter: both are CompoundFilters
        return Shape(types={"object"}, pointer=name, recursive=True)
    inner = seen | family
    shape = Shape(types={"object"}, pointer=name)
    if info.tag_field is not None:
        tag = info.tag
        shape.properties[info.tag_field] = Shape(
            types={type_of(tag)}, enum={tag}, pointer=f"{name}.{info.tag_field}"
        )
        shape.required.add(info.tag_field)
    for field in info.fields:
        key = field.encode_name
        shape.properties[key] = _shape(field.type, f"{name}.{field.name}", inner)
        if field.required:
            shape.required.add(key)
    return shape
