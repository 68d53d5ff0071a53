"""Hostile cassettes: each is refused with a CassetteError naming the file (and line) and a fix.

Every case goes through the three ways a cassette is opened: ``vstape.cassettes.io.load``,
``vstape validate`` (exit 2, the message on stderr) and ``vstape replay`` start-up (exit 2
and a message before it serves anything, never a traceback). Gigantic files are refused
from their size alone (a sparse file over the 1 GiB cap is never read), deep nesting never
lets a RecursionError escape, python tags never run, alias bombs are refused in
milliseconds, and a cassette with many interactions loads in linear time.
"""

from __future__ import annotations

import gc
import os
import re
import resource
import subprocess
import time
import tracemalloc
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.procs import ROOT, VSTAPE
from vstape.cassettes import io as cassettes
from vstape.cassettes.io import MAX_BYTES, assemble, dump_item, load, loads
from vstape.cassettes.model import (
    CassetteError,
    Interaction,
    Request,
    Response,
    ResponseBody,
    Status,
)
from vstape.replay.replayer import Replayer

DEPTH = 100_000  # far beyond libyaml's nesting limit and msgspec's recursion guard

OK_ITEM = b"- request: {method: GET, uri: 'https://api.openai.com/v1/vector_stores'}\n  response: {status: {code: 200}}\n"


@dataclass(frozen=True)
class Hostile:
    """One hostile file: its name, how to build its bytes, and the message it must get."""

    name: str
    content: Callable[[Path], bytes]  # gets the folder (for the marker of code execution)
    message: str  # a regex; the file name (and line) prefix is checked separately
    line: int | None = None  # the line the message must point at, when YAML gives one


def _alias_bomb(_: Path) -> bytes:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    prev = "a"
    for name in "bcdefghi":  # 9 ** 9 = 387,420,489 strings once expanded
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
        prev = name
    return ("\n".join(lines) + f"\ninteractions: *{prev}\n").encode()


def _python_tag(folder: Path) -> bytes:
    marker = folder / "pwned"
    return f"interactions:\n- !!python/object/apply:os.system ['touch {marker}']\n".encode()


def _python_tag_in_body(folder: Path) -> bytes:
    marker = folder / "pwned"
    return (
        b"interactions:\n- request:\n    method: GET\n    uri: https://api.openai.com/v1/x\n"
        b"    body: !!python/object/apply:subprocess.check_call [['touch', '"
        + str(marker).encode()
        + b"']]\n  response: {status: {code: 200}}\n"
    )


