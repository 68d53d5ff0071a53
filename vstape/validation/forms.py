"""Read a ``multipart/form-data`` body (``POST /v1/files``) into its file and its fields.

The official SDK sends nested parameters in brackets (``expires_after[anchor]``,
``expires_after[seconds]``); OpenAPI's multipart encoding sends an object as one part
with ``Content-Type: application/json``. Both become the same nested value here, so the
validator can walk the fields like a JSON body. Parsing uses the stdlib email parser and
never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from itertools import pairwise
from typing import Any

import msgspec

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


def _text(part: Message) -> Any:
    payload = part.get_payload(decode=True)
    raw = payload if isinstance(payload, bytes) else b""
    if "json" in part.get_content_type():
        try:
            return msgspec.json.decode(raw)
        except (msgspec.DecodeError, RecursionError):
            pass
    return raw.decode("utf-8", "replace")


def boundary_of(content_type: str) -> str | None:
    """The ``boundary`` parameter of a multipart content type, or None."""
    message = Message()
    message["content-type"] = content_type
    found = message.get_param("boundary")
    return found if isinstance(found, str) and found else None


def parse_form(content_type: str, body: bytes) -> Form:
    """The file part and the other fields of a multipart body (empty for anything else)."""
    form = Form()
    if boundary_of(content_type) is None:
        return form
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    try:
        message = BytesParser(policy=HTTP).parsebytes(head + body)
        parts = list(message.iter_parts()) if message.is_multipart() else []
    except Exception:  # the email parser is lenient; anything it still cannot read is "no parts"
        return form
    for part in parts:
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        if name == FILE_FIELD:
            payload = part.get_payload(decode=True)
            content = payload if isinstance(payload, bytes) else b""
            form.file = FilePart(part.get_filename(), content)
            continue
        _put(form.fields, _keys(name), _text(part))
    return form
