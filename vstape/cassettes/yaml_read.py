"""One cassette item read back directly: what PyYAML's safe loader makes of it, ~5x faster.

The mirror of :mod:`vstape.cassettes.yaml_emit`. Streaming ``vstape validate`` parses every item
of a big cassette; PyYAML's constructor and resolver (pure Python even over libyaml)
spend ~0.3 ms on each. Items written by vstape or vcrpy use a small subset of YAML
(block mappings, indentless lists of scalars, plain, single-quoted and literal-block
scalars), so this module reads that subset itself, and only where it is sure to give
exactly PyYAML's result: any line or scalar it is not sure about (double quotes, tags
such as ``!!binary``, anchors, flow collections other than ``{}`` / ``[]``, comments,
tabs, characters PyYAML might refuse, plain scalars that resolve to anything but
text, an integer or a simple decimal) makes :func:`load_item` return None, and the
caller parses that item with PyYAML as before. ``tests/unit/cassettes/test_yaml_read.py`` checks
equality with PyYAML on every shipped cassette, on generated items and on mutated text.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from yaml.resolver import Resolver

__all__ = ["load_item"]

_RESOLVERS = Resolver.yaml_implicit_resolvers
_ALWAYS_INDICATORS = frozenset("#,[]{}&*!|>'\"%@`")


def _resolves_to_other_type(value: str) -> bool:
    return any(regexp.match(value) for _tag, regexp in _RESOLVERS.get(value[:1], ()))


def _needs_quotes(value: str) -> bool:
    """Whether PyYAML's emitter would quote this one-line string (it cannot be a plain scalar)."""
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


class _Unsure(Exception):
    """Not sure to read this as PyYAML does: let PyYAML read the item."""


# What libyaml's reader accepts and this module is sure of: printable BMP text without
# tab, carriage return, BOM, surrogates or the Unicode line and paragraph separators.
_SAFE = re.compile("[\n\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")
_KEY = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_.\-/]*):(?: (.*))?")
_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"-?[0-9]+\.[0-9]+")
_LEAD = re.compile(" *")
_SPACES_ONLY = re.compile(r"^ +$", re.M)
_CONSTANTS: dict[str, Any] = {"null": None, "true": True, "false": False}


def _uncached_plain(text: str) -> Any:
    if text in _CONSTANTS:
        return _CONSTANTS[text]
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    if not text or _needs_quotes(text):
        raise _Unsure(text)  # quoted, typed or odd: PyYAML knows
    return text


_cached_plain = functools.lru_cache(maxsize=4096)(_uncached_plain)


def _scalar(text: str) -> Any:
    """A one-line scalar: plain (text or one of the few typed forms), '{}', '[]' or 'quoted'."""
    if text == "{}":
        return {}
    if text == "[]":
        return []
    if text[:1] == "'":
        inner = text[1:-1]
        if len(text) < 2 or text[-1] != "'" or "'" in inner.replace("''", ""):
            raise _Unsure(text)
        return inner.replace("''", "'")
    return _cached_plain(text) if len(text) <= 256 else _uncached_plain(text)


@functools.lru_cache(maxsize=4096)
def _key_line(text: str) -> tuple[str, str | None]:
    """``key: rest`` (rest None for ``key:``), for a key PyYAML reads as this very text."""
    found = _KEY.fullmatch(text)
    if found is None or _needs_quotes(found.group(1)):
        raise _Unsure(text)  # quoted or typed keys, comments, anything else
    return found.group(1), found.group(2)


@functools.lru_cache(maxsize=64)
def _block_lines(indent: int) -> re.Pattern[str]:
    return re.compile(rf"(?:(?: {{{indent}}}[^\n]*)?\n)*")


@functools.lru_cache(maxsize=64)
def _block_margin(indent: int) -> re.Pattern[str]:
    return re.compile(rf"^ {{{indent}}}", re.M)


def _literal(text: str, pos: int, header: str, parent: int) -> tuple[str, int]:
    """A literal block (``|`` or ``|-``) starting at ``pos``, deeper than ``parent``; its end."""
    if header not in ("|", "|-"):
        raise _Unsure(header)  # |+, indentation indicators, folded blocks
    block = _LEAD.match(text, pos).end() - pos  # type: ignore[union-attr]
    if block <= parent or text[pos + block : pos + block + 1] in ("\n", ""):
        raise _Unsure(header)  # empty, or leading blank lines: PyYAML's rules are subtle
    end = _block_lines(block).match(text, pos).end()  # type: ignore[union-attr]
    content = text[pos:end]
    if _SPACES_ONLY.search(content):
        raise _Unsure(header)  # lines of spaces only: subtle again
    body = _block_margin(block).sub("", content).rstrip("\n")  # trailing blank lines chomped
    return (body if header == "|-" else body + "\n"), end


def _value(text: str, pos: int, rest: str, parent: int) -> tuple[Any, int]:
    """The value after ``key: `` or ``- `` (a literal block reads the lines at ``pos``)."""
    if rest[:1] == "|":
        return _literal(text, pos, rest, parent)
    return _scalar(rest), pos


def _line(text: str, pos: int) -> tuple[str, int]:
    """The line from ``pos`` (without its break) and where the next one starts."""
    eol = text.index("\n", pos)
    return text[pos:eol], eol + 1


def _sequence(text: str, pos: int, pad: int) -> tuple[list[Any], int]:
    """An indentless list of scalars (``- value`` lines at column ``pad``)."""
    out: list[Any] = []
    prefix = " " * pad + "- "
    while text.startswith(prefix, pos):
        rest, pos = _line(text, pos + len(prefix))
        value, pos = _value(text, pos, rest, pad)
        out.append(value)
    return out, pos


def _mapping(text: str, pos: int, pad: int, first: bool = False) -> tuple[dict[str, Any], int]:
    """A block mapping with its keys at column ``pad``, from ``pos``; where it ends.

    ``first``: ``pos`` is already at the first key (after the item's ``- ``).
    """
    out: dict[str, Any] = {}
    size = len(text)
    while pos < size:
        if first:
            first = False
        else:
            lead = _LEAD.match(text, pos).end() - pos  # type: ignore[union-attr]
            if lead < pad:
                break
            if lead > pad:
                raise _Unsure(pos)
            pos += pad
        line, pos = _line(text, pos)
        key, rest = _key_line(line) if len(line) <= 256 else _key_line.__wrapped__(line)
        if key in out:
            raise _Unsure(key)  # duplicates: PyYAML decides
        if rest is not None:
            out[key], pos = _value(text, pos, rest, pad)
            continue
        lead = _LEAD.match(text, pos).end() - pos  # type: ignore[union-attr]
        if lead == pad and text.startswith("- ", pos + pad):
            out[key], pos = _sequence(text, pos, pad)
        elif lead > pad and text[pos + lead : pos + lead + 1] not in ("\n", ""):
            out[key], pos = _mapping(text, pos, lead)
        else:
            raise _Unsure(line)  # `key:` alone (null), or something else
    return out, pos


def load_item(text: str) -> list[Any] | None:
    """``yaml.safe_load(text)`` for one ``- key: ...`` item at column 0, or None when unsure."""
    if not text.startswith("- ") or not text.endswith("\n") or not _SAFE.fullmatch(text):
        return None
    try:
        item, end = _mapping(text, 2, 2, first=True)
    except _Unsure:
        return None
    return [item] if end == len(text) else None
