"""Make an exchange reviewable and replayable: decompress, pretty JSON, one host, no noise.

Pure functions shared by the recording proxy and the pytest plugin's in-process
recording.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import zlib
from collections.abc import Iterable

import msgspec

from vstape.faults.plan import HEADER as FAULT_HEADER

CANONICAL_ORIGIN = "https://api.openai.com"

# Request headers that vary between runs, machines, clients or retries: never recorded.
VOLATILE_REQUEST = frozenset(
    {
        "user-agent",
        "accept-encoding",
        "host",
        "connection",
        "keep-alive",
        "content-length",
        "transfer-encoding",
        "x-stainless-retry-count",
        FAULT_HEADER,  # asks the proxy for a fault; never part of the request
        "x-stainless-read-timeout",
        "x-stainless-async",
        "x-stainless-os",
        "x-stainless-arch",
        "x-stainless-runtime",
        "x-stainless-runtime-version",
        "x-stainless-package-version",
        "x-stainless-lang",
        "x-stainless-raw-response",
        "x-stainless-poll-helper",
        "x-stainless-custom-poll-interval",
        "proxy-connection",
    }
)
# Response headers describing the transport, not the answer: dropped once decoded.
VOLATILE_RESPONSE = frozenset(
    {
        "content-encoding",
        "content-length",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "date",
        "server",
        "alt-svc",
        "cf-ray",
        "cf-cache-status",
        "strict-transport-security",
        "via",
    }
)


class DecodeError(ValueError):
    """A body whose content-encoding could not be undone."""


def decompress(body: bytes, encoding: str) -> bytes:
    """Undo ``content-encoding`` (gzip, deflate, br, zstd; chained encodings too)."""
    for coding in reversed([c.strip().lower() for c in encoding.split(",") if c.strip()]):
        if coding in ("identity", ""):
            continue
        try:
            if coding in ("gzip", "x-gzip"):
                body = gzip.decompress(body)
            elif coding == "deflate":
                try:
                    body = zlib.decompress(body)
                except zlib.error:
                    body = zlib.decompress(body, -zlib.MAX_WBITS)
            elif coding == "br":
                import brotli

                body = brotli.decompress(body)
            elif coding == "zstd":
                import zstandard

                body = zstandard.ZstdDecompressor().decompressobj().decompress(body)
            else:
                raise DecodeError(f"unknown content-encoding {coding!r}")
        except ImportError as err:
            raise DecodeError(f"cannot decode {coding!r}: install {err.name}") from err
        except (OSError, zlib.error, EOFError, ValueError) as err:
            if isinstance(err, DecodeError):
                raise
            raise DecodeError(f"corrupt {coding} body: {err}") from err
    return body


def is_json_type(content_type: str) -> bool:
    """Whether a content type is JSON."""
    lower = content_type.lower()
    return "json" in lower


def pretty_json(body: bytes) -> str | None:
    """The body as indented JSON (key order kept as given), or None when it is not JSON."""
    try:
        return msgspec.json.format(body, indent=2).decode("utf-8")
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
        return None


UNDECODED = re.compile("[\udc80-\udcff]")
"""Bytes that were not UTF-8, as ``surrogateescape`` decoding (mitmproxy's) leaves them."""


def percent_encode_undecoded(text: str) -> str:
    """A URL with its undecodable bytes as ``%XX``: the same request, as a URI can hold it."""
    if text.isascii() or UNDECODED.search(text) is None:
        return text
    return UNDECODED.sub(lambda found: f"%{ord(found.group()) - 0xDC00:02X}", text)


def origin(url: str) -> str:
    """``scheme://host[:port]`` of a URL."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


def normalize_url(url: str, keep_host: bool) -> str:
    """The URL with its origin replaced by ``https://api.openai.com`` unless kept."""
    if keep_host:
        return url
    rest = url.partition("://")[2]
    path = rest.split("/", 1)[1] if "/" in rest else ""
    return f"{CANONICAL_ORIGIN}/{path}"


def keep_request_header(name: str) -> bool:
    """Whether a request header belongs in a cassette (never ``x-stainless-*``)."""
    lower = name.lower()
    return lower not in VOLATILE_REQUEST and not lower.startswith("x-stainless-")


def keep_response_header(name: str) -> bool:
    """Whether a response header belongs in a cassette."""
    return name.lower() not in VOLATILE_RESPONSE


def header_map(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """vcrpy's header shape: lower-case name -> list of values, in order."""
    out: dict[str, list[str]] = {}
    for name, value in pairs:
        out.setdefault(name.lower(), []).append(value)
    return out


_BOUNDARY = re.compile(r"boundary=(\"?)([^\";,\s]+)\1", re.IGNORECASE)


def stable_boundary(content_type: str, body: bytes) -> tuple[str, bytes]:
    """A multipart body with its random boundary replaced by one derived from the content.

    Each upload gets a fresh random boundary, so re-recording the same upload would change
    the cassette for nothing; the derived boundary keeps identical uploads byte-identical.
    Anything that is not a multipart body with a boundary comes back unchanged.
    """
    found = _BOUNDARY.search(content_type)
    if "multipart/" not in content_type.lower() or found is None:
        return content_type, body
    old = found.group(2).encode("latin-1", "replace")
    if not old or old not in body:
        return content_type, body
    digest = hashlib.sha256(body.replace(old, b"")).hexdigest()[:32]
    new = f"vstape-{digest}"
    return content_type.replace(found.group(2), new), body.replace(old, new.encode())
