"""Where in a JSON document a byte offset falls, as a JSON path: for error messages only.

msgspec says *that* a HAR file is truncated, malformed or not UTF-8 (and for some errors
at which byte); the user needs to hear *which entry*: ``$.log.entries[17].response``.
:func:`path_at` walks the document's tokens up to the offset (strings, brackets, colons,
commas: a regular expression does the scanning) and keeps the stack of open containers.
It reads nothing for its values and never raises: it runs only once a real parser has
refused the file, to say where.
"""

from __future__ import annotations

import json
import mmap
import re

__all__ = ["entry_of", "path_at"]

_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?|[{}\[\]:,]|[^\s{}\[\]:,"]+')
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_ENTRY = re.compile(r"^\$\.log\.entries\[(\d+)\]")


def _key(token: bytes) -> str:
    try:
        value = json.loads(token)
    except (ValueError, RecursionError):
        return token.strip(b'"').decode("utf-8", "replace")
    return value if isinstance(value, str) else str(value)


def path_at(data: bytes | memoryview | mmap.mmap, offset: int) -> str:
    """The JSON path of the innermost value open at byte ``offset`` (``$`` at the top)."""
    view = memoryview(data)[: max(offset, 0)]
    # Each frame: [is_object, key or index, expecting a key]
    stack: list[list[object]] = []
    for found in _TOKEN.finditer(view):
        token = found.group()
        top = stack[-1] if stack else None
        if token == b"{":
            stack.append([True, None, True])
        elif token == b"[":
            stack.append([False, 0, False])
        elif token in (b"}", b"]"):
            if stack:
                stack.pop()
        elif token == b",":
            if top is not None and top[0]:
                top[1], top[2] = None, True
            elif top is not None and isinstance(top[1], int):
                top[1] += 1
        elif token == b":":
            if top is not None:
                top[2] = False
        elif token.startswith(b'"') and top is not None and top[0] and top[2]:
            top[1] = _key(token)
    path = "$"
    for is_object, where, _ in stack:
        if is_object and isinstance(where, str):
            path += f".{where}" if _IDENTIFIER.match(where) else f"[{json.dumps(where)}]"
        elif not is_object:
            path += f"[{where}]"
    return path


def entry_of(path: str) -> int | None:
    """The index N of a path under ``$.log.entries[N]``, or None."""
    found = _ENTRY.match(path)
    return int(found.group(1)) if found else None
