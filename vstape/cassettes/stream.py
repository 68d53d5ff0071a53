"""Read a cassette one interaction at a time: memory bounded by the largest interaction.

:func:`vstape.cassettes.io.load` builds the whole document (a 200 MB YAML cassette costs
about 4 GB); :func:`iter_interactions` yields ``(line, interaction)`` pairs instead, each
checked exactly as ``load`` checks it (the same safe loader, the same Structs, the same
messages with the file and line).

YAML cassettes are cut at their items. vcrpy and vstape write ``interactions:`` at
column 0 followed by one ``- request: ...`` item per interaction, so every item starts
with a dash at the sequence's own indentation, and nothing inside an item (its
mappings, literal blocks and plain scalars are all indented deeper) can start a line
there. Each piece is parsed on its own with PyYAML's C safe loader. The only text that
can cross such a line is a quoted scalar or a flow collection spanning lines: the piece
before the cut then ends inside it, its parse fails on its last line, and it is joined
with the next piece and parsed again (yaml-rs reads a piece where
:mod:`vstape.cassettes.yaml_rs_gate` is sure it reads as PyYAML; else
:mod:`vstape.cassettes.yaml_read` reads the pieces in the layout vstape and vcrpy write
~2.5x faster, exactly as PyYAML would, and hands any other piece to PyYAML; an item that
does not convert is read again by PyYAML, whose reading words the error). Whatever does not fit this layout (a flow-style
document, document markers, aliases across items, a BOM, a null list) is handed to
:func:`vstape.cassettes.io.loads` whole, so the answer is always the one ``load`` gives.
JSON cassettes are decoded whole (msgspec holds them compactly).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from typing import IO, Any

import msgspec
import yaml

from vstape.cassettes import yaml_read, yaml_rs_gate
from vstape.cassettes.binary import text_headers
from vstape.cassettes.io import (
    _ALIAS_HINT,
    MAX_ALIASES,
    _count_aliases,
    _yaml_document,
    _yaml_error,
    check_file,
    format_of,
    loads,
    read_bytes,
)
from vstape.cassettes.model import Cassette, CassetteError, Interaction
from vstape.reports.findings import interaction_lines

__all__ = ["Progress", "iter_interactions"]

BLOCK = 1 << 20
MAX_HEAD = 8 * BLOCK  # top-level keys before `interactions:`: a few bytes in practice
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_INTERACTIONS = re.compile(rb"^interactions:[ \t]*(?:#[^\n]*)?\r?\n", re.M)
_CONTENT = re.compile(rb"^[ \t]*[^ \t\r\n#]", re.M)
_ITEM = re.compile(rb"( *)-(?=[ \r\n])")
_EXPECTED = (
    "{version: 1, interactions: [{request: {method, uri, body, headers}, "
    "response: {status: {code, message}, headers, body: {string}}}]}"
)

Progress = Callable[[int], None]
"""Called with the number of bytes read so far."""


class _Fallback(Exception):
    """The file does not have the layout this reader cuts: load it whole instead."""


def iter_interactions(
    path: str | os.PathLike[str], progress: Progress | None = None
) -> Iterator[tuple[int, Interaction]]:
    """Each interaction of the cassette at ``path`` with the line where it starts.

    Raises :class:`vstape.cassettes.io.CassetteError` (file, line, fix) wherever ``load``
    would, possibly after yielding the interactions before the problem.
    """
    size = check_file(path)
    yielded = 0
    if format_of(path) == "yaml":
        try:
            for item in _stream_yaml(path, progress):
                yielded += 1
                yield item
            return
        except _Fallback:
            pass
    # Whole: JSON, or YAML in a layout not cut here (its first `yielded` items were right).
    data = read_bytes(path)
    fmt = format_of(path)
    interactions = loads(data, fmt=fmt, where=str(path)).interactions
    lines = interaction_lines(data, fmt, len(interactions))
    del data
    if progress is not None:
        progress(size)
    yield from list(zip(lines, interactions, strict=True))[yielded:]


class _Reader:
    """A file in blocks: ``buf[pos:]`` is what is left, from a line start; ``line`` is its number."""

    def __init__(self, handle: IO[bytes], progress: Progress | None) -> None:
        self.handle = handle
        self.progress = progress
        self.buf = b""
        self.pos = 0
        self.line = 1
        self.offset = 0  # of buf[pos] in the file
        self.read = 0
        self.eof = False

    def more(self) -> bool:
        """Append the next block (at least as much as is left); False at the end of the file."""
        if self.eof:
            return False
        block = self.handle.read(max(BLOCK, len(self.buf) - self.pos))
        if not block:
            self.eof = True
            return False
        self.buf += block
        self.read += len(block)
        if self.progress is not None:
            self.progress(self.read)
        return True

    def compact(self) -> None:
        """Drop what was taken (indices into ``buf`` change: call between pieces only)."""
        if self.pos:
            self.buf, self.pos = self.buf[self.pos :], 0

    def take(self, end: int) -> bytes:
        """``buf[pos:end]``, consumed."""
        piece = self.buf[self.pos : end]
        self.line += piece.count(b"\n")
        self.offset += len(piece)
        self.pos = end
        return piece


def _mapping(text: bytes, where: str, first_line: int) -> dict[str, Any]:
    """Top-level keys outside the items, as a mapping (anything else: not our layout)."""
    if not text.strip():
        return {}
    try:
        value = _yaml_document(text, where, first_line)
    except CassetteError:
        raise _Fallback from None
    if value is None:
        return {}
    if not isinstance(value, dict) or "interactions" in value:
        raise _Fallback
    return value


def _check_top(head: dict[str, Any], tail: dict[str, Any], where: str) -> None:
    """``version`` and no unknown top-level key, as :class:`Cassette` checks them."""
    if set(head) & set(tail):
        raise _Fallback  # a key given twice: the whole document decides which wins
    try:
        msgspec.convert({**head, **tail, "interactions": []}, Cassette)
    except msgspec.ValidationError as err:
        raise CassetteError(f"{where}: not a vcrpy cassette: {err}; expected {_EXPECTED}") from err


def _start(reader: _Reader, where: str) -> tuple[dict[str, Any], int]:
    """Read up to the first item: the top-level keys before it and the items' indentation."""
    while (found := _INTERACTIONS.search(reader.buf)) is None:
        if len(reader.buf) > MAX_HEAD or not reader.more():
            raise _Fallback  # no block-style `interactions:` key
    head = _mapping(reader.buf[: found.start()], where, 1)
    reader.take(found.end())
    while True:
        content = _CONTENT.search(reader.buf, reader.pos)
        if content is not None and reader.buf.find(b"\n", content.start()) >= 0:
            break
        if not reader.more():
            raise _Fallback  # `interactions:` and nothing after it: a null list
    reader.take(content.start())
    item = _ITEM.match(reader.buf, reader.pos)
    if item is None:
        raise _Fallback  # another key or a flow collection: not one item per interaction
    return head, len(item.group(1))


