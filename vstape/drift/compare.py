"""Two :class:`~vstape.drift.shape.Shape` trees compared: every difference, with its JSON path.

``compare(theirs, ours)``: ``theirs`` is the spec's side, ``ours`` vstape's. Paths are
JSON paths from the compared root: ``$.status``, ``$.data[*].id``, ``$.metadata.*`` (a
map's values), ``$.metadata.*(key)`` (its keys). A node either side marks recursive is
not compared (it was compared where it was first met). Limits are compared only where
both sides allow the type they apply to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vstape.diff.fields import json_path
from vstape.drift.shape import LIMITS, Shape
from vstape.drift.spec_shapes import escape

__all__ = ["Difference", "compare", "render_types"]


@dataclass(frozen=True, slots=True)
class Difference:
    """One difference: its kind, where (JSON path, spec pointer), both sides, a message."""

    kind: str
    path: str
    pointer: str
    ours: Any
    theirs: Any
    message: str


def render_types(types: set[str]) -> str:
    """``integer | null`` (``any`` for no restriction)."""
    return " | ".join(sorted(types)) if types else "any"


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "none" if value is None else repr(value)


def compare(theirs: Shape, ours: Shape, root: tuple[str, ...] = ()) -> list[Difference]:
    """Every difference between the spec's shape and vstape's, in document order."""
    out: list[Difference] = []
    _walk(theirs, ours, root, out)
    return out


def _render(parts: tuple[str, ...]) -> str:
    out = "$"
    for part in parts:
        out += part if part in ("[*]", ".*", "(key)") else json_path((part,))[1:]
    return out


def _walk(theirs: Shape, ours: Shape, parts: tuple[str, ...], out: list[Difference]) -> None:
    if theirs.recursive or ours.recursive:
        return
    path, pointer = _render(parts), theirs.pointer

    def add(kind: str, mine: Any, spec: Any, message: str, where: str = "") -> None:
        out.append(Difference(kind, path, where or pointer, mine, spec, message))

    spec_types, our_types = theirs.normal_types(), ours.normal_types()
    if spec_types and our_types and spec_types != our_types:
        if spec_types - {"null"} != our_types - {"null"}:
            add(
                "type_changed",
                render_types(our_types),
                render_types(spec_types),
                f"type: vstape {render_types(our_types)}, the spec {render_types(spec_types)}",
            )
        else:
            who = "vstape" if "null" in our_types else "the spec"
            add("nullable", "null" in our_types, "null" in spec_types, f"{who} allows null")
    elif bool(spec_types) != bool(our_types):
        add(
            "type_changed",
            render_types(our_types),
            render_types(spec_types),
            f"type: vstape {render_types(our_types)}, the spec {render_types(spec_types)}",
        )
    _enums(theirs, ours, add)
    for limit, (applies_to, _) in LIMITS.items():
        mine, spec = ours.limits.get(limit), theirs.limits.get(limit)
        if mine == spec or not (_allows(theirs, applies_to) and _allows(ours, applies_to)):
            continue
        add(
            "limit_changed",
            mine,
            spec,
            f"{limit}: vstape {_show(mine)}, the spec {_show(spec)}",
        )
    if "object" in spec_types and "object" in our_types:
        _objects(theirs, ours, parts, out)
    if theirs.items is not None and ours.items is not None:
        _walk(theirs.items, ours.items, (*parts, "[*]"), out)
    if theirs.values is not None and ours.values is not None:
        _walk(theirs.values, ours.values, (*parts, ".*"), out)
    if theirs.keys is not None and ours.keys is not None:
        _walk(theirs.keys, ours.keys, (*parts, ".*", "(key)"), out)
    elif ours.keys is not None and ours.keys.limits and theirs.values is not None:
        _walk(Shape(types={"string"}, pointer=pointer), ours.keys, (*parts, ".*", "(key)"), out)


def _allows(shape: Shape, kind: str) -> bool:
    return (
        not shape.types
        or kind in shape.normal_types()
        or (kind == "number" and "integer" in shape.types)
    )


def _enums(theirs: Shape, ours: Shape, add: Any) -> None:
    spec, mine = theirs.enum, ours.enum
    if spec == mine:
        return
    if spec is not None and mine is not None:
        for value in sorted(spec - mine, key=repr):
            add("enum_added", None, value, f"the spec lists {value!r}; vstape does not accept it")
        for value in sorted(mine - spec, key=repr):
            add("enum_removed", value, None, f"vstape accepts {value!r}; the spec does not list it")
    elif spec is not None:
        values = sorted(spec, key=repr)
        add("enum_closed", None, values, f"the spec allows only {values}; vstape any value")
    elif mine is not None:
        values = sorted(mine, key=repr)
        add("enum_opened", values, None, f"vstape allows only {values}; the spec any value")


def _objects(theirs: Shape, ours: Shape, parts: tuple[str, ...], out: list[Difference]) -> None:
    for name, child in theirs.properties.items():
        if name not in ours.properties:
            out.append(
                Difference(
                    "property_added",
                    _render((*parts, name)),
                    child.pointer,
                    None,
                    name,
                    f"new property {name!r}"
                    + (" (required)" if name in theirs.required else " (optional)"),
                )
            )
    for name in ours.properties:
        if name not in theirs.properties:
            out.append(
                Difference(
                    "property_removed",
                    _render((*parts, name)),
                    f"{theirs.home}/properties/{escape(name)}",
                    name,
                    None,
                    f"property {name!r} is not in the spec",
                )
            )
    for name, child in theirs.properties.items():
        if name not in ours.properties:
            continue
        where = _render((*parts, name))
        if name in theirs.required and name not in ours.required:
            out.append(
                Difference(
                    "required_added",
                    where,
                    child.pointer,
                    False,
                    True,
                    f"the spec requires {name!r}; vstape has it optional",
                )
            )
        elif name in ours.required and name not in theirs.required:
            out.append(
                Difference(
                    "required_removed",
                    where,
                    child.pointer,
                    True,
                    False,
                    f"vstape requires {name!r}; the spec has it optional",
                )
            )
        _walk(child, ours.properties[name], (*parts, name), out)
