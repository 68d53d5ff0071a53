"""A YAML cassette parsed by yaml-rs (Rust, ~15x faster) where it is sure to read as PyYAML.

:mod:`vstape.cassettes.io` loads YAML with PyYAML's C safe loader: its constructor and
resolver are pure Python, ~0.5 ms per interaction. yaml-rs (a binary wheel; when it is
missing everything goes to PyYAML) parses the same text in a fraction of that, but it
reads YAML 1.2 where PyYAML reads 1.1 (``yes`` stays text, ``017`` is 17 not 15, ``1e3``
is a float), keeps ``<<`` as a key, drops tags such as ``!!binary``, refuses duplicate
keys, and recurses in C (a deep enough document overflows the stack). So :func:`load`
returns its document only when converting it gives the very Cassette PyYAML's document
gives; its caller converts it, and on any conversion error (or None here) loads the
text with PyYAML exactly as before, so every error message is PyYAML's path's own:

- the text is refused before parsing (None) when it holds anything the two may read
  differently or this module does not vouch for: a character outside the plain printable
  set (tab, carriage return, control and C1 characters, BOM, YAML 1.1's extra line
  breaks), a tag, an anchor or an alias (PyYAML's path counts aliases), a merge key, a
  complex key, a directive or a document marker, an escape spelling a letter in double
  quotes, block nesting deep enough to worry about yaml-rs's stack, or a number field
  (``code``, ``version``, ``duration_ms``) whose value is not a plain decimal
  (``017``, ``0o17``, ``1e3``, ``-.5`` and friends read differently; a number anywhere
  else fails conversion or is dropped with an unknown key);
- after parsing, every key must be text, and every text (keys included) that PyYAML
  types as a plain scalar (``yes``, ``1:20``, ``2001-12-14``, ...) must be one that yaml-rs
  also types when plain: then it can only have been quoted, text for both;
- any error of yaml-rs (duplicate keys, syntax, limits) gives None.

A probe at import checks that the installed yaml-rs reads the forms this relies on as
expected; if it does not (another version), :func:`load` always returns None.
``tests/unit/cassettes/test_yaml_rs_gate.py`` checks the Cassettes are equal on every shipped
cassette and on generated and mutated documents.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from yaml.resolver import Resolver

_rs_loads: Callable[..., Any] | None
try:  # a speed-up: without it every cassette goes to PyYAML
    from yaml_rs import loads as _rs_loads
except ImportError:  # exercised by the fallback test, in a child process
    _rs_loads = None

__all__ = ["available", "load"]

_RESOLVERS = Resolver.yaml_implicit_resolvers

# yaml-rs recurses once per nesting level and overflows the C stack (the process dies) at
# some 10,000-30,000 levels of block nesting; it refuses flow nesting past 256 itself. A
# block level takes at least one column or one `- ` on a line, so the two nesting limits
# of _unsure_text keep block nesting under ~140 levels and the rest goes to PyYAML.

# What both parsers read alike and this module vouches for: printable text and \n only
# (no tab, carriage return, control character, C1 control, BOM, noncharacter, nor the
# line breaks only YAML 1.1 has: \x85, \u2028, \u2029). ASCII is checked on the bytes.
_ASCII_OK = b"\n" + bytes(range(0x20, 0x7F)) + bytes(range(0x80, 0x100))
_UNSAFE_UNICODE = re.compile("[\x80-\x9f\u2028\u2029\ufeff\ufffe\uffff]")

# The cassette's number fields: only their values can come out as a number yaml-rs and
# PyYAML read differently (017, 0o17, 0_200, 1e3, 1.0e3, -.5) and still convert; a number
# anywhere else fails conversion (a header value, a body) or is dropped (an unknown key).
NUMBER_FIELDS = ("code", "version", "duration_ms")
_CANONICAL = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_KEY_BEFORE = frozenset(" \n{,'\"")
_TOKEN_END = re.compile(r"[ \n#,}\]]|\Z")
_NUMBER_START = frozenset("-+.0123456789")
# Double-quoted escapes that spell a key's letters (`"\x63ode"` is `code`) or split it
# across lines: with one, a number field could hide from _numbers_unsure.
_LETTER_ESCAPES = re.compile(
    r"\\(?:\n|x(?:5f|6[1-9a-f]|7[0-9a])|u00(?:5f|6[1-9a-f]|7[0-9a])|U000000(?:5f|6[1-9a-f]|7[0-9a]))",
    re.IGNORECASE,
)
_DEEP_INDENT = "\n" + " " * 128
_DASHES = re.compile(r"(?:- +){8}")
_NODE_BEFORE = frozenset(" \n[{,")


def _numbers_unsure(text: str) -> bool:
    """Whether a number field's value is not written plainly (``code: 200``, ``12.5``)."""
    for key in NUMBER_FIELDS:
        i = text.find(key)
        while i >= 0:
            j = i + len(key)
            i = text.find(key, j)
            if j - len(key) > 0 and text[j - len(key) - 1] not in _KEY_BEFORE:
                continue  # part of another key (error_code) or of a text
            if text[j : j + 1] in ("'", '"'):
                j += 1
            if text[j : j + 1] != ":":
                continue
            j += 1
            while text[j : j + 1] == " ":
                j += 1
            end = _TOKEN_END.search(text, j)
            token = text[j : end.start() if end else len(text)]
            if not token:
                if text[j : j + 1] in ("\n", "#", ""):
                    return True  # the value is on a later line: not looked for there
                continue  # `{code: }` or `code: ,`: null
            if token[0] in _NUMBER_START and not _CANONICAL.fullmatch(token):
                return True
    return False