Piece = tuple[bytes, bool, int, int]
"""(text, whether it is an item, its first line, its first byte in the file)."""


def _pieces(reader: _Reader, indent: int) -> Iterator[Piece]:
    """Each item, then the rest of the file (the top-level keys after the items)."""
    # A newline, then the next item's dash or a top-level key (literal prefix: a fast scan).
    boundary = re.compile(rb"\n(?: {%d}-(?=[ \r\n])|[^ \r\n#])" % indent)
    item = re.compile(rb" {%d}-(?=[ \r\n])" % indent)
    while True:
        if reader.pos > BLOCK:
            reader.compact()
        while reader.buf.find(b"\n", reader.pos) < 0 and reader.more():
            pass
        line, offset = reader.line, reader.offset
        if item.match(reader.buf, reader.pos) is None:  # the top-level keys after the items
            while reader.more():
                pass
            if reader.buf[reader.pos :].strip():
                yield reader.take(len(reader.buf)), False, line, offset
            return
        scan, found = reader.pos, None
        while True:
            complete = reader.buf.rfind(b"\n") + 1  # whole lines only: the next one decides
            found = boundary.search(reader.buf, scan, complete)
            if found is not None:
                break
            scan = max(scan, complete - 1)
            if not reader.more():
                break
        yield reader.take(found.start() + 1 if found else len(reader.buf)), True, line, offset
        if found is None:
            return