CASES = [
    Hostile(
        "python-tag.yaml",
        _python_tag,
        r"not a loadable cassette: .*python/object/apply:os\.system.*; "
        r"python object tags are never loaded \(they could run code\)",
        line=2,
    ),
    Hostile(
        "python-tag-in-body.yaml",
        _python_tag_in_body,
        r"python object tags are never loaded",
        line=5,
    ),
    Hostile(
        "alias-bomb.yaml",
        _alias_bomb,
        r"refused: more than 64 YAML aliases \(a possible alias bomb\); .* re-record it",
    ),
    Hostile(
        "deep-flow.yaml",
        lambda _: b"interactions: " + b"[" * DEPTH + b"]" * DEPTH + b"\n",
        r"not a loadable cassette: exceeded maximum nesting depth; fix the YAML syntax or re-record",
        line=1,
    ),
    Hostile(
        "deep-mapping.yaml",
        lambda _: b"version: 1\ninteractions:\n- request: " + b"{a: " * DEPTH + b"1" + b"}" * DEPTH,
        r"exceeded maximum nesting depth; fix the YAML syntax or re-record",
        line=3,
    ),
    Hostile(
        "deep-body.json",
        lambda _: (
            b'{"version": 1, "interactions": [{"request": {"method": "GET", "uri": "x", "body": '
            + b"[" * DEPTH
            + b"]" * DEPTH
            + b'}, "response": {"status": {"code": 200}}}]}'
        ),
        r"refused: nested too deeply to load .*; the file is damaged or hostile - re-record it",
    ),
    Hostile(
        "deep-unknown-key.json",
        lambda _: (
            b'{"interactions": [{"extra": '
            + b'{"a": ' * DEPTH
            + b"1"
            + b"}" * DEPTH
            + b', "request": {"method": "GET", "uri": "x"}, "response": {"status": {"code": 200}}}]}'
        ),
        r"refused: nested too deeply to load",
    ),
    Hostile(
        "latin1.yaml",
        lambda _: b"version: 1\ninteractions:\n" + OK_ITEM + b"# caf\xe9 menu\n",
        r"not a loadable cassette: invalid (leading|trailing) UTF-8 octet \(character #x[0-9a-f]+ at byte \d+\); "
        r"a YAML cassette is UTF-8 text .* re-save it as UTF-8",
        line=5,
    ),
    Hostile(
        "control-char.yaml",
        lambda _: b"version: 1\ninteractions:\n" + OK_ITEM.replace(b"GET", b"G\x01T"),
        r"control characters are not allowed \(character #x01 at byte \d+\)",
        line=3,
    ),
    Hostile(
        "latin1.json",
        lambda _: (
            b'{"interactions": [{"request": {"method": "GET", "uri": "caf\xe9"}, '
            b'"response": {"status": {"code": 200}}}]}'
        ),
        r"not valid JSON: Invalid UTF-8 encoded string; a JSON cassette is UTF-8 JSON .* re-record it",
    ),
    Hostile(
        "broken.json",
        lambda _: b'{\n  "interactions": [\n    {"request": oops}\n  ]\n}\n',
        r"not valid JSON: JSON is malformed: invalid character \(byte \d+\); .*fix it or re-record",
        line=3,
    ),
    Hostile(
        "a-list.yaml",
        lambda _: b"- request: {method: GET, uri: x}\n- response: {status: {code: 200}}\n",
        r"not a vcrpy cassette: Expected `object`, got `array`; expected \{version: 1, interactions: ",
    ),
    Hostile(
        "a-scalar.yaml",
        lambda _: b"just some text, not a cassette\n",
        r"not a vcrpy cassette: Expected `object`, got `str`; expected \{version: 1",
    ),
    Hostile(
        "a-number.json",
        lambda _: b"42\n",
        r"not a vcrpy cassette: Expected `object`, got `int`; expected \{version: 1",
    ),
    Hostile(
        "two-documents.yaml",
        lambda _: b"version: 1\ninteractions: []\n---\nversion: 1\ninteractions: []\n",
        r"not a loadable cassette: but found another document; fix the YAML syntax or re-record",
        line=3,
    ),
]


def _prefix(path: Path, case: Hostile) -> str:
    """The regex for the start of the message: the file, then its line when known."""
    return re.escape(str(path)) + (f":{case.line}: " if case.line else r"(:\d+)?: ")


def _write(folder: Path, case: Hostile) -> Path:
    path = folder / case.name
    path.write_bytes(case.content(folder))
    return path


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_load_refuses_with_file_line_and_fix(tmp_path: Path, case: Hostile) -> None:
    """`load` raises a CassetteError (nothing else) naming the file and line, within 2 s."""
    path = _write(tmp_path, case)
    started = time.monotonic()
    with pytest.raises(CassetteError) as raised:
        load(path)
    assert time.monotonic() - started < 2.0
    assert re.match(_prefix(path, case) + ".*" + case.message, str(raised.value)), raised.value
    assert not (tmp_path / "pwned").exists()


