"""PyYAML's own text for a cassette item, written directly where it is sure to be the same.

The recorder dumps one item per interaction, and PyYAML's C emitter still spends most of
that time in Python (a resolver call per scalar, a node per value). :func:`emit` writes
the text ``yaml.dump([item], sort_keys=True, allow_unicode=True, width=65536)`` would
(through :mod:`vstape.cassettes.yaml_dump`'s string style: multi-line strings as ``|``
blocks) for the shapes a cassette item is made of - mappings with string keys, lists,
strings, ints, floats, bools, None - and returns None for anything it is not sure of (a NaN, a
byte string, a character PyYAML would escape, a string it would double-quote or fold, a
block it would give an indentation indicator or ``|+``), which the caller then dumps with
PyYAML. The choices are PyYAML's: a string is plain when its emitter's analysis allows a
block plain scalar and its resolver reads it back as a string, else single-quoted
(``tests/unit/cassettes/test_yaml_emit.py`` compares both on every shipped item and on
generated strings of every indicator, space and line break).
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import ScalarNode

__all__ = ["emit"]

STR = "tag:yaml.org,2002:str"
FLOAT = "tag:yaml.org,2002:float"
_RESOLVER = yaml.resolver.Resolver()
_LIBYAML = bool(getattr(yaml, "__with_libyaml__", False)) and hasattr(yaml, "CSafeDumper")
_SEEN: dict[str, bool] = {}  # short string -> read back as a string when plain
_SEEN_MAX = 1 << 14

_PRINTABLE = re.compile("[\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")
"""What PyYAML (allow_unicode) writes as it is: printable characters of the BMP, ``\\n`` the only break."""
_FIRST_INDICATOR = frozenset("#,[]{}&*!|>'\"%@`")
_LONGEST = 4096
"""Longer single-line strings might be folded at the emitter's width: PyYAML decides."""
_KEY_LONGEST = 128
"""A key longer than this in UTF-8 bytes is not a simple key for libyaml: written after ``?``."""


class _Unsure(Exception):
    """The item holds something PyYAML may write otherwise: let PyYAML dump it."""


def _reads_as_string(value: str) -> bool:
    """Whether PyYAML's resolver reads ``value`` back as a string when written plain."""
    known = _SEEN.get(value)
    if known is None:
        known = _RESOLVER.resolve(ScalarNode, value, (True, False)) == STR  # type: ignore[no-untyped-call]
        if len(value) <= 64:
            if len(_SEEN) >= _SEEN_MAX:
                _SEEN.clear()
            _SEEN[value] = known
    return known


def _plain_allowed(value: str) -> bool:
    """PyYAML's block-plain analysis, for a single-line printable string."""
    if value[0] == " " or value[-1] == " " or value.startswith(("---", "...")):
        return False
    first = value[0]
    if first in _FIRST_INDICATOR:
        return False
    if first in "?:-" and (len(value) == 1 or value[1] == " "):
        return False
    if value.find(": ", 1) >= 0 or (len(value) > 1 and value[-1] == ":"):
        return False
    return " #" not in value


def _line(value: str) -> str:
    """A single-line string as PyYAML writes it: plain, else single-quoted."""
    if not value:
        return "''"
    if len(value) > _LONGEST:
        raise _Unsure
    if _plain_allowed(value) and _reads_as_string(value):
        return value
    return "'" + value.replace("'", "''") + "'"


def _block(value: str, indent: str) -> str:
    """A multi-line string as a literal block (``|`` or ``|-``), lines at ``indent``."""
    if value[0] in " \n" or value[-1] == " " or " \n" in value or value.endswith("\n\n"):
        raise _Unsure  # an indentation indicator, `|+`, or no block at all: PyYAML decides
    if value[-1] == "\n":
        head, lines = "|\n", value[:-1].split("\n")
    else:
        head, lines = "|-\n", value.split("\n")
    return head + "".join(f"{indent}{line}\n" if line else "\n" for line in lines)


def _scalar(value: Any, indent: str) -> str:
    """A scalar's text after ``key: `` or ``- `` (a block ends with its own line break)."""
    kind = type(value)
    if kind is str:
        if _PRINTABLE.fullmatch(value) is None:
            raise _Unsure
        if "\n" in value:
            return _block(value, indent)
        return _line(value) + "\n"
    if kind is bool:
        return "true\n" if value else "false\n"
    if kind is int:
        return f"{value}\n"
    if value is None:
        return "null\n"
    if kind is float:
        return _float(value) + "\n"
    raise _Unsure  # bytes, anything else: PyYAML's representer


def _float(value: float) -> str:
    """PyYAML's text for a float (its SafeRepresenter's), when its resolver reads it back so."""
    if value != value or value in (float("inf"), float("-inf")):
        raise _Unsure
    text = repr(value).lower()
    if "." not in text and "e" in text:
        text = text.replace("e", ".0e", 1)
    if _RESOLVER.resolve(ScalarNode, text, (True, False)) != FLOAT:  # type: ignore[no-untyped-call]
        raise _Unsure
    return text


def _mapping(value: dict[Any, Any], indent: str, out: list[str], first_inline: bool) -> None:
    """Block mapping at ``indent``; the first key on the current line when ``first_inline``."""
    try:
        keys = sorted(value)
    except TypeError:
        raise _Unsure from None
    for position, key in enumerate(keys):
        if type(key) is not str or not key or "\n" in key:
            raise _Unsure
        if len(key) > _KEY_LONGEST // 4 and len(key.encode("utf-8")) > _KEY_LONGEST:
            raise _Unsure
        if _PRINTABLE.fullmatch(key) is None:
            raise _Unsure
        out.append(f"{_line(key)}:" if first_inline and position == 0 else f"{indent}{_line(key)}:")
        _value(value[key], indent, out)


def _sequence(value: list[Any], indent: str, out: list[str]) -> None:
    """Block sequence whose dashes are at ``indent``."""
    inner = indent + "  "
    for item in value:
        kind = type(item)
        if kind is dict and item:
            out.append(f"{indent}- ")
            _mapping(item, inner, out, first_inline=True)
        elif kind is list and item:
            raise _Unsure  # a list straight in a list: rare, PyYAML's layout
        else:
            out.append(f"{indent}-")
            _value(item, inner, out, after_dash=True)


def _value(value: Any, indent: str, out: list[str], after_dash: bool = False) -> None:
    """What follows ``key:`` (or ``-``) for a mapping or sequence at ``indent``."""
    kind = type(value)
    inner = indent if after_dash else indent + "  "
    if kind is dict:
        if not value:
            out.append(" {}\n")
            return
        out.append("\n")
        _mapping(value, inner, out, first_inline=False)
    elif kind is list:
        if not value:
            out.append(" []\n")
            return
        out.append("\n")
        _sequence(value, indent, out)  # a mapping's list: dashes at the key's column
    else:
        out.append(" " + _scalar(value, inner))


def emit(item: dict[str, Any]) -> str | None:
    """``yaml.dump([item], ...)``'s text for one cassette item, or None when not sure.

    Only with libyaml (PyYAML's C emitter, whose rules these are: its pure-Python emitter
    counts a key's tag into the simple-key limit). Values the item shares are written
    again where PyYAML would write an anchor and aliases: items built from
    ``msgspec.to_builtins`` share none.
    """
    if not _LIBYAML or type(item) is not dict or not item:
        return None
    out = ["- "]
    try:
        _mapping(item, "  ", out, first_inline=True)
    except _Unsure:
        return None
    return "".join(out)