def _parse_items(
    text: bytes, where: str, first_line: int, first_byte: int, use_rs: bool = True
) -> list[Any] | None:
    """The items of one piece; None when its parse ends inside an unfinished scalar.

    ``use_rs``: try yaml-rs first (:mod:`vstape.cassettes.yaml_rs_gate`); the caller parses the
    piece again with ``use_rs=False`` if what it gave does not convert.
    """
    if use_rs:
        sure, document = yaml_rs_gate.load(text)
        if sure and isinstance(document, list) and document:
            return document
    try:
        fast = yaml_read.load_item(text.decode("utf-8"))
    except UnicodeDecodeError:
        fast = None  # PyYAML says where and why, below
    if fast is not None:
        return fast
    try:
        if _ALIAS_HINT.search(text) and _count_aliases(text) > MAX_ALIASES:
            raise CassetteError(
                f"{where}:{first_line}: refused: more than {MAX_ALIASES} YAML aliases in one "
                "interaction (a possible alias bomb); cassettes written by vcrpy or vstape use "
                "none - re-record it"
            )
        value = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as err:
        if "undefined alias" in str(err):
            raise _Fallback from None  # an anchor in an earlier item: only the whole knows
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        if isinstance(err, yaml.MarkedYAMLError) and (
            mark is None or mark.line >= text.rstrip().count(b"\n")
        ):
            return None  # failed on its last line: maybe cut inside a scalar; join and retry
        raise _yaml_error(err, text, where, first_line, first_byte) from err
    if not isinstance(value, list) or not value:
        raise _Fallback
    return value


def _interaction(value: Any, where: str, line: int, index: int) -> Interaction:
    try:
        return msgspec.convert(text_headers(value), Interaction)
    except msgspec.ValidationError as err:
        detail = str(err).replace("`$", f"`$.interactions[{index}]")
        raise CassetteError(
            f"{where}:{line}: not a vcrpy cassette: {detail}; expected {_EXPECTED}"
        ) from err


def _stream_yaml(
    path: str | os.PathLike[str], progress: Progress | None
) -> Iterator[tuple[int, Interaction]]:
    where = str(path)
    with open(path, "rb") as handle:
        reader = _Reader(handle, progress)
        head, indent = _start(reader, where)
        index = 0
        pending, pending_line, pending_byte = b"", 0, 0
        for piece, is_item, line, offset in _pieces(reader, indent):
            if not is_item:  # top-level keys after the items (vcrpy writes `version: 1` there)
                if pending:
                    raise _Fallback  # a quoted scalar or flow collection runs into them
                _check_top(head, _mapping(piece, where, line), where)
                return
            if pending:
                text, start, first_byte = pending + piece, pending_line, pending_byte
            else:
                text, start, first_byte = piece, line, offset
            items = _parse_items(text, where, start, first_byte)
            if items is None:
                pending, pending_line, pending_byte = text, start, first_byte
                continue
            pending = b""
            try:
                converted = [msgspec.convert(text_headers(value), Interaction) for value in items]
            except Exception:  # a ValidationError or anything unforeseen: the old reading decides
                slow = _parse_items(text, where, start, first_byte, use_rs=False)
                if slow is None:
                    raise _Fallback from None
                converted = [
                    _interaction(value, where, start, index + n) for n, value in enumerate(slow)
                ]
            for interaction in converted:
                yield start, interaction
                index += 1
        if pending:
            raise _Fallback  # unfinished at the end of the file: the whole load says why
        _check_top(head, {}, where)
