"""Field-level comparison of two decoded JSON values: what changed, as JSON paths.

The one comparison behind ``vstape diff`` (cassette against cassette) and any other
"same answer?" question (a live answer against a recorded one, by value or by shape)::

    json_changes({"a": [1, 2]}, {"a": [1, 3], "b": None})
    # [Change(('a', 1), 2, 3), Change(('b',), MISSING, None)]

Objects are compared key by key (a key only on one side is ``removed`` or ``added``),
arrays item by item (extra items likewise), scalars by JSON kind and value: ``1`` and
``1.0`` are the same number, ``true`` is never ``1``. ``shape=True`` compares kinds only
(a string for a string, an object's keys, each array item present on both sides), for
checking that an answer still has the recorded shape whatever its values. ``same`` may
declare two different scalars equal (a tolerance): it is given the path and both values.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["MISSING", "Change", "json_changes", "json_path", "kind_of"]


class _Missing:
    """The side of a change where the field does not exist."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
Part = str | int
Same = Callable[[tuple[Part, ...], Any, Any], bool]
Kind = Literal["added", "removed", "changed"]


@dataclass(frozen=True, slots=True)
class Change:
    """One difference: where (keys and indices from the root), the old and the new value."""

    parts: tuple[Part, ...]
    old: Any
    new: Any

    @property
    def kind(self) -> Kind:
        """``added`` (no old value), ``removed`` (no new value) or ``changed``."""
        if self.old is MISSING:
            return "added"
        return "removed" if self.new is MISSING else "changed"

    @property
    def path(self) -> str:
        """The JSON path: ``$.data[0].status``, ``$["odd key"]``."""
        return json_path(self.parts)


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def json_path(parts: tuple[Part, ...], root: str = "$") -> str:
    """``$`` then ``.key``, ``[index]`` or ``["key"]`` (for keys that are not plain names)."""
    out = [root]
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _NAME.fullmatch(part):
            out.append(f".{part}")
        else:
            escaped = part.replace("\\", "\\\\").replace('"', '\\"')
            out.append(f'["{escaped}"]')
    return "".join(out)


def kind_of(value: Any) -> str:
    """The JSON kind of a decoded value: null, boolean, number, string, array, object."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _walk(
    old: Any,
    new: Any,
    parts: tuple[Part, ...],
    out: list[Change],
    shape: bool,
    same: Same | None,
) -> None:
    old_kind, new_kind = kind_of(old), kind_of(new)
    if old_kind != new_kind:
        out.append(Change(parts, old, new))
    elif old_kind == "object":
        for key in old:
            if key not in new:
                out.append(Change((*parts, key), old[key], MISSING))
            else:
                _walk(old[key], new[key], (*parts, key), out, shape, same)
        out.extend(Change((*parts, key), MISSING, new[key]) for key in new if key not in old)
    elif old_kind == "array":
        for index in range(min(len(old), len(new))):
            _walk(old[index], new[index], (*parts, index), out, shape, same)
        if not shape:
            out.extend(Change((*parts, i), old[i], MISSING) for i in range(len(new), len(old)))
            out.extend(Change((*parts, i), MISSING, new[i]) for i in range(len(old), len(new)))
    elif not shape and old != new and not (same is not None and same(parts, old, new)):
        out.append(Change(parts, old, new))


def json_changes(
    old: Any, new: Any, *, shape: bool = False, same: Same | None = None
) -> list[Change]:
    """Every difference between ``old`` and ``new`` (decoded JSON), in document order."""
    out: list[Change] = []
    _walk(old, new, (), out, shape, same)
    return out
