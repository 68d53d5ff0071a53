"""`vstape import`: the recorder's start-up refusals, its split rules, and hostile sources.

Every refusal and every hostile source exits 2 with the file (and the entry) in the
message and leaves the disk exactly as it was: no cassette, no folder, no temporary file,
an existing cassette byte for byte unchanged - even when a good source came first.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
from pathlib import Path

import pytest

from tests.cli.test_optional_deps import _run as run_without
from tests.procs import ROOT, VSTAPE
from tests.proxy.test_record_refusals import CASES, _snapshot
from tests.proxy.test_record_refusals import workdir as workdir
from tests.unit.interop import har_factory as make
from vstape.api.routes import ROUTES
from vstape.cassettes.io import MAX_BYTES, load

FILE_ENTRY = "https://api.openai.com/v1/files/file-1"


def _import(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*VSTAPE, "import", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=env or dict(os.environ, PYTHONPATH=str(ROOT)),
    )


def _good(folder: Path) -> Path:
    file_body = {
        "id": "file-1",
        "object": "file",
        "bytes": 3,
        "created_at": 1700000000,
        "filename": "a.txt",
        "purpose": "assistants",
        "status": "processed",
        "status_details": None,
        "expires_at": None,
    }
    entries = [
        make.entry(),
        make.entry(
            FILE_ENTRY,
            content={"size": 9, "mimeType": "application/json", "text": json.dumps(file_body)},
        ),
        make.entry("https://example.com/"),
    ]
    return make.write(folder / "good.har", entries)


def _refused(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    return done.stderr


@pytest.mark.parametrize("case", list(CASES))
def test_the_same_start_up_refusals_as_vstape_record(workdir: Path, case: str) -> None:
    """Each of `vstape record`'s refusals, word for word, before any source is read."""
    args, message = CASES[case]
    if "--cassette" not in args and "--cassette-dir" not in args:
        args = [*args, "--cassette", "new.yaml"]
    (workdir / "get_vector_store.json").mkdir()
    (workdir / "upload_file.yaml").write_text("[1, 2, 3]\n")
    source = _good(workdir / "adir")
    before = _snapshot(workdir)
    stderr = _refused(_import(workdir, str(source), *args))
    assert message.replace("vstape record:", "vstape import:") in stderr
    assert "good.har" not in stderr  # refused before reading
    assert _snapshot(workdir) == before


def test_split_rules_and_formats_are_the_recorders(tmp_path: Path) -> None:
    """route (default), family, none; yaml or json; a second import appends."""
    source = _good(tmp_path)
    for split, names in (
        ("route", {"get_vector_store.json", "get_file.json"}),
        ("family", {"vector_stores.json", "files.json"}),
        ("none", {"cassette.json"}),
    ):
        out = tmp_path / split
        done = _import(
            tmp_path, str(source), "--cassette-dir", str(out), "--split", split, "--format", "json"
        )
        assert done.returncode == 0, done.stderr
        assert {p.name for p in out.iterdir()} == names
    assert (
        "good.har (HAR file, 3 entries): 2 taken, 1 skipped (1 not /v1/vector_stores or /v1/files)"
        in done.stdout
    )
    again = _import(
        tmp_path, str(source), str(source), "--cassette", str(tmp_path / "none" / "cassette.json")
    )
    assert again.returncode == 0, again.stderr
    assert "4 interactions -> " in again.stdout and "(after the 2 already there)" in again.stdout
    assert len(load(tmp_path / "none" / "cassette.json").interactions) == 6
    assert {route.name for route in ROUTES} >= {"get_vector_store", "get_file"}


def test_verdicts_and_violations_go_in_the_vstape_block_and_the_reports(tmp_path: Path) -> None:
    """An invalid request is imported with its verdict, and said in the output and reports."""
    bad = make.entry(
        "https://api.openai.com/v1/vector_stores/vs_abc/search",
        "POST",
        request_headers=[{"name": "Content-Type", "value": "application/json"}],
        post={"mimeType": "application/json", "text": '{"query": "x", "max_num_results": 99}'},
        status=400,
        content={
            "size": 1,
            "mimeType": "application/json",
            "text": '{"error": {"message": "bad", "type": "invalid_request_error", "param": null, "code": null}}',
        },
    )
    source = make.write(tmp_path / "bad.har", [make.entry(), bad])
    report = tmp_path / "report.json"
    done = _import(
        tmp_path, str(source), "--cassette", "c.yaml", "--report-json", str(report), "--keep-ids"
    )
    assert done.returncode == 0, done.stderr
    assert (
        "bad.har: entry 1: search_vector_store: request $.max_num_results: constraint"
        in done.stdout
    )
    assert "2 interactions (1 invalid, 1 ok) from 1 sources -> 1 cassettes" in done.stdout
    [ok, invalid] = load(tmp_path / "c.yaml").interactions
    assert ok.vstape.verdict == "ok" and invalid.vstape.verdict == "invalid"  # type: ignore[union-attr]
    assert invalid.vstape.recorded_at == "2025-03-04T03:06:07+00:00"  # type: ignore[union-attr]
    assert json.loads(report.read_text())["routes"]["search_vector_store"]["violations"] == 1


