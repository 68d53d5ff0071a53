"""A HAR file as msgspec's model: mapped, parsed, and each entry decoded on its own.

Errors name the file and the entry (``FILE: entry 17 ($.log.entries[17].response): ...``):
a file that is truncated, not JSON or not UTF-8 is refused whole with the entry the
problem is in (:mod:`vstape.interop.locate`). JSON strings holding lone UTF-16
surrogates are not valid Unicode and msgspec refuses them; such a file is parsed with
the stdlib's JSON parser instead, which keeps them (see :mod:`vstape.interop.har`).
"""

from __future__ import annotations

import codecs
import json
import mmap
import os
import re
from typing import Any

import msgspec

from vstape.interop import har_model as model
from vstape.interop.capture import CaptureError
from vstape.interop.locate import entry_of, path_at

__all__ = ["BOM", "Buffer", "document", "entry", "map_file"]

Buffer = bytes | mmap.mmap | memoryview

EXPECTED = '{"log": {"version": "1.2", "entries": [{"request": {...}, "response": {...}}]}}'
_BYTE = re.compile(r"\(byte (\d+)\)")
BOM = b"\xef\xbb\xbf"


def map_file(path: str | os.PathLike[str], size: int) -> Buffer:
    if size == 0:
        return b""
    try:
        with open(path, "rb") as handle:
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError) as err:
        raise CaptureError(f"{path}: cannot read it: {err}; check the path") from None


def _first_bad_utf8(data: Buffer) -> int:
    """The offset of the first byte that is not UTF-8 (chunk by chunk: no copy of the file)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    step = 1 << 20
    for start in range(0, len(view), step):
        pending = len(decoder.getstate()[0])  # bytes of a character cut by the last chunk
        try:
            decoder.decode(view[start : start + step], final=start + step >= len(view))
        except UnicodeDecodeError as err:
            return max(start - pending + err.start, 0)
    return len(view)


def _where(path: str | os.PathLike[str], data: Buffer, offset: int) -> str:
    """``FILE:LINE: entry N ($.log.entries[N]...)`` for a byte offset."""
    view = memoryview(data)
    line = bytes(view[:offset]).count(b"\n") + 1 if offset < (64 << 20) else None
    json_path = path_at(data, offset)
    index = entry_of(json_path)
    at = f"{path}:{line}" if line is not None else f"{path} (byte {offset})"
    return f"{at}: entry {index} ({json_path})" if index is not None else f"{at}: at {json_path}"


def _syntax_error(path: str | os.PathLike[str], data: Buffer, err: Exception) -> CaptureError:
    text = str(err)
    found = _BYTE.search(text)
    if "truncated" in text.lower():
        where = _where(path, data, len(data))
        return CaptureError(
            f"{where}: the file ends in the middle of it (truncated: cut off while being "
            "written or copied); save or export the HAR again"
        )
    if isinstance(err, UnicodeDecodeError) or ("utf-8" in text.lower() and found is None):
        offset = err.start if isinstance(err, UnicodeDecodeError) else _first_bad_utf8(data)
        return CaptureError(
            f"{_where(path, data, offset)}: byte {offset} is not UTF-8: a HAR file is UTF-8 "
            "JSON, and a body that is not text goes in base64 (content.encoding: base64); "
            "export the HAR again, or import the mitmproxy flow dump (mitmdump -w) of the "
            "same traffic, which keeps bytes as they are"
        )
    offset = int(found.group(1)) if found else 0
    return CaptureError(
        f"{_where(path, data, offset)}: not valid JSON ({_BYTE.sub('', text).strip()} at byte "
        f"{offset}); a HAR file is the JSON document {EXPECTED} - export it again"
    )


def document(path: str | os.PathLike[str], data: Buffer) -> model.HarDocument | model.LooseDocument:
    """The top of the document, its entries undecoded."""

    def not_har(err: Exception) -> str:
        return f"{path}: not a HAR file: {err}; expected {EXPECTED}"

    try:
        return msgspec.json.decode(data, type=model.HarDocument)
    except msgspec.ValidationError as err:
        raise CaptureError(not_har(err)) from None
    except msgspec.DecodeError as err:
        if "surrogate" not in str(err):
            raise _syntax_error(path, data, err) from None
    except RecursionError:
        raise CaptureError(f"{path}: refused: nested too deeply for a HAR file") from None
    # Lone surrogates: the stdlib parser keeps them (as text that is not UTF-8).
    try:
        text = bytes(data).decode("utf-8", "surrogatepass")
    except UnicodeDecodeError as err:
        raise _syntax_error(path, data, err) from None
    try:
        return msgspec.convert(json.loads(text), model.LooseDocument)
    except msgspec.ValidationError as err:
        raise CaptureError(not_har(err)) from None
    except json.JSONDecodeError as err:
        offset = len(text[: err.pos].encode("utf-8", "surrogatepass"))
        raise _syntax_error(path, data, ValueError(f"{err.msg} (byte {offset})")) from None
    except RecursionError:
        raise CaptureError(f"{path}: refused: nested too deeply for a HAR file") from None


def _offset(data: Buffer, raw: bytes) -> int:
    """Where the raw entry ``raw`` starts in ``data`` (for an error message only)."""
    view = memoryview(data)
    whole = view.obj  # the mapped file, also under the view that skips a byte order mark
    if not isinstance(whole, (bytes, mmap.mmap)):
        return 0
    skip = len(whole) - len(view)
    return max(whole.find(raw, skip) - skip, 0)


def _loose_entry(path: str | os.PathLike[str], data: Buffer, raw: bytes) -> Any:
    """An entry msgspec refused for its lone surrogates, read by the stdlib parser."""
    try:
        text = raw.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError as err:
        at = _offset(data, raw) + err.start
        raise _syntax_error(path, data, UnicodeDecodeError("utf-8", b"", at, at + 1, "")) from None
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as err:
        raise _syntax_error(path, data, ValueError(f"{err} (byte {_offset(data, raw)})")) from None


def entry(path: str | os.PathLike[str], data: Buffer, index: int, raw: Any) -> model.Entry:
    try:
        if isinstance(raw, msgspec.Raw):
            try:
                return msgspec.json.decode(raw, type=model.Entry)
            except msgspec.ValidationError:
                raise
            except msgspec.DecodeError as err:
                # A raw entry's strings are checked only now: lone surrogates, or not UTF-8.
                if "surrogate" not in str(err):
                    at = _offset(data, bytes(raw)) + _first_bad_utf8(bytes(raw))
                    error = UnicodeDecodeError("utf-8", b"", at, at + 1, "")
                    raise _syntax_error(path, data, error) from None
                raw = _loose_entry(path, data, bytes(raw))
        return msgspec.convert(raw, model.Entry)
    except msgspec.ValidationError as err:
        detail = str(err).replace("`$", f"`$.log.entries[{index}]")
        if "`$" not in detail:
            detail += f" - at `$.log.entries[{index}]`"
        raise CaptureError(
            f"{path}: entry {index}: not a HAR entry: {detail}; an entry is "
            '{"request": {"method", "url", "headers", ...}, "response": {"status", "headers", '
            '"content": {"text", ...}, ...}, ...}'
        ) from None
    except RecursionError:
        raise CaptureError(f"{path}: entry {index}: refused: nested too deeply") from None
