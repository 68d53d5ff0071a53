"""Read a ``multipart/form-data`` body (``POST /v1/files``) into its file and its fields.

The official SDK sends nested parameters in brackets (``expires_after[anchor]``,
``expires_after[seconds]``); OpenAPI's multipart encoding sends an object as one part
with ``Content-Type: application/json``. Both become the same nested value here, so the
validator can walk the fields like a JSON body. Parsing (:func:`vstape.http.multipart_parts`)
never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import msgspec

from vstape.http import Part, multipart_parts

FILE_FIELD = "file"


@dataclass(frozen=True)
class FilePart:
    """The uploaded file: its name as sent and its bytes."""

    filename: str | None
    content: bytes


@dataclass
class Form:
    """A parsed form: the ``file`` part (if any) and every other field, nested by brackets."""

    file: FilePart | None = None
    fields: dict[str, Any] = field(default_factory=dict)


_BRACKETS = re.compile(r"\[([^\[\]]*)\]")


def _keys(name: str) -> list[str]:
    """``expires_after[anchor]`` -> ``["expires_after", "anchor"]`` (``a[]`` -> ``["a", ""]``)."""
    head, bracket, _ = name.partition("[")
    if not bracket or not head:
        return [name]
    rest = name[len(head) :]
    found = _BRACKETS.findall(rest)
    if "".join(f"[{k}]" for k in found) != rest:
        return [name]  # not bracket notation after all: keep the name as sent
    return [head, *found]


def _put(target: dict[str, Any], keys: list[str], value: Any) -> None:
    """Store ``value`` at ``keys``: ``[]`` appends to a list; a clashing scalar is replaced."""
    for key, following in pairwise(keys):
        if following == "":
            items = target.get(key)
            if not isinstance(items, list):
                items = target[key] = []
            items.append(value)
            return
        child = target.get(key)
        if not isinstance(child, dict):
            child = target[key] = {}
        target = child
    target[keys[-1]] = value


def _text(part: Part) -> Any:
    if "json" in part.content_type:
        try:
            return msgspec.json.decode(part.data)
        except (msgspec.DecodeError, RecursionError):
            pass
    return part.data.decode("utf-8", "replace")


def parse_form(content_type: str, body: bytes) -> Form:
    """The file part and the other fields of a multipart body (empty for anything else)."""
    form = Form()
    for part in multipart_parts(content_type, body):
        if part.name == FILE_FIELD:
            form.file = FilePart(part.filename, part.data)
            continue
        _put(form.fields, _keys(part.name), _text(part))
    return form
