"""One cassette item as YAML, written directly: the bytes PyYAML's safe dumper writes, ~10x faster.

The recorder serializes every interaction on its writer thread; PyYAML's representer and
resolver (pure Python even with the C emitter) cost ~165 µs an item, and under the GIL
that time is taken from the proxy's event loop. An interaction is a small, fixed shape
(mappings with sorted keys, lists of header values, text bodies), so this module writes
it itself — but only where it is sure to produce exactly what PyYAML would: every
scalar it is not sure about (unusual characters, strings YAML would read as another
type in an unusual way, binary bodies, floats with exponents, deep shapes) makes
:func:`dump_item` return None, and the caller falls back to PyYAML for that item.
``tests/unit/cassettes/test_yaml_emit.py`` checks byte equality against PyYAML on every shipped
cassette and on generated interactions.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from yaml.resolver import Resolver

__all__ = ["dump_item"]


class _Unsure(Exception):
    """A value this writer does not handle exactly like PyYAML: fall back."""


_RESOLVERS = Resolver.yaml_implicit_resolvers
# Characters libyaml (the C emitter behind CSafeDumper) writes as they are: its
# IS_PRINTABLE, which knows the Basic Multilingual Plane only; no line breaks, no BOM.
_PRINTABLE = re.compile("[\x20-\x7e\u00a0-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")
_PRINTABLE_LINES = re.compile("[\n\x20-\x7e\u00a0-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")
_ALWAYS_INDICATORS = frozenset("#,[]{}&*!|>'\"%@`")
_FLOAT = re.compile(r"^-?[0-9]+\.[0-9]+$")
MAX_WIDTH = 60_000  # PyYAML folds plain and quoted scalars past its width (1 << 16)


def _resolves_to_other_type(value: str) -> bool:
    return any(regexp.match(value) for _tag, regexp in _RESOLVERS.get(value[:1], ()))


def _needs_quotes(value: str) -> bool:
    """Whether PyYAML's emitter refuses this (printable, one-line) string as a plain scalar."""
    first = value[0]
    return (
        first in _ALWAYS_INDICATORS
        or (first in "-?:" and (len(value) == 1 or value[1] == " "))
        or first == " "
        or value[-1] == " "
        or value[-1] == ":"
        or ": " in value
        or " #" in value
        or value.startswith(("---", "..."))
        or _resolves_to_other_type(value)
    )


def _single_line(value: str, key: bool = False) -> str:
    """A one-line string as plain or 'single-quoted' (as PyYAML chooses), or refuse."""
    if len(value) <= 256:  # keys and header values repeat across items: remember them
        return _single_line_cached(value, key)
    return _single_line_uncached(value, key)


def _single_line_uncached(value: str, key: bool) -> str:
    if value == "":
        return "''"
    if len(value) > MAX_WIDTH or "\t" in value or not _PRINTABLE.fullmatch(value):
        raise _Unsure(value)
    if _needs_quotes(value):
        if key:
            raise _Unsure(value)
        return "'" + value.replace("'", "''") + "'"
    return value


_single_line_cached = functools.lru_cache(maxsize=4096)(_single_line_uncached)


def _literal(value: str, indent: int) -> str:
    """A multi-line string as a literal block (``|-``, ``|``, ``|+``), or refuse."""
    if (
        len(value) > MAX_WIDTH
        or value[0] in " \n"
        or value.endswith(" ")
        or " \n" in value
        or not _PRINTABLE_LINES.fullmatch(value)
    ):
        raise _Unsure(value)
    if not value.endswith("\n"):
        hint, body = "-", value
    elif len(value) == 1 or value[-2] == "\n":
        raise _Unsure(value)  # '|+' keeps trailing blank lines: rare, leave it to PyYAML
    else:
        hint, body = "", value[:-1]
    pad = " " * indent
    lines = "".join(f"{pad}{line}\n" if line else "\n" for line in body.split("\n"))
    return f"|{hint}\n{lines}"


def _scalar(value: Any, indent: int) -> str:
    """A scalar after ``key: `` or ``- `` (ends with a newline)."""
    if value is None:
        return "null\n"
    if value is True:
        return "true\n"
    if value is False:
        return "false\n"
    if isinstance(value, int):
        return f"{value}\n"
    if isinstance(value, float):
        text = repr(value)
        if not _FLOAT.match(text):
            raise _Unsure(value)
        return f"{text}\n"
    if isinstance(value, str):
        if "\n" in value:
            return _literal(value, indent)
        return _single_line(value) + "\n"
    raise _Unsure(value)  # bytes (!!binary) and anything else


def _mapping(
    value: dict[str, Any], indent: int, seen: set[int], first_prefix: str | None = None
) -> str:
    """Block mapping at ``indent``; ``first_prefix`` replaces the first line's indentation.

    ``seen``: ids of the containers written so far; PyYAML writes a container met twice
    as an anchor and an alias, which this writer does not.
    """
    if id(value) in seen:
        raise _Unsure(value)
    seen.add(id(value))
    out: list[str] = []
    pad = " " * indent
    for position, key in enumerate(sorted(value)):
        if not isinstance(key, str):
            raise _Unsure(key)
        lead = first_prefix if position == 0 and first_prefix is not None else pad
        name = _single_line(key, key=True)
        item = value[key]
        if isinstance(item, dict):
            if not item:
                if id(item) in seen:
                    raise _Unsure(item)
                seen.add(id(item))
                out.append(f"{lead}{name}: {{}}\n")
            else:
                out.append(f"{lead}{name}:\n{_mapping(item, indent + 2, seen)}")
        elif isinstance(item, list):
            if id(item) in seen:
                raise _Unsure(item)
            seen.add(id(item))
            if not item:
                out.append(f"{lead}{name}: []\n")
            else:
                entries = []
                for entry in item:
                    if isinstance(entry, (dict, list)):
                        raise _Unsure(entry)
                    entries.append(f"{pad}- {_scalar(entry, indent + 2)}")
                out.append(f"{lead}{name}:\n" + "".join(entries))
        else:
            out.append(f"{lead}{name}: {_scalar(item, indent + 2)}")
    return "".join(out)


def dump_item(item: dict[str, Any]) -> bytes | None:
    """``yaml.dump([item], <vstape's safe dumper>, sort_keys=True, allow_unicode=True)``, or None.

    None means: not sure to match PyYAML byte for byte; use PyYAML for this item.
    """
    if not item:
        return None
    try:
        return _mapping(item, 2, set(), first_prefix="- ").encode("utf-8")
    except _Unsure:
        return None
