"""`vstape export`: HAR that haralyzer reads, and that imports back into the same cassettes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import msgspec
from haralyzer import HarParser

from tests.procs import ROOT, VSTAPE
from vstape.cassettes.io import dump, load
from vstape.cassettes.model import (
    Cassette,
    Interaction,
    InteractionMeta,
    Request,
    Response,
    ResponseBody,
    Status,
)
from vstape.interop import har, har_write, importer
from vstape.replay.replayer import cassette_files

SHIPPED = ROOT / "cassettes"


def _shipped() -> list[tuple[str, list[Interaction]]]:
    return [(str(path), load(path).interactions) for path in cassette_files([SHIPPED])]


def _fields(item: Interaction) -> dict[str, Any]:
    """Every field of an interaction, bodies as bytes (text and bytes of the same body match)."""
    data: dict[str, Any] = msgspec.to_builtins(item, builtin_types=(bytes,))
    body = item.request.body
    data["request"]["body"] = body.encode() if isinstance(body, str) else body
    data["response"]["body"] = item.response.body.bytes
    return data


def _round_trip(
    tmp_path: Path, cassettes: list[tuple[str, list[Interaction]]]
) -> list[Interaction]:
    path = tmp_path / "export.har"
    path.write_bytes(har_write.dumps(har_write.document(cassettes)))
    return [item.interaction for item in importer.convert(har.read(path))]


def test_every_shipped_cassette_round_trips_field_by_field(tmp_path: Path) -> None:
    """export -> import gives back each interaction: request, response and the vstape: record."""
    cassettes = _shipped()
    original = [item for _, items in cassettes for item in items]
    back = _round_trip(tmp_path, cassettes)
    assert len(cassettes) == len(list(SHIPPED.rglob("*.yaml"))) and len(back) == len(original)
    for number, (before, after) in enumerate(zip(original, back, strict=True)):
        assert _fields(after) == _fields(before), number


def test_bytes_headers_and_timings_round_trip_in_both_formats(tmp_path: Path) -> None:
    """Non-UTF-8 bodies go as base64, non-UTF-8 header bytes as marked Latin-1; time as known."""
    item = Interaction(
        Request(
            "POST",
            "https://api.openai.com/v1/files",
            b"\x00\xff\xfe binary upload",
            {"content-type": ["application/octet-stream"], "x-odd": ["caf\udce9"]},
        ),
        Response(
            Status(200, "OK"),
            {"content-type": ["application/octet-stream"], "x-raw": ["\udcff\udcfe"]},
            ResponseBody(bytes(range(256))),
        ),
        InteractionMeta(
            route="upload_file",
            verdict="invalid",
            violations=["x"],
            recorded_at="2025-01-02T03:04:05+00:00",
            duration_ms=12.3,
        ),
    )
    for suffix in ("yaml", "json"):
        path = tmp_path / f"odd.{suffix}"
        dump(Cassette([item]), path)
        loaded = load(path).interactions
        document = har_write.document([(str(path), loaded)])
        entry = document["log"]["entries"][0]
        assert entry["request"]["postData"]["encoding"] == "base64"
        assert entry["response"]["content"]["encoding"] == "base64"
        assert entry["_vstape"]["latin1_headers"] == ["request.headers[1]", "response.headers[1]"]
        assert entry["time"] == entry["timings"]["wait"] == 12.3
        assert entry["startedDateTime"] == "2025-01-02T03:04:05+00:00"
        [back] = _round_trip(tmp_path, [(str(path), loaded)])
        assert back.request.body == item.request.body
        assert back.response.body.bytes == bytes(range(256))
        assert back.request.headers["x-odd"] == ["caf\udce9"]
        assert back.response.headers["x-raw"] == ["\udcff\udcfe"]
        assert isinstance(back.vstape, InteractionMeta)
        assert back.vstape.recorded_at == item.vstape.recorded_at  # type: ignore[union-attr]
        assert back.vstape.duration_ms == 12.3


def test_haralyzer_reads_the_export(tmp_path: Path) -> None:
    """A maintained HAR reader sees one page per cassette, each entry as the cassette has it."""
    cassettes = _shipped()[:40]
    out = tmp_path / "shipped.har"
    done = subprocess.run(
        [*VSTAPE, "export", *[name for name, _ in cassettes], "--har", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    parser = HarParser.from_file(str(out))
    assert parser.version == "1.2" and parser.creator["name"] == "vstape"
    pages = parser.pages
    assert [page.title for page in pages] == [name for name, _ in cassettes]
    for page, (_, items) in zip(pages, cassettes, strict=True):
        assert len(page.entries) == len(items)
        for entry, item in zip(page.entries, items, strict=True):
            assert entry.request.method == item.request.method
            assert entry.request.url == item.request.uri
            assert entry.response.status == item.response.status.code
            assert entry.response.statusText == item.response.status.message
            if isinstance(item.response.body.string, str):
                assert entry.response.text == item.response.body.string
            content_type = item.response.headers.get("content-type", [None])[0]
            assert entry.response.contentType == content_type
            assert entry.request.text == item.request.body
            assert entry["_vstape"]["verdict"] == item.vstape.verdict  # type: ignore[union-attr]
    assert f"{sum(len(items) for _, items in cassettes)} interactions" in done.stdout


def test_a_foreign_cassette_loses_its_secrets_on_the_way_out(tmp_path: Path) -> None:
    """Stock vcrpy records Authorization and all: the HAR holds none of it."""
    secrets = ["sk-live-abcdefghijk0123", "hunter2-pass", "cookie-value-77", "tok-query-123"]
    item = Interaction(
        Request(
            "POST",
            f"https://api.openai.com/v1/vector_stores?api_key={secrets[3]}",
            json.dumps({"name": "x", "password": secrets[1]}),
            {"Authorization": [f"Bearer {secrets[0]}"], "Cookie": [f"s={secrets[2]}"]},
        ),
        Response(Status(200, "OK"), {"Set-Cookie": [f"s={secrets[2]}"]}, ResponseBody("{}")),
    )
    path = tmp_path / "vcrpy.yaml"
    dump(Cassette([item]), path)
    out = tmp_path / "out.har"
    done = subprocess.run(
        [*VSTAPE, "export", str(path), "--har", str(out)],
        capture_output=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    written = out.read_bytes() + done.stdout + done.stderr
    for secret in secrets:
        assert secret.encode() not in written, secret


def _export(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*VSTAPE, "export", *args], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )


def test_export_refuses_what_it_cannot_do_and_writes_nothing(tmp_path: Path) -> None:
    """A damaged cassette (file:line), no interactions, a folder as --har: exit 2, no file."""
    good = SHIPPED / "get_file" / "ok.yaml"
    damaged = tmp_path / "damaged.yaml"
    damaged.write_text("interactions:\n- request: [\n")
    empty = tmp_path / "empty.yaml"
    empty.write_text("interactions: []\nversion: 1\n")
    for args, expected in (
        ([str(good), str(damaged), "--har", "out.har"], f"{damaged}:"),
        ([str(empty), "--har", "out.har"], "no interactions in"),
        ([str(good), "--har", str(tmp_path)], "--har"),
    ):
        done = _export(tmp_path, *args)
        assert done.returncode == 2, done.stdout + done.stderr
        assert expected in done.stderr and "Traceback" not in done.stderr
        assert not (tmp_path / "out.har").exists()
    done = _export(tmp_path, str(good), "--har", "-")
    assert done.returncode == 0
    assert json.loads(done.stdout)["log"]["entries"][0]["request"]["method"] == "GET"
    assert "1 interactions from 1 cassettes -> -" in done.stderr
