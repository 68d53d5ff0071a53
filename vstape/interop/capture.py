"""Traffic someone already captured (a HAR file, a mitmproxy flow dump), as vstape exchanges.

A reader turns one file into a :class:`Capture`: for every entry of the file (a HAR entry,
a flow), in order, either a :class:`Taken` exchange (``/v1/vector_stores...`` or
``/v1/files...`` with its response) or a :class:`Skipped` note saying why not (another
API, no response because the request was aborted, not HTTP). HAR files are read by
:mod:`vstape.interop.har`, flow dumps by ``vstape_mitmproxy.dumpfile`` (it needs
mitmproxy's own reader).

The format is told from the content, never from the file name (:func:`sniff`). A file
that cannot be read is a :class:`CaptureError` naming the file, the entry (0-based, as in
``$.log.entries[N]``) and the fix; no reader raises anything else.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from typing import Literal

from vstape.cassettes.io import MAX_BYTES
from vstape.recording.interaction import Exchange
from vstape.recording.redact import query, scrub_text

__all__ = [
    "NOT_API",
    "NOT_HTTP",
    "NO_BODY",
    "NO_RESPONSE",
    "Capture",
    "CaptureError",
    "Kind",
    "Skipped",
    "Taken",
    "check_source",
    "shown_url",
    "sniff",
]

Kind = Literal["har", "flows"]
KINDS: dict[Kind, str] = {"har": "HAR file", "flows": "mitmproxy flow dump"}

NOT_API = "not /v1/vector_stores or /v1/files"
NO_RESPONSE = "no response (aborted)"
NOT_HTTP = "not HTTP"
NO_BODY = "body not in the capture"

HEAD = 1 << 16
_WHITESPACE = b" \t\r\n"
_TNETSTRING = re.compile(rb"\d{1,12}:")
_BOM = b"\xef\xbb\xbf"


class CaptureError(ValueError):
    """A capture that cannot be imported: the file, the entry, what is wrong, how to fix it."""


@dataclass(frozen=True)
class Taken:
    """One exchange of the API, as it was on the wire (bodies decoded)."""

    index: int
    exchange: Exchange
    recorded_at: str | None = None
    """When it happened (ISO 8601, UTC), if the capture says."""
    scenario: str | None = None
    fault: str | None = None
    """Set when vstape itself wrote the capture (``vstape export``'s ``_vstape`` field)."""


@dataclass(frozen=True)
class Skipped:
    """One entry that is not imported, and why (``reason`` is short: the summary groups by it)."""

    index: int
    reason: str
    detail: str = ""
    """Shown to the user: method and URL (secrets taken out) and the cause; empty: not shown."""


@dataclass(frozen=True)
class Capture:
    """Every entry of one capture file, in order."""

    source: str
    kind: Kind
    entries: list[Taken | Skipped]

    @property
    def noun(self) -> str:
        """What one entry of this kind of file is called in messages."""
        return "entry" if self.kind == "har" else "flow"

    @property
    def taken(self) -> list[Taken]:
        """The exchanges to import."""
        return [e for e in self.entries if isinstance(e, Taken)]

    @property
    def skipped(self) -> list[Skipped]:
        """The entries left out."""
        return [e for e in self.entries if isinstance(e, Skipped)]


def shown_url(method: str, url: str) -> str:
    """``METHOD url`` for a message: secret query parameters and secret-shaped tokens out."""
    base, mark, rest = url.partition("?")
    return scrub_text(f"{method} {base}{mark}{query(rest)}")


def check_source(path: str | os.PathLike[str]) -> int:
    """The size of the capture file; CaptureError for a folder, a FIFO, a device, a huge file."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise CaptureError(
            f"{path}: no such file; give a HAR file or a mitmproxy flow dump"
        ) from None
    except OSError as err:
        raise CaptureError(
            f"{path}: cannot read it: {err.strerror}; check the path and its permissions"
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise CaptureError(
            f"{path}: is a folder; give the capture files themselves (a HAR file, a mitmproxy "
            "flow dump)"
        )
    if not stat.S_ISREG(info.st_mode):
        raise CaptureError(f"{path}: not a regular file; save the capture to a file first")
    if info.st_size > MAX_BYTES:
        raise CaptureError(
            f"{path}: refused: {info.st_size} bytes is larger than the {MAX_BYTES}-byte cap "
            "(vstape.cassettes.io.MAX_BYTES); split the capture (mitmproxy: save a filtered "
            "view, e.g. `mitmdump -nr big.mitm -w api.mitm '~u /v1/'`)"
        )
    return info.st_size


def _head(path: str | os.PathLike[str]) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(HEAD)
    except OSError as err:
        raise CaptureError(
            f"{path}: cannot read it: {err.strerror}; check the path and its permissions"
        ) from None


def sniff(path: str | os.PathLike[str]) -> Kind:
    """What kind of capture the file holds, from its first bytes: ``har`` or ``flows``.

    A HAR file is JSON, so it starts with ``{`` (after a UTF-8 byte order mark and white
    space, which Fiddler and editors leave); a mitmproxy flow dump is a series of
    tnetstrings, each starting with its length in digits and a colon. mitmproxy's own
    reader (``mitmproxy.io.FlowReader``) tells the two apart the same way.
    """
    check_source(path)
    head = _head(path)
    body = head.removeprefix(_BOM).lstrip(_WHITESPACE)
    if body.startswith(b"{"):
        return "har"
    if _TNETSTRING.match(body):
        return "flows"
    if not head:
        raise CaptureError(f"{path}: the file is empty; nothing to import")
    if not body:
        raise CaptureError(f"{path}: holds only white space; nothing to import")
    shown = " ".join(f"{b:02x}" for b in body[:8])
    hint = ""
    if body.startswith(b"\x1f\x8b"):
        hint = " It is gzip-compressed: decompress it first (gunzip)."
    elif body[:1] == b"\x78" and body[1:2] in (b"\x01", b"\x5e", b"\x9c", b"\xda"):
        hint = (
            " It looks zlib-compressed (mitmproxy's .zhar): decompress it first, e.g. "
            "python -c 'import sys,zlib; sys.stdout.buffer.write(zlib.decompress("
            "sys.stdin.buffer.read()))' < in.zhar > out.har."
        )
    raise CaptureError(
        f"{path}: neither a HAR file (JSON, starting with '{{') nor a mitmproxy flow dump "
        f"(`mitmdump -w`, starting with a length and ':'); it starts with bytes {shown}.{hint}"
    )
