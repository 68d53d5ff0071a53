"""Reading HAR files: bodies, headers, skipped entries, and errors that name the entry."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path

import pytest

from tests.unit.interop import har_factory as make
from vstape.interop import har
from vstape.interop.capture import (
    NO_BODY,
    NO_RESPONSE,
    NOT_API,
    CaptureError,
    Skipped,
    Taken,
    sniff,
)

JSON = [{"name": "Content-Type", "value": "application/json"}]


def _only(tmp_path: Path, entry: dict[str, object], creator: str = "WebInspector") -> Taken:
    capture = har.read(make.write(tmp_path / "one.har", [entry], creator))
    [taken] = capture.entries
    assert isinstance(taken, Taken), taken
    return taken


def test_a_browser_har_keeps_the_api_and_says_what_it_skipped(tmp_path: Path) -> None:
    """Other hosts' traffic and the rest of the OpenAI API are skipped; aborted ones say why."""
    entries = [
        make.entry("https://example.com/index.html"),
        make.entry("https://api.openai.com/v1/chat/completions", "POST"),
        make.entry(),
        make.entry("https://api.openai.com/v1/files", response=False),
        make.entry("https://api.openai.com/v1/files/file-1", status=0, response=True),
        make.entry("http://127.0.0.1:8080/v1/files?purpose=assistants"),
    ]
    entries[4]["response"]["_error"] = "net::ERR_CONNECTION_RESET"
    capture = har.read(make.write(tmp_path / "browser.har", entries))
    kinds = [type(e).__name__ for e in capture.entries]
    assert kinds == ["Skipped", "Skipped", "Taken", "Skipped", "Skipped", "Taken"]
    skipped = {e.index: e for e in capture.skipped}
    assert skipped[0].reason == skipped[1].reason == NOT_API and not skipped[0].detail
    assert skipped[3].reason == skipped[4].reason == NO_RESPONSE
    assert (
        skipped[4].detail == "GET https://api.openai.com/v1/files/file-1: net::ERR_CONNECTION_RESET"
    )
    assert "no response" in skipped[3].detail
    assert [t.index for t in capture.taken] == [2, 5]


def test_text_base64_and_compressed_bodies(tmp_path: Path) -> None:
    """Text is UTF-8 unless a charset says otherwise; base64 is decoded, and still-gzipped bytes too."""
    text = _only(
        tmp_path,
        make.entry(content={"size": 5, "mimeType": "text/plain", "text": "café"}),
    )
    assert text.exchange.response.body == "café".encode()
    latin = _only(
        tmp_path,
        make.entry(
            response_headers=[{"name": "content-type", "value": "text/plain; charset=latin-1"}],
            content={"size": 4, "mimeType": "text/plain", "text": "café"},
        ),
    )
    assert latin.exchange.response.body == "café".encode("latin-1")
    raw = bytes(range(256))
    binary = _only(
        tmp_path,
        make.entry(
            content={"size": 256, "text": base64.b64encode(raw).decode(), "encoding": "base64"}
        ),
    )
    assert binary.exchange.response.body == raw
    body = json.dumps(make.STORE).encode()
    packed = base64.b64encode(gzip.compress(body)).decode()
    gzipped = _only(
        tmp_path,
        make.entry(
            response_headers=[*JSON, {"name": "Content-Encoding", "value": "gzip"}],
            content={"size": 1, "text": packed, "encoding": "base64"},
        ),
    )
    assert gzipped.exchange.response.body == body
    decoded = _only(  # HAR 1.2: text is decoded even when the header names gzip
        tmp_path,
        make.entry(
            response_headers=[*JSON, {"name": "Content-Encoding", "value": "gzip"}],
            content={"size": 1, "text": body.decode()},
        ),
    )
    assert decoded.exchange.response.body == body


