"""Normalization: decompression, pretty JSON, one host, no volatile headers."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest
import zstandard

from vstape.recording import normalize

BODY = b'{"object":"vector_store","id":"vs_1","b":[1,2]}'


@pytest.mark.parametrize(
    ("encoding", "encoded"),
    [
        ("gzip", gzip.compress(BODY, mtime=0)),
        ("deflate", zlib.compress(BODY)),
        ("deflate", zlib.compress(BODY)[2:-4]),  # raw deflate, as some servers send it
        ("br", brotli.compress(BODY)),
        ("zstd", zstandard.ZstdCompressor().compress(BODY)),
        ("gzip, br", brotli.compress(gzip.compress(BODY, mtime=0))),
        ("identity", BODY),
        ("", BODY),
    ],
)
def test_decompress_every_encoding(encoding: str, encoded: bytes) -> None:
    """gzip, deflate (zlib and raw), br, zstd and chained encodings come back to the body."""
    assert normalize.decompress(encoded, encoding) == BODY


def test_decompress_errors_name_the_encoding() -> None:
    """Corrupt or unknown encodings raise DecodeError saying which one."""
    with pytest.raises(normalize.DecodeError, match="corrupt gzip"):
        normalize.decompress(b"not gzip", "gzip")
    with pytest.raises(normalize.DecodeError, match="unknown content-encoding 'lzma'"):
        normalize.decompress(BODY, "lzma")


def test_pretty_json_indents_and_rejects_non_json() -> None:
    """JSON is indented by 2; anything else gives None."""
    pretty = normalize.pretty_json(BODY)
    assert pretty is not None and pretty.startswith('{\n  "object": "vector_store",')
    assert normalize.pretty_json(b"plain text") is None
    assert normalize.pretty_json(b"\xff\xfe") is None


def test_urls_get_the_canonical_host_unless_kept() -> None:
    """Any origin becomes https://api.openai.com; keep_host leaves the URL alone."""
    url = "http://127.0.0.1:8123/v1/vector_stores?limit=2"
    assert normalize.normalize_url(url, False) == "https://api.openai.com/v1/vector_stores?limit=2"
    assert normalize.normalize_url(url, True) == url
    assert normalize.origin(url) == "http://127.0.0.1:8123"


def test_volatile_headers_are_dropped_and_sdk_headers_kept() -> None:
    """Transport and client-fingerprint headers go; the headers the SDK reads stay."""
    for name in (
        "User-Agent",
        "X-Stainless-OS",
        "x-stainless-future",
        "Accept-Encoding",
        "Content-Length",
        "Host",
    ):
        assert not normalize.keep_request_header(name)
    for name in ("Content-Encoding", "Date", "Transfer-Encoding", "Connection"):
        assert not normalize.keep_response_header(name)
    for name in (
        "x-request-id",
        "retry-after",
        "retry-after-ms",
        "x-should-retry",
        "openai-poll-after-ms",
        "openai-processing-ms",
        "content-type",
    ):
        assert normalize.keep_response_header(name)
    assert normalize.header_map([("A", "1"), ("a", "2"), ("B", "3")]) == {
        "a": ["1", "2"],
        "b": ["3"],
    }
