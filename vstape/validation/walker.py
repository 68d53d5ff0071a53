"""The slow path that lists *every* violation of a value, and never raises.

msgspec stops at the first error. When the fast path fails, :func:`collect` walks the
already-parsed JSON value against ``msgspec.inspect.type_info`` of the same Structs, so
the Structs stay the single source of truth. Prose-only limits that live in a Struct's
``__post_init__`` are checked by converting the sub-object once its fields are clean.
Any JSON value at any node (a discriminator sent as an object, a number as an array)
is a violation at its path, never an exception.
"""

from __future__ import annotations

import re
import typing
from functools import cache
from typing import Any

import msgspec
import msgspec.inspect as mi

from vstape.validation.kinds import accepts_kind, describe, from_text
from vstape.validation.numbers import integral
from vstape.validation.violations import MAX_DEPTH, MAX_VIOLATIONS, Kind, Side, Violation, short


class _Walker:
    """Accumulates violations while walking a value against an inspected type."""

    def __init__(self, side: Side, lax: bool = False) -> None:
        self.side: Side = side
        self.lax = lax  # query-string / form values: "5" may be the integer 5
        self.found: list[Violation] = []

    def add(self, kind: Kind, path: str, message: str, expected: str, actual: str) -> None:
        if len(self.found) < MAX_VIOLATIONS:
            self.found.append(Violation(kind, path, message, expected, actual, side=self.side))

    def type_error(self, t: mi.Type, value: Any, path: str) -> None:
        expected = describe(t)
        self.add(
            Kind.TYPE, path, f"expected {expected}, got {short(value)}", expected, short(value)
        )

    def walk(self, t: mi.Type, value: Any, path: str, depth: int = 0) -> None:
        if len(self.found) >= MAX_VIOLATIONS:
            return
        if depth > MAX_DEPTH:
            self.add(Kind.CONSTRAINT, path, f"nested deeper than {MAX_DEPTH} levels", "", "")
            return
        if isinstance(t, mi.Metadata):
            t = t.type
        if isinstance(t, mi.AnyType):
            return
        if isinstance(t, mi.UnionType):
            self.union(t, value, path, depth)
        elif isinstance(t, mi.StructType):
            self.struct(t, value, path, depth)
        elif isinstance(t, mi.ListType):
            self.array(t, value, path, depth)
        elif isinstance(t, mi.DictType):
            self.mapping(t, value, path, depth)
        else:
            self.scalar(t, value, path)

    def scalar(self, t: mi.Type, value: Any, path: str) -> None:
        if self.lax and isinstance(value, str):
            value = from_text(t, value)[1]
        if isinstance(t, mi.LiteralType):
            if value not in t.values or isinstance(value, bool) != any(
                isinstance(v, bool) for v in t.values
            ):
                expected = " | ".join(repr(v) for v in t.values)
                kind = Kind.CONSTRAINT if isinstance(value, str | int) else Kind.TYPE
                self.add(
                    kind,
                    path,
                    f"expected one of {expected}, got {short(value)}",
                    expected,
                    short(value),
                )
            return
        if isinstance(t, mi.NoneType):
            if value is not None:
                self.type_error(t, value, path)
            return
        if isinstance(t, mi.BoolType):
            if not isinstance(value, bool):
                self.type_error(t, value, path)
            return
        if isinstance(t, mi.IntType | mi.FloatType):
            number_ok = isinstance(value, int | float) and not isinstance(value, bool)
            if number_ok and isinstance(t, mi.IntType) and isinstance(value, float):
                # JSON Schema's integer: 365.0 is one, 365.5 is not.
                number_ok = value.is_integer()
                value = int(value) if number_ok else value
            if not number_ok:
                self.type_error(t, value, path)
                return
            self.bounds(t, value, path)
            return
        if isinstance(t, mi.StrType):
            if not isinstance(value, str):
                self.type_error(t, value, path)
                return
            self.length(t, len(value), path, "string")
            if t.pattern is not None and not re.search(t.pattern, value):
                self.add(
                    Kind.CONSTRAINT, path, f"does not match {t.pattern!r}", t.pattern, short(value)
                )
            return
        self.type_error(t, value, path)

    def bounds(self, t: mi.IntType | mi.FloatType, value: float, path: str) -> None:
        checks = (
            ("ge", t.ge, value >= (t.ge or 0)),
            ("le", t.le, value <= (t.le or 0)),
            ("gt", t.gt, value > (t.gt or 0)),
            ("lt", t.lt, value < (t.lt or 0)),
        )
        symbols = {"ge": ">=", "le": "<=", "gt": ">", "lt": "<"}
        for name, bound, ok in checks:
            if bound is not None and not ok:
                expected = f"{symbols[name]} {bound}"
                self.add(
                    Kind.CONSTRAINT,
                    path,
                    f"expected a number {expected}, got {value!r}",
                    expected,
                    repr(value),
                )

    def length(self, t: Any, size: int, path: str, what: str) -> None:
        if t.min_length is not None and size < t.min_length:
            expected = f"length >= {t.min_length}"
            self.add(
                Kind.CONSTRAINT,
                path,
                f"expected {what} of {expected}, got {size}",
                expected,
                str(size),
            )
        if t.max_length is not None and size > t.max_length:
            expected = f"length <= {t.max_length}"
            self.add(
                Kind.CONSTRAINT,
                path,
                f"expected {what} of {expected}, got {size}",
                expected,
                str(size),
            )

    def array(self, t: mi.ListType, value: Any, path: str, depth: int) -> None:
        if not isinstance(value, list):
            self.type_error(t, value, path)
            return
        self.length(t, len(value), path, "array")
        for index, item in enumerate(value):
            self.walk(t.item_type, item, f"{path}[{index}]", depth + 1)

    def mapping(self, t: mi.DictType, value: Any, path: str, depth: int) -> None:
        if not isinstance(value, dict):
            self.type_error(t, value, path)
            return
        self.length(t, len(value), path, "object")
        for key, item in value.items():
            self.walk(t.key_type, key, f"{path}.{key}(key)", depth + 1)
            self.walk(t.value_type, item, f"{path}.{key}", depth + 1)

    def union(self, t: mi.UnionType, value: Any, path: str, depth: int) -> None:
        options = [x.type if isinstance(x, mi.Metadata) else x for x in t.types]
        structs = [x for x in options if isinstance(x, mi.StructType)]
        if isinstance(value, dict) and structs:
            tagged = [s for s in structs if s.tag_field is not None]
            if tagged:
                field = tagged[0].tag_field or "type"
                tags = {s.tag: s for s in tagged}
                if field not in value:
                    allowed = " | ".join(repr(k) for k in tags)
                    self.add(
                        Kind.MISSING_FIELD,
                        f"{path}.{field}",
                        f"missing tag field `{field}` (one of {allowed})",
                        allowed,
                        "missing",
                    )
                    return
                tag = value[field]
                if not isinstance(tag, str):  # an object or array as the tag: a type error
                    allowed = " | ".join(repr(k) for k in tags)
                    self.add(
                        Kind.TYPE,
                        f"{path}.{field}",
                        f"expected one of {allowed}, got {short(tag)}",
                        allowed,
                        short(tag),
                    )
                    return
                chosen = tags.get(tag)
                if chosen is None:
                    allowed = " | ".join(repr(k) for k in tags)
                    self.add(
                        Kind.CONSTRAINT,
                        f"{path}.{field}",
                        f"expected one of {allowed}, got {short(value[field])}",
                        allowed,
                        short(value[field]),
                    )
                    return
                self.struct(chosen, value, path, depth)
                return
            self.struct(structs[0], value, path, depth)
            return
        candidates = [x for x in options if accepts_kind(x, value)]
        if not candidates and self.lax and isinstance(value, str):
            candidates = [x for x in options if from_text(x, value)[0]]
        if not candidates:
            self.type_error(t, value, path)
            return
        # Report against the first candidate of the right JSON kind.
        self.walk(candidates[0], value, path, depth)

    def struct(self, t: mi.StructType, value: Any, path: str, depth: int) -> None:
        if not isinstance(value, dict):
            self.type_error(t, value, path)
            return
        before = len(self.found)
        known = {f.encode_name: f for f in t.fields}
        for name, field in known.items():
            if name in value:
                self.walk(field.type, value[name], f"{path}.{name}", depth + 1)
            elif field.required:
                self.add(
                    Kind.MISSING_FIELD,
                    f"{path}.{name}",
                    f"missing required field `{name}`",
                    describe(field.type),
                    "missing",
                )
        if t.tag_field is not None and t.tag_field in value and value[t.tag_field] != t.tag:
            self.add(
                Kind.CONSTRAINT,
                f"{path}.{t.tag_field}",
                f"expected {t.tag!r}, got {short(value[t.tag_field])}",
                repr(t.tag),
                short(value[t.tag_field]),
            )
        if t.forbid_unknown_fields:
            for name in value:
                if name not in known and name != t.tag_field:
                    self.add(
                        Kind.UNKNOWN_FIELD,
                        f"{path}.{name}",
                        f"unknown field `{name}`",
                        "no such field",
                        short(value[name]),
                    )
        if len(self.found) == before and hasattr(t.cls, "__post_init__"):
            self.post_init(t, value, path)

    def post_init(self, t: mi.StructType, value: Any, path: str) -> None:
        try:
            msgspec.convert(integral(value), t.cls, strict=not self.lax)
        except (msgspec.ValidationError, ValueError, TypeError) as err:
            message = re.sub(r" - at `[^`]*`$", "", str(err))
            self.add(Kind.CONSTRAINT, path, message, "", "")


@cache
def inspect_type(type_: Any) -> mi.Type:
    """``msgspec.inspect.type_info`` that keeps the parameter of a generic Struct (ListPage[T])."""
    info = mi.type_info(type_)
    args = typing.get_args(type_)
    if args and isinstance(info, mi.StructType):
        item = mi.type_info(args[0])
        fields = tuple(
            msgspec.structs.replace(f, type=mi.ListType(item, f.type.min_length, f.type.max_length))
            if isinstance(f.type, mi.ListType) and isinstance(f.type.item_type, mi.AnyType)
            else f
            for f in info.fields
        )
        info = msgspec.structs.replace(info, fields=fields)
    return info


def collect(type_: Any, obj: Any, side: Side, *, lax: bool = False) -> list[Violation]:
    """Every violation of ``obj`` (parsed JSON) against ``type_``, in document order.

    ``lax`` reads string values where the type wants a number, a boolean or null as
    msgspec's lax mode does (query strings and form fields: "5" -> 5, "true" -> True).
    Never raises, whatever JSON value ``obj`` is.
    """
    walker = _Walker(side, lax)
    walker.walk(inspect_type(type_), obj, "$")
    return walker.found
