"""JSON kinds of ``msgspec.inspect`` types: how to name one, and which values it may take.

Shared by the walker (:mod:`vstape.validation.walker`): ``describe`` words the expected type of a
violation, ``accepts_kind`` picks the union member a value is meant for (integral floats
count as integers), ``from_text`` reads a query-string or form value as msgspec's lax
mode does.
"""

from __future__ import annotations

from typing import Any

import msgspec.inspect as mi

from vstape.validation.numbers import lax_scalar

_JSON_KIND = {
    mi.StrType: "string",
    mi.IntType: "integer",
    mi.FloatType: "number",
    mi.BoolType: "boolean",
    mi.NoneType: "null",
    mi.ListType: "array",
    mi.DictType: "object",
    mi.StructType: "object",
}


def describe(t: mi.Type) -> str:
    """The expected type in words: ``integer``, ``'asc' | 'desc'``, ``object with type='static'``."""
    if isinstance(t, mi.Metadata):
        return describe(t.type)
    if isinstance(t, mi.LiteralType):
        return " | ".join(repr(v) for v in t.values)
    if isinstance(t, mi.UnionType):
        return " | ".join(dict.fromkeys(describe(x) for x in t.types))
    if isinstance(t, mi.StructType) and t.tag is not None:
        return f"object with {t.tag_field}={t.tag!r}"
    return _JSON_KIND.get(type(t), type(t).__name__)


_TEXT_KINDS: tuple[tuple[type[mi.Type], str], ...] = (
    (mi.IntType, "int"),
    (mi.FloatType, "float"),
    (mi.BoolType, "bool"),
    (mi.NoneType, "null"),
)


def from_text(t: mi.Type, value: str) -> tuple[bool, Any]:
    """A query/form string read as the scalar ``t`` wants, as msgspec's lax mode reads it."""
    if isinstance(t, mi.Metadata):
        t = t.type
    for kind_type, kind in _TEXT_KINDS:
        if isinstance(t, kind_type):
            ok, converted = lax_scalar(value, kind)
            return (True, converted) if ok else (False, value)
    return isinstance(t, mi.StrType | mi.LiteralType), value


def accepts_kind(t: mi.Type, value: Any) -> bool:
    """True when ``value`` is of the JSON kind ``t`` takes (365.0 is an integer)."""
    if isinstance(t, mi.LiteralType):
        return any(type(v) is type(value) for v in t.values)
    if isinstance(value, bool):
        return isinstance(t, mi.BoolType)
    if isinstance(value, int):
        return isinstance(t, mi.IntType | mi.FloatType)
    if isinstance(value, float):
        if value.is_integer():
            return isinstance(t, mi.IntType | mi.FloatType)
        return isinstance(t, mi.FloatType)
    if isinstance(value, str):
        return isinstance(t, mi.StrType)
    if value is None:
        return isinstance(t, mi.NoneType)
    if isinstance(value, list):
        return isinstance(t, mi.ListType)
    return isinstance(t, mi.DictType | mi.StructType)