@pytest.fixture
def gigantic(tmp_path: Path) -> Path:
    """A sparse cassette one byte over the 1 GiB cap (no disk blocks behind it)."""
    path = tmp_path / "gigantic.yaml"
    with open(path, "wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    if os.stat(path).st_blocks * 512 > 1 << 20:
        pytest.skip(f"{tmp_path} does not support sparse files; the test would allocate 1 GiB")
    return path


@pytest.mark.timeout(60)
def test_gigantic_file_is_refused_from_its_size_without_reading_it(gigantic: Path) -> None:
    """A file over MAX_BYTES is refused by stat: no 1 GiB read, well under a second."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(CassetteError) as raised:
            load(gigantic)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 1.0
    assert peak < 1 << 20, f"load allocated {peak} bytes for a file it should not read"
    message = str(raised.value)
    assert message.startswith(f"{gigantic}: refused: {MAX_BYTES + 1} bytes is larger than")
    assert "record into several smaller cassettes" in message


def test_the_size_cap_applies_to_files_and_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the cap lowered, a file at the cap loads and one byte more is refused (file and bytes)."""
    path = tmp_path / "c.yaml"
    data = b"version: 1\ninteractions:\n" + OK_ITEM
    path.write_bytes(data)
    monkeypatch.setattr(cassettes, "MAX_BYTES", len(data))
    assert len(load(path).interactions) == 1
    path.write_bytes(data + b"\n")
    with pytest.raises(CassetteError, match=rf"c\.yaml: refused: {len(data) + 1} bytes is larger"):
        load(path)
    with pytest.raises(CassetteError, match=rf"^mem: refused: {len(data) + 1} bytes is larger"):
        loads(data + b"\n", where="mem")


def test_a_small_cassette_costs_its_size_not_the_cap(tmp_path: Path) -> None:
    """Reading is sized by the file: loading 1 KiB never reserves a MAX_BYTES buffer."""
    path = tmp_path / "c.yaml"
    path.write_bytes(b"version: 1\ninteractions:\n" + OK_ITEM)
    tracemalloc.start()
    try:
        assert len(load(path).interactions) == 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20, f"loading a {path.stat().st_size}-byte cassette allocated {peak} bytes"


@pytest.mark.timeout(30)
def test_fifo_and_folder_are_refused_without_blocking(tmp_path: Path) -> None:
    """A FIFO (which would block a reader forever) and a folder are refused, not opened."""
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(CassetteError, match=rf"^{re.escape(str(fifo))}: not a regular file"):
        load(fifo)
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    with pytest.raises(CassetteError, match=r"not a regular file; a cassette is a \.yaml"):
        load(folder)


@pytest.mark.timeout(30)
def test_an_alias_bomb_under_the_limit_is_never_expanded(tmp_path: Path) -> None:
    """64 aliases can still describe 8**8 strings: they load in milliseconds, never expanded."""
    lines = ['  a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    prev = "a"
    for name in "bcdefgh":
        lines.append(f"  {name}: &{name} [{', '.join(['*' + prev] * 8)}]")
        prev = name
    assert sum(line.count("*") for line in lines) == 56
    text = "version: 1\ninteractions:\n" + OK_ITEM.decode() + "  extra:\n" + "\n".join(lines)
    path = tmp_path / "quiet-bomb.yaml"
    path.write_text(f"{text}\n  more: [{', '.join(['*' + prev] * 8)}]\n")
    started = time.monotonic()
    loaded = load(path)
    assert time.monotonic() - started < 1.0
    assert len(loaded.interactions) == 1
    # In a field vstape keeps, the alias is refused by type, not walked.
    bodied = tmp_path / "bodied-bomb.yaml"
    bodied.write_text(text + "\n" + f"- request: {{method: GET, uri: x, body: *{prev}}}\n")
    started = time.monotonic()
    with pytest.raises(CassetteError, match=r"request\.body must be text"):
        load(bodied)
    assert time.monotonic() - started < 1.0


def _item(n: int) -> Interaction:
    body = f'{{\n  "id": "vs_{n}",\n  "object": "vector_store",\n  "name": "store {n}"\n}}'
    return Interaction(
        Request("GET", f"https://api.openai.com/v1/vector_stores/vs_{n}", None, {}),
        Response(Status(200, "OK"), {"x-request-id": [f"req_{n}"]}, ResponseBody(body)),
    )


def _best_of(runs: int, action: Callable[[], object]) -> float:
    """The least CPU time of ``runs`` calls.

    CPU time, not wall clock, so other xdist workers don't count; the garbage collector
    is paused, as its full passes grow with the heap and blur what the loader itself costs.
    """
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        gc.disable()
        try:
            started = time.process_time()
            action()
            best = min(best, time.process_time() - started)
        finally:
            gc.enable()
    return best


@pytest.mark.timeout(120)
@pytest.mark.parametrize(("fmt", "small"), [("yaml", 200), ("json", 2_000)])
def test_many_interactions_load_and_index_in_linear_time(
    tmp_path: Path, fmt: cassettes.Format, small: int
) -> None:
    """8x the interactions costs at most ~3x linear (quadratic would be 64x) to load and index."""
    paths = []
    for n in (small, small * 8):
        path = tmp_path / f"many-{n}.{fmt}"
        path.write_bytes(assemble([dump_item(_item(i), fmt) for i in range(n)], fmt))
        paths.append(path)
    small_s = _best_of(3, lambda: Replayer([paths[0]]))
    replayers: list[Replayer] = []
    large_s = _best_of(2, lambda: replayers.append(Replayer([paths[1]])))
    replayer = replayers[-1]
    assert len(replayer.interactions) == small * 8
    assert replayer.answer("GET", "/v1/vector_stores/vs_7", {}, b"").body.startswith(
        b'{\n  "id": "vs_7"'
    )
    assert large_s < 24 * small_s + 0.05, f"{small}: {small_s:.3f}s, {small * 8}: {large_s:.3f}s"


class HostileFolder(NamedTuple):
    """A folder of hostile files, each with the regex its message must match."""

    folder: Path
    content: list[tuple[Path, str]]  # files whose bytes are hostile
    special: list[tuple[Path, str]]  # a FIFO and a sparse file over the cap: never to be read


@pytest.fixture
def hostile(tmp_path: Path) -> HostileFolder:
    """Every hostile file in one folder."""
    folder = tmp_path / "hostile"
    folder.mkdir()
    content = [
        (_write(folder, case), _prefix(folder / case.name, case) + ".*" + case.message)
        for case in CASES
    ]
    fifo = folder / "pipe.yaml"
    os.mkfifo(fifo)
    gigantic = folder / "gigantic.yaml"
    with open(gigantic, "wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    if os.stat(gigantic).st_blocks * 512 > 1 << 20:
        pytest.skip(f"{tmp_path} does not support sparse files; the test would allocate 1 GiB")
    special = [
        (gigantic, re.escape(str(gigantic)) + r": refused: \d+ bytes is larger than the"),
        (fifo, re.escape(str(fifo)) + ": not a regular file"),
    ]
    return HostileFolder(folder, content, special)


def _validate(paths: list[Path]) -> subprocess.CompletedProcess[str]:
    def at_most_768_mib() -> None:  # reading the sparse 1 GiB file fails fast, not slowly
        resource.setrlimit(resource.RLIMIT_AS, (768 << 20, 768 << 20))

    return subprocess.run(
        [*VSTAPE, "validate", *(str(path) for path in paths)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        preexec_fn=at_most_768_mib,
    )


@pytest.mark.timeout(120)
def test_vstape_validate_exits_2_naming_every_hostile_file(hostile: HostileFolder) -> None:
    """`vstape validate FILE...` reports each hostile file on stderr (no traceback) and exits 2."""
    done = _validate([path for path, _ in hostile.content])
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    for path, message in hostile.content:
        assert re.search(message, done.stderr, re.MULTILINE), (path.name, done.stderr)
    assert f"{len(hostile.content)} unusable" in done.stdout
    assert not (hostile.folder / "pwned").exists()


@pytest.mark.timeout(60)
def test_vstape_validate_refuses_gigantic_and_fifo_without_reading(
    hostile: HostileFolder,
) -> None:
    """`vstape validate` refuses the sparse 1 GiB file and the FIFO from stat alone: exit 2."""
    done = _validate([path for path, _ in hostile.special])
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    for path, message in hostile.special:
        assert re.search(message, done.stderr, re.MULTILINE), (path.name, done.stderr)


@pytest.mark.timeout(180)
def test_vstape_replay_refuses_to_start_on_each_hostile_file(hostile: HostileFolder) -> None:
    """`vstape replay FILE` exits 2 with the file's message (and so does the folder), never serving."""
    runs = [*hostile.content, *hostile.special, (hostile.folder, r"\S+/hostile/\S+: ")]

    def replay(path: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*VSTAPE, "replay", str(path), "--listen", "127.0.0.1:0"],
            capture_output=True,
            text=True,
            timeout=120,  # a server that started instead of refusing fails here
            cwd=ROOT,
        )

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(replay, [path for path, _ in runs]))
    failures = []
    for (path, message), done in zip(runs, results, strict=True):
        if done.returncode != 2 or "Traceback" in done.stderr or "serving" in done.stdout:
            failures.append(f"{path.name}: exit {done.returncode}\n{done.stdout}{done.stderr}")
        elif not re.search("^vstape replay: " + message, done.stderr, re.MULTILINE):
            failures.append(f"{path.name}: unexpected message:\n{done.stderr}")
    assert not failures, "\n\n".join(failures)
    assert not (hostile.folder / "pwned").exists()
