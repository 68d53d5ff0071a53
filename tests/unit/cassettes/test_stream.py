"""The streaming reader gives exactly what ``load`` gives, one interaction at a time, in flat memory.

For every shipped cassette, for layouts other writers produce (indented sequences,
comments, CRLF, flow style, aliases across items, quoted scalars spanning lines with a
column-0 dash inside them) and for every hostile file of ``test_hostile_cassettes``:
the same interactions, the same lines, or the same CassetteError message. And
``vstape validate`` on a cassette of ~40 MB keeps its peak memory near that of an
empty run, where loading the whole document costs many times the file's size.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import msgspec
import pytest

from tests.procs import ROOT
from tests.unit.cassettes.test_hostile import CASES, Hostile, _write
from vstape.api.routes import ROUTES
from vstape.cassettes.io import dump_item, format_of, load, read_bytes
from vstape.cassettes.model import CassetteError
from vstape.cassettes.shipped import shipped_path
from vstape.cassettes.stream import iter_interactions
from vstape.cassettes.writer import APPENDABLE_HEAD
from vstape.reports.findings import interaction_lines

SHIPPED = sorted((ROOT / "cassettes").glob("*/*.yaml"))


def _same_as_load(path: Path) -> None:
    try:
        expected = load(path).interactions
    except CassetteError as err:
        with pytest.raises(CassetteError) as streamed:
            list(iter_interactions(path))
        assert str(streamed.value) == str(err)
        return
    items = list(iter_interactions(path))
    assert [item for _, item in items] == expected
    data = read_bytes(path)
    lines = interaction_lines(data, format_of(path), len(expected))
    if lines != [1] * len(expected):  # the cheap line finder knows this layout
        assert [line for line, _ in items] == lines


def test_every_shipped_cassette_streams_as_it_loads() -> None:
    """Same interactions and lines for all shipped cassettes (the count comes from the folder)."""
    assert len(SHIPPED) > 300
    for path in SHIPPED:
        _same_as_load(path)


ITEM = (
    "{pad}- request:\n"
    "{pad}    body: {body}\n"
    "{pad}    headers: {{}}\n"
    "{pad}    method: POST\n"
    "{pad}    uri: https://api.openai.com/v1/vector_stores\n"
    "{pad}  response:\n"
    "{pad}    status: {{code: 200, message: OK}}\n"
    "{pad}    body: {{string: ok}}\n"
)

QUOTED = '"first line\n- request: not an item\n  last"'

LAYOUTS = {
    "vcrpy (version last)": "interactions:\n" + ITEM.format(pad="", body="a") * 3 + "version: 1\n",
    "recorder (version first)": "version: 1\ninteractions:\n" + ITEM.format(pad="", body="b") * 3,
    "indented sequence": "interactions:\n" + ITEM.format(pad="  ", body="c") * 3 + "version: 1\n",
    "comments and blank lines": (
        "# recorded by hand\nversion: 1 # the only one\n\ninteractions: # here\n\n# first\n"
        + ITEM.format(pad="", body="d")
        + "\n# second\n"
        + ITEM.format(pad="", body="e")
    ),
    "CRLF": ("interactions:\n" + ITEM.format(pad="", body="f") * 2 + "version: 1\n").replace(
        "\n", "\r\n"
    ),
    "a quoted body with column-0 dashes": (
        "interactions:\n"
        + ITEM.format(pad="", body=QUOTED)
        + ITEM.format(pad="", body="'single\n\n- quoted too'")
        + "version: 1\n"
    ),
    "a quoted body with a column-0 key": (
        "interactions:\n" + ITEM.format(pad="", body='"first\nversion: 2\n  last"') + "version: 1\n"
    ),
    "a flow collection over lines": (
        "interactions:\n"
        + ITEM.format(pad="", body="[1,\n2]")
        + ITEM.format(pad="", body="{a: 1,\n-b: 2}")
    ),
    "a broken item": "interactions:\n" + ITEM.format(pad="", body="{a: 1,\n- b: 2}"),
    "a broken trailer": "interactions:\n" + ITEM.format(pad="", body="x") + "version: [\n",
    "flow style": '{"interactions": [{"request": {"method": "GET", "uri": "x"}, '
    '"response": {"status": {"code": 200}}}], "version": 1}\n',
    "an anchor used in a later item": (
        "interactions:\n"
        + ITEM.format(pad="", body="&shared the same text")
        + ITEM.format(pad="", body="*shared")
    ),
    "a BOM": "\ufeffinteractions:\n" + ITEM.format(pad="", body="g"),
    "no interactions key": "version: 1\n",
    "empty list": "interactions: []\nversion: 1\n",
    "empty file": "",
    "a huge single item": "interactions:\n" + ITEM.format(pad="", body="x" * 3_000_000),
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_other_layouts_stream_as_they_load(tmp_path: Path, layout: str) -> None:
    """Whatever the writer, the stream equals the whole load (cut, joined or handed over whole)."""
    path = tmp_path / "c.yaml"
    path.write_bytes(LAYOUTS[layout].encode("utf-8"))
    _same_as_load(path)


def test_a_quoted_scalar_with_a_dash_at_column_0_is_joined_not_cut(tmp_path: Path) -> None:
    """The piece cut inside the quotes fails at its end; joined with the next, it parses."""
    path = tmp_path / "c.yaml"
    path.write_bytes(LAYOUTS["a quoted body with column-0 dashes"].encode())
    items = list(iter_interactions(path))
    assert [item.request.body for _, item in items] == [
        "first line - request: not an item last",
        "single\n- quoted too",
    ]
    first_item = ITEM.format(pad="", body=QUOTED)
    assert [line for line, _ in items] == [2, 2 + first_item.count("\n")]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_files_get_the_same_message(tmp_path: Path, case: Hostile) -> None:
    """Every hostile file is refused with exactly load's message (file, line, byte, fix)."""
    path = _write(tmp_path, case)
    with pytest.raises(CassetteError) as loaded:
        load(path)
    with pytest.raises(CassetteError) as streamed:
        list(iter_interactions(path))
    assert str(streamed.value) == str(loaded.value)
    assert not (tmp_path / "pwned").exists()