def test_request_bodies_text_base64_params_and_multipart(tmp_path: Path) -> None:
    """postData.text, its base64 forms, and url-encoded params all give the bytes sent."""
    multipart = (
        '--b1\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nassistants\r\n'
        '--b1\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
        "Content-Type: text/plain\r\n\r\ncafé\r\n--b1--\r\n"
    )
    headers = [{"name": "Content-Type", "value": "multipart/form-data; boundary=b1"}]
    posted = {"mimeType": "multipart/form-data; boundary=b1", "text": multipart}
    url = "https://api.openai.com/v1/files"
    browser = _only(tmp_path, make.entry(url, "POST", request_headers=headers, post=posted))
    assert browser.exchange.request.body == multipart.encode("utf-8")
    # mitmproxy's HAR export decodes a multipart body as Latin-1: it goes back the same way
    wire = multipart.encode("utf-8")
    mitm = {"mimeType": "multipart/form-data; boundary=b1", "text": wire.decode("latin-1")}
    exported = _only(
        tmp_path, make.entry(url, "POST", request_headers=headers, post=mitm), creator="mitmproxy"
    )
    assert exported.exchange.request.body == wire
    raw = b"\x00\xffbinary"
    for field in (
        {"text": base64.b64encode(raw).decode(), "encoding": "base64"},
        {"_textBase64": base64.b64encode(raw).decode()},
    ):
        binary = _only(tmp_path, make.entry(url, "POST", request_headers=headers, post=field))
        assert binary.exchange.request.body == raw
    form = {
        "mimeType": "application/x-www-form-urlencoded",
        "params": [{"name": "a", "value": "1 2"}, {"name": "b", "value": "é"}],
    }
    params = _only(tmp_path, make.entry(url, "POST", post=form))
    assert params.exchange.request.body == b"a=1+2&b=%C3%A9"


def test_headers_pairs_pseudo_headers_time_and_duration(tmp_path: Path) -> None:
    """[name, value] pairs (Slack) are read; HTTP/2 pseudo-headers are not headers."""
    taken = _only(
        tmp_path,
        make.entry(
            request_headers=[
                {"name": ":authority", "value": "api.openai.com"},
                {"name": ":path", "value": "/v1/vector_stores/vs_abc"},
                ["Accept", "application/json"],
                {"name": "OpenAI-Beta", "value": "assistants=v2"},
            ],
        ),
    )
    assert taken.exchange.request.headers == [
        ("Accept", "application/json"),
        ("OpenAI-Beta", "assistants=v2"),
    ]
    assert taken.recorded_at == "2025-03-04T03:06:07+00:00"  # UTC, seconds, as recordings stamp
    assert taken.exchange.duration_ms == 12.5


def test_bodies_the_tool_did_not_save_are_skipped_with_the_fix(tmp_path: Path) -> None:
    """Firefox leaves big bodies out; a 'sanitized' export has none: said, never imported empty."""
    entries = [
        make.entry(content={"size": 900, "mimeType": "application/json"}),
        make.entry("https://api.openai.com/v1/vector_stores", "POST"),
    ]
    entries[1]["request"]["bodySize"] = 40
    capture = har.read(make.write(tmp_path / "lean.har", entries))
    assert [e.reason for e in capture.skipped] == [NO_BODY, NO_BODY]
    assert "response body is not in the HAR" in capture.skipped[0].detail
    assert "request body is not in the HAR" in capture.skipped[1].detail
    empty = _only(tmp_path, make.entry(content={"size": 0, "mimeType": "x-unknown"}))
    assert empty.exchange.response.body == b""


def test_a_bom_and_a_file_named_anything(tmp_path: Path) -> None:
    """Fiddler's byte order mark is fine; the suffix means nothing, the content decides."""
    data = json.dumps(make.document([make.entry()])).encode()
    path = tmp_path / "capture.mitm"
    path.write_bytes(b"\xef\xbb\xbf\n  " + data)
    assert sniff(path) == "har"
    assert len(har.read(path).taken) == 1


def _error(path: Path) -> str:
    with pytest.raises(CaptureError) as caught:
        har.read(path)
    return str(caught.value)


def test_truncated_har_names_the_entry_it_ends_in(tmp_path: Path) -> None:
    """Cut in the middle of the third entry: the message says so, with the line."""
    data = json.dumps(make.document([make.entry(), make.entry(), make.entry()]), indent=1)
    cut = data.index('"response"', data.index('"response"', data.index('"response"') + 1) + 1)
    path = tmp_path / "cut.har"
    path.write_text(data[: cut + 30])
    message = _error(path)
    line = data[: cut + 30].count("\n") + 1
    assert message.startswith(f"{path}:{line}: entry 2 ($.log.entries[2].response")
    assert "truncated" in message and "export the HAR again" in message


