"""Integers as JSON Schema counts them: ``365.0`` is an integer, ``365.5`` is not.

msgspec's typed decode rejects a float where the Struct says ``int``; the official spec is
JSON Schema, where any number with a zero fractional part is an integer. :func:`decode`
is the typed fast path with that one leniency, shared by the validator and the emulator
(which then treats ``365.0`` as ``365``). :func:`integral` is the normalisation it retries
with; :func:`lax_scalar` converts query-string and form values with msgspec's own lax rules.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import msgspec

_STACK_LIMIT = 200  # deeper documents are left as they are (the walker reports their depth)


def integral(value: Any, depth: int = 0) -> Any:
    """``value`` with every integral float turned into an int (the same object if none is)."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if depth > _STACK_LIMIT:
        return value
    if isinstance(value, list):
        items = [integral(item, depth + 1) for item in value]
        changed = any(new is not old for new, old in zip(items, value, strict=True))
        return items if changed else value
    if isinstance(value, dict):
        pairs = {key: integral(item, depth + 1) for key, item in value.items()}
        changed = any(pairs[key] is not item for key, item in value.items())
        return pairs if changed else value
    return value


@cache
def _decoder(type_: Any) -> msgspec.json.Decoder[Any]:
    return msgspec.json.Decoder(type_)


def convert_integral(parsed: Any, type_: Any) -> tuple[bool, Any]:
    """``(True, typed)`` when ``parsed`` fits ``type_`` once integral floats are ints."""
    fixed = integral(parsed)
    if fixed is parsed:
        return False, None
    try:
        return True, msgspec.convert(fixed, type_)
    except msgspec.ValidationError:
        return False, None


def decode(type_: Any, body: bytes) -> Any:
    """Typed decode of ``body`` that accepts integral floats where ``type_`` says integer.

    Raises msgspec's ``ValidationError`` / ``DecodeError`` as a plain typed decode would.
    """
    try:
        return _decoder(type_).decode(body)
    except msgspec.ValidationError:
        ok, typed = convert_integral(msgspec.json.decode(body), type_)
        if ok:
            return typed
        raise


_LAX_TARGETS: dict[str, type] = {"int": int, "float": float, "bool": bool, "null": type(None)}


def lax_scalar(value: str, kind: str) -> tuple[bool, Any]:
    """A query or form string as ``kind`` ("int", "float", "bool", "null"), by msgspec's lax rules."""
    try:
        return True, msgspec.convert(value, _LAX_TARGETS[kind], strict=False)
    except (msgspec.ValidationError, KeyError):
        return False, None