def _at_node_start(text: str, char: str, after: frozenset[str] | None = None) -> bool:
    """Whether ``char`` occurs where a node starts (and, given ``after``, is followed by one
    of those characters, or ends the text)."""
    i = text.find(char)
    while i >= 0:
        if (i == 0 or text[i - 1] in _NODE_BEFORE) and (
            after is None or i + 1 == len(text) or text[i + 1] in after
        ):
            return True
        i = text.find(char, i + 1)
    return False


_SPACE_OR_BREAK = frozenset(" \n")


def _unsure_text(text: str) -> bool:
    """Whether the text holds a form the two parsers may read differently (see above)."""
    return (
        "<<" in text  # a merge key
        or text.startswith(("%", "---", "..."))  # a directive, a document marker
        or "\n%" in text
        or "\n---" in text
        or "\n..." in text
        or _DEEP_INDENT in text  # deep block nesting
        or (("- -" in text or "-  " in text) and _DASHES.search(text) is not None)
        or _at_node_start(text, "!")  # a tag
        or _at_node_start(text, "&")  # an anchor
        or _at_node_start(text, "*")  # an alias
        or _at_node_start(text, "?", _SPACE_OR_BREAK)  # a complex key
        or ("\\" in text and _LETTER_ESCAPES.search(text) is not None)
        or _numbers_unsure(text)
    )


def _pyyaml_types(value: str) -> bool:
    """Whether PyYAML's resolver gives this text another type when it is a plain scalar."""
    return any(regexp.match(value) for _tag, regexp in _RESOLVERS.get(value[:1], ()))


@functools.lru_cache(maxsize=4096)
def _rs_types(value: str) -> bool:
    """Whether yaml-rs gives this text another type (not str) when it is a plain scalar."""
    if _rs_loads is None:
        return False
    try:
        parsed = _rs_loads(f"- {value}\n" if value else "-\n")
    except Exception:
        return False
    return not (isinstance(parsed, list) and len(parsed) == 1 and isinstance(parsed[0], str))


# First characters of the texts PyYAML types and yaml-rs may not: yes/no/on/off, numbers
# and timestamps, `<<`, `=` (true/false/null start with t, f, n, N too: n/N for no).
# Words are short (yes, No, OFF, <<, =, ~, !): a longer text starting with a letter is none.
_NUMBER_FIRST = frozenset("0123456789+-.")
_WORD_FIRST = frozenset("yYnNoO<=~!&*")
_LONGEST_WORD = 5


def _maybe_typed(value: str) -> bool:
    """A cheap first look: could PyYAML type this text at all?"""
    first = value[:1]
    return first in _NUMBER_FIRST or (first in _WORD_FIRST and len(value) <= _LONGEST_WORD)


@functools.lru_cache(maxsize=8192)
def _unsure_str(value: str) -> bool:
    """A text PyYAML would type when plain, and yaml-rs would not: it may have been plain."""
    return _maybe_typed(value) and _pyyaml_types(value) and not _rs_types(value)


class _Unsure(Exception):
    """A text PyYAML may have typed: let PyYAML read the file."""


def _check(document: Any) -> None:
    """Raise _Unsure for a key that is not text, or a text PyYAML types when plain and
    yaml-rs does not."""
    stack = [document]
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        if type(node) is dict:
            for key, value in node.items():
                if type(key) is not str or _unsure_str(key):
                    raise _Unsure(key)  # cassettes have text keys only: PyYAML decides others
                kind = type(value)
                if kind is str:
                    if _maybe_typed(value) and _unsure_str(value):
                        raise _Unsure(value)
                elif kind is dict or kind is list:
                    push(value)
        elif type(node) is list:
            for item in node:
                kind = type(item)
                if kind is str:
                    if _maybe_typed(item) and _unsure_str(item):
                        raise _Unsure(item)
                elif kind is dict or kind is list:
                    push(item)
        elif type(node) is str and _unsure_str(node):
            raise _Unsure(node)


def _probe() -> bool:
    """Whether the installed yaml-rs reads the forms the checks above rely on as expected."""
    if _rs_loads is None:
        return False
    sample = "a: 1\nb: '017'\nc: null\nd: true\ne: 2.5\nf: ''\ng:\nh: [x, '1']\n"
    expected = {"a": 1, "b": "017", "c": None, "d": True, "e": 2.5, "f": "", "g": None}
    expected["h"] = ["x", "1"]
    try:
        if _rs_loads(sample) != expected:
            return False
    except Exception:
        return False
    # What PyYAML types when plain (ints, nulls, timestamps), yaml-rs types too.
    return all(_rs_types(text) for text in ("123", "~", "2001-12-14", "2001-12-14 21:59:43.10 -5"))


available = _probe()
"""Whether :func:`load` can ever answer (yaml-rs installed and reading as expected)."""


def load(data: bytes) -> tuple[bool, Any]:
    """``(True, document)`` when yaml-rs reads ``data`` exactly as PyYAML's safe loader would.

    ``(False, None)`` when unsure (or yaml-rs is missing): load it with PyYAML then.
    """
    if _rs_loads is None or not available or not data.strip() or data.translate(None, _ASCII_OK):
        return False, None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False, None
    if not text.isascii() and _UNSAFE_UNICODE.search(text):
        return False, None
    if _unsure_text(text):
        return False, None
    try:
        document = _rs_loads(text, parse_datetime=True)
        _check(document)
    except Exception:  # yaml-rs's errors, _Unsure: PyYAML decides and words any error
        return False, None
    return True, document