def test_an_error_in_a_late_item_names_its_line(tmp_path: Path) -> None:
    """A bad item after good ones: the good ones come first, then its file:line."""
    good = ITEM.format(pad="", body="ok")
    bad = good.replace("method: POST", "method: [not, a, string]")
    path = tmp_path / "c.yaml"
    path.write_text("interactions:\n" + good * 2 + bad + "version: 1\n")
    seen = []
    with pytest.raises(CassetteError) as raised:
        for line, _ in iter_interactions(path):
            seen.append(line)
    assert seen == [2, 10]
    assert str(raised.value).startswith(f"{path}:18: not a vcrpy cassette: Expected `str`")
    assert "`$.interactions[2].request.method`" in str(raised.value)


def _big_cassette(path: Path, megabytes: int) -> int:
    samples = [load(shipped_path(route.name)).interactions[0] for route in ROUTES]
    count = 0
    with open(path, "wb") as out:
        out.write(APPENDABLE_HEAD)
        while out.tell() < megabytes * 1_000_000:
            item = samples[count % len(samples)]
            headers = dict(item.response.headers, **{"x-request-id": [f"req_{count:09d}"]})
            response = msgspec.structs.replace(item.response, headers=headers)
            out.write(dump_item(msgspec.structs.replace(item, response=response)))
            count += 1
    return count


PEAK = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024\n"
    "print(done.returncode, peak, (done.stdout.strip().splitlines() or [''])[-1], sep='\\t')\n"
)


def _peak_mb(*args: str) -> tuple[int, int, str]:
    """(exit status, peak RSS in MB, last output line) of `vstape ARGS` in a fresh child."""
    done = subprocess.run(
        [sys.executable, "-c", PEAK, sys.executable, "-m", "vstape.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    code, peak, tail = done.stdout.rstrip("\n").split("\t", 2)
    return int(code), int(peak), tail


@pytest.mark.timeout(900)
def test_validate_memory_stays_flat_on_a_big_cassette(tmp_path: Path) -> None:
    """~40 MB of interactions: peak RSS within 60 MB of validating one small cassette."""
    big = tmp_path / "big.yaml"
    count = _big_cassette(big, 40)
    small_code, small_peak, _ = _peak_mb("validate", str(shipped_path("get_vector_store")))
    code, peak, tail = _peak_mb("validate", str(big))
    assert (small_code, code) == (0, 0), tail
    assert tail == "vstape validate: 1 cassettes, 0 violations, 0 unusable"
    assert peak < small_peak + 60, (peak, small_peak, count)
    # and the whole document, for comparison: what validate cost before it streamed
    whole = (
        "import resource, sys\nfrom vstape.cassettes.io import load\n"
        "n = len(load(sys.argv[1]).interactions)\n"
        "print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", whole, str(big)], capture_output=True, text=True, timeout=600
    )
    loaded, whole_peak = (int(x) for x in done.stdout.split())
    assert loaded == count
    assert whole_peak > 3 * peak, (whole_peak, peak)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 0  # the measure exists here
