"""A handler's inputs: the (already validated) JSON body and query, decoded into Structs."""

from __future__ import annotations

from typing import TypeVar
from urllib.parse import parse_qsl

import msgspec

from vstape.http import Request
from vstape.validation.numbers import decode

T = TypeVar("T")


def body(request: Request, type_: type[T]) -> T:
    """The JSON body as ``type_`` (an empty body reads as ``{}``; ``365.0`` as ``365``)."""
    decoded: T = decode(type_, request.body or b"{}")
    return decoded


def query(request: Request, type_: type[T]) -> T:
    """The query string as ``type_`` (values converted from their text)."""
    return msgspec.convert(dict(parse_qsl(request.query)), type_, strict=False)
