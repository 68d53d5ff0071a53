"""Any bytes in a header value or a body survive recording, YAML and JSON: never dropped, never changed.

Header values arrive as mitmproxy decodes them (UTF-8 with ``surrogateescape``); bodies
as bytes. :func:`vstape.recording.interaction.to_interaction` and :mod:`vstape.cassettes.io` must keep
them exactly: ``header_bytes(value)`` and the body bytes after a dump and a load equal
what was on the wire, for every byte string (hypothesis), and stock vcrpy's loader sees
the same bytes in the YAML.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from vcr.persisters.filesystem import FilesystemPersister
from vcr.serializers import yamlserializer

from vstape.cassettes.binary import header_bytes
from vstape.cassettes.io import assemble, dump, dump_item, load, loads
from vstape.cassettes.model import Cassette
from vstape.cassettes.writer import CassetteWriter
from vstape.http import Request, Response
from vstape.recording.interaction import Exchange, RecordPolicy, to_interaction
from vstape.replay.matching import request_key


def _wire(raw: bytes) -> str:
    """A header value as mitmproxy hands it over."""
    return raw.decode("utf-8", "surrogateescape")


def _exchange(header: bytes, request_body: bytes, response_body: bytes) -> Exchange:
    return Exchange(
        Request(
            "POST",
            "http://127.0.0.1:8080/v1/vector_stores/vs_\udcff\udcfe/search",
            [("X-U", _wire(header)), ("Content-Type", "application/json")],
            request_body,
        ),
        Response(200, [("X-Weird", _wire(header)), ("Content-Type", "text/plain")], response_body),
    )


payload = st.binary(max_size=64)


def _json_shaped(body: bytes) -> bool:
    return body[:1] in (b"{", b"[")


@settings(max_examples=150, deadline=None)
@given(header=payload, request_body=payload, response_body=payload)
def test_every_byte_string_survives_yaml_and_json(
    header: bytes, request_body: bytes, response_body: bytes
) -> None:
    """Dump and load in both formats: the same bytes, the same interaction."""
    interaction = to_interaction(_exchange(header, request_body, response_body), RecordPolicy())
    for fmt in ("yaml", "json"):
        data = assemble([dump_item(interaction, fmt)], fmt)  # type: ignore[arg-type]
        (back,) = loads(data, fmt=fmt).interactions  # type: ignore[arg-type]
        assert header_bytes(back.request.headers["x-u"][0]) == header
        assert header_bytes(back.response.headers["x-weird"][0]) == header
        sent = back.request.body
        sent_bytes = b"" if sent is None else sent if isinstance(sent, bytes) else sent.encode()
        # JSON bodies are stored pretty-printed (by design); anything else exactly as sent
        if not _json_shaped(request_body):
            assert sent_bytes == request_body
        if not _json_shaped(response_body):
            assert back.response.body.bytes == response_body
        assert back == loads(assemble([dump_item(back, fmt)], fmt), fmt=fmt).interactions[0]  # type: ignore[arg-type]


def test_stock_vcrpy_reads_the_bytes(tmp_path: Path) -> None:
    """The YAML holds !!binary where the bytes are not UTF-8; vcrpy's loader gives those bytes."""
    header, body = b"caf\xe9 \xff", b"\x00\xff\xfe"
    path = tmp_path / "c.yaml"
    dump(Cassette([to_interaction(_exchange(header, body, body), RecordPolicy())]), path)
    text = path.read_text(encoding="utf-8")
    assert text.count("!!binary") == 4
    assert yaml.safe_load(text)["interactions"][0]["request"]["headers"]["x-u"] == [header]
    requests, responses = FilesystemPersister.load_cassette(str(path), yamlserializer)
    assert requests[0].headers["x-u"] == header
    assert requests[0].body == body
    assert responses[0]["headers"]["x-weird"] == [header]
    assert responses[0]["body"]["string"] == body


def test_undecodable_url_bytes_are_percent_encoded_and_still_match(tmp_path: Path) -> None:
    """A raw byte in the path is kept as %XX, and the live request (raw byte) matches it."""
    live = _exchange(b"x", b"{}", b"{}")
    item = to_interaction(live, RecordPolicy())
    assert item.request.uri == "https://api.openai.com/v1/vector_stores/vs_%FF%FE/search"
    path = tmp_path / "c.yaml"
    dump(Cassette([item]), path)
    recorded = load(path).interactions[0].request
    assert request_key("POST", live.request.url, b"{}", {}) == request_key(
        recorded.method, recorded.uri, recorded.body, recorded.headers
    )


def test_json_marks_are_checked(tmp_path: Path) -> None:
    """A hand-edited vstape.binary that names a value which is not base64 is a clear error."""
    item = to_interaction(_exchange(b"\xff", b"\xff", b"{}"), RecordPolicy())
    data = assemble([dump_item(item, "json")], "json").replace(
        b'"request.body"', b'"request.bogus"'
    )
    path = tmp_path / "c.json"
    path.write_bytes(data)
    try:
        load(path)
    except ValueError as err:
        assert "vstape.binary names 'request.bogus'" in str(err) and "re-record it" in str(err)
    else:
        raise AssertionError("a bad vstape.binary mark loaded")


def test_text_ending_in_blank_lines_keeps_the_cassette_whole(tmp_path: Path) -> None:
    """A body of blank lines (a `|+` block) between other items: every item loads, vcrpy too."""
    path = tmp_path / "c.yaml"
    writer = CassetteWriter(path)
    bodies = [b"first", b"\n", b"text\n\n\n", b"last"]
    for body in bodies:
        writer.append(to_interaction(_exchange(b"v", b"{}", body), RecordPolicy()))
    assert "...\n" not in path.read_text(encoding="utf-8")
    assert [i.response.body.bytes for i in load(path).interactions] == bodies
    _, responses = FilesystemPersister.load_cassette(str(path), yamlserializer)
    assert [r["body"]["string"] for r in responses] == bodies