def test_malformed_json_and_raw_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    """A stray comma, and a Latin-1 byte written raw into a body: entry, path, byte, fix."""
    good = json.dumps(make.document([make.entry(), make.entry()]))
    comma = tmp_path / "comma.har"
    second = good.index('"request"', good.index('"request"') + 1)
    comma.write_text(good[:second] + "," + good[second:])
    message = _error(comma)
    assert ": entry 1 ($.log.entries[1])" in message and "not valid JSON" in message
    raw = tmp_path / "latin1.har"
    text = make.entry(content={"size": 4, "mimeType": "text/plain", "text": "caf\u00e9"})
    data = json.dumps(make.document([make.entry(), text]), ensure_ascii=False).encode("latin-1")
    raw.write_bytes(data)
    message = _error(raw)
    assert ": entry 1 ($.log.entries[1].response.content.text)" in message
    assert f"byte {data.index(b'caf') + 3} is not UTF-8" in message
    assert "base64" in message and "flow dump" in message


def test_lone_surrogates_refuse_the_api_entry_only(tmp_path: Path) -> None:
    """mitmproxy writes undecodable bytes as \\udcXX: refused in an API entry, fine elsewhere."""
    bad = make.entry(content={"size": 4, "mimeType": "application/json", "text": "\udcff{}"})
    other = dict(bad, request=dict(bad["request"], url="https://example.com/x"))
    path = make.write(tmp_path / "mixed.har", [other, make.entry()])
    assert "\\udcff" in path.read_text()
    assert [type(e) for e in har.read(path).entries] == [Skipped, Taken]
    path = make.write(tmp_path / "bad.har", [make.entry(), bad])
    message = _error(path)
    assert message.startswith(
        f"{path}: entry 1 (GET https://api.openai.com/v1/vector_stores/vs_abc): "
    )
    assert "response.content.text is not text" in message and "mitmdump -w" in message


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"entries": []}, "not a HAR file: Object missing required field `log`"),
        ({"log": {"entries": {}}}, "Expected `array`, got `object` - at `$.log.entries`"),
        (
            {"log": {"entries": [{"request": {"method": "GET"}}]}},
            "entry 0: not a HAR entry: Object missing required field `url` - at "
            "`$.log.entries[0].request`",
        ),
        (
            {"log": {"entries": [make.entry(content={"text": 5})]}},
            "entry 0: not a HAR entry: Expected `str | null`, got `int` - at "
            "`$.log.entries[0].response.content.text`",
        ),
    ],
    ids=["no-log", "entries-not-a-list", "no-url", "text-not-a-string"],
)
def test_shapes_that_are_not_har(tmp_path: Path, document: object, expected: str) -> None:
    """msgspec's message, with the path from the top of the file."""
    path = tmp_path / "odd.har"
    path.write_text(json.dumps(document))
    assert expected in _error(path)


def test_bad_base64_and_unknown_encodings(tmp_path: Path) -> None:
    """An encoding that lies, and one nobody knows, name the entry and the field."""
    bad = make.entry(content={"size": 3, "text": "not base64!", "encoding": "base64"})
    path = make.write(tmp_path / "b64.har", [bad])
    assert "response.content.text is not base64" in _error(path)
    odd = make.entry(content={"size": 3, "text": "x", "encoding": "rot13"})
    path = make.write(tmp_path / "rot.har", [odd])
    assert "response.content.encoding 'rot13': only base64 is known" in _error(path)


def test_other_entries_odd_shapes_do_not_stop_the_import(tmp_path: Path) -> None:
    """A browser entry with null header values or odd fields is skipped, not refused."""
    odd = make.entry(
        "https://cdn.example.com/app.js", request_headers=[{"name": "x", "value": None}]
    )
    odd["response"]["content"] = {"size": "big"}
    capture = har.read(make.write(tmp_path / "odd.har", [odd, make.entry()]))
    assert [type(e) for e in capture.entries] == [Skipped, Taken]
    api = make.entry(request_headers=[{"name": "x", "value": None}])
    message = _error(make.write(tmp_path / "api.har", [api]))
    assert "entry 0: not a HAR entry: Expected `str`, got `null`" in message