def _hostile(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """name -> (file, what the message must say)."""
    good = json.dumps(make.document([make.entry(), make.entry(), make.entry()]), indent=1)
    cut = good.rindex('"content"')
    truncated = tmp_path / "truncated.har"
    truncated.write_text(good[:cut])
    line = good[:cut].count("\n") + 1
    sparse = tmp_path / "sparse.bin"
    with open(sparse, "wb") as handle:
        handle.truncate(1 << 30)
    brace = tmp_path / "brace.har"
    with open(brace, "wb") as handle:
        handle.write(b'{"log": {"entries": [')
        handle.truncate(1 << 30)
    huge = tmp_path / "huge.har"
    with open(huge, "wb") as handle:
        handle.write(b"{")
        handle.truncate(MAX_BYTES + 1)
    latin1 = tmp_path / "latin1.har"
    text = make.entry(content={"size": 4, "mimeType": "text/plain", "text": "caf\u00e9"})
    latin1.write_bytes(
        json.dumps(make.document([make.entry(), text]), ensure_ascii=False).encode("latin-1")
    )
    surrogate = make.write(
        tmp_path / "surrogate.har",
        [
            make.entry(),
            make.entry(content={"size": 2, "mimeType": "application/json", "text": "{\udce9}"}),
        ],
    )
    return {
        "truncated": (truncated, f"{truncated}:{line}: entry 2 ($.log.entries[2].response"),
        "sparse 1 GiB of zeros": (sparse, f"{sparse}: neither a HAR file"),
        "sparse 1 GiB after a HAR's first bytes": (brace, f"{brace}:1: entry 0 ($.log.entries[0])"),
        "over the cap": (huge, f"{huge}: refused: {MAX_BYTES + 1} bytes is larger than"),
        "raw bytes that are not UTF-8": (
            latin1,
            f"{latin1}:1: entry 1 ($.log.entries[1].response.content.text): byte",
        ),
        "a lone surrogate": (
            surrogate,
            f"{surrogate}: entry 1 (GET https://api.openai.com/v1/vector_stores/vs_abc): response.content.text is not text",
        ),
    }


@pytest.mark.timeout(120)
def test_hostile_sources_exit_2_and_nothing_is_written(tmp_path: Path) -> None:
    """Each after a good source, into a folder and onto an existing cassette: both untouched."""
    sources = tmp_path / "sources"
    sources.mkdir()
    good = _good(sources)
    existing = tmp_path / "existing.yaml"
    assert _import(tmp_path, str(good), "--cassette", str(existing)).returncode == 0
    before = existing.read_bytes()
    for name, (path, expected) in _hostile(sources).items():
        started = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        for target in (["--cassette-dir", str(tmp_path / "new")], ["--cassette", str(existing)]):
            stderr = _refused(_import(tmp_path, str(good), str(path), *target))
            assert expected in stderr, (name, stderr)
            assert stderr.rstrip().endswith("nothing was written"), name
            assert not (tmp_path / "new").exists(), name
            assert existing.read_bytes() == before, name
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        assert max(peak, started) < 400_000, (name, peak)  # KiB: the 1 GiB files are never read
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing.yaml", "sources"]


def test_no_api_exchange_is_exit_2(tmp_path: Path) -> None:
    """A capture of other traffic only: said, and nothing created."""
    source = make.write(tmp_path / "other.har", [make.entry("https://example.com/")])
    stderr = _refused(_import(tmp_path, str(source), "--cassette-dir", "out"))
    assert "no /v1/vector_stores or /v1/files exchange with a response in" in stderr
    assert not (tmp_path / "out").exists()


def test_har_needs_no_mitmproxy_and_a_dump_says_what_to_install(tmp_path: Path) -> None:
    """pip install vstape imports HAR; a flow dump asks for vstape[proxy], exit 2, no file."""
    source = _good(tmp_path)
    done = run_without(tmp_path, "mitmproxy,openai", "import", str(source), "--cassette", "c.yaml")
    assert done.returncode == 0, done.stderr
    assert len(load(tmp_path / "c.yaml").interactions) == 2
    dump = tmp_path / "flows.mitm"
    dump.write_bytes(b"12:" + b"x" * 12 + b"}")
    done = run_without(tmp_path, "mitmproxy", "import", str(dump), "--cassette", "d.yaml")
    assert done.returncode == 2
    assert (
        f"vstape import: {dump} is a mitmproxy flow dump, and reading one needs mitmproxy, "
        "which cannot be imported (No module named 'mitmproxy'); install it with: "
        "pip install 'vstape[proxy]' (HAR files import without it); nothing was written"
    ) in done.stderr
    assert not (tmp_path / "d.yaml").exists()
