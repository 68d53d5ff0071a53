"""In-process recording (pytest-recording + vstape) writes the recorder's stable placeholders.

A pytester project runs the official SDK's whole workload under ``@pytest.mark.vcr``
against an unseeded emulator (random ids, the wall clock). The test sees the real ids
while it records; the cassette holds the same placeholders, in the same places, as
`vstape record` writes for the same traffic; it replays offline (placeholders sent back
and matched); a ``--record-mode=rewrite`` re-recording numbers from 1 again (a diff of
timestamps at most); ``--vstape-keep-ids`` keeps the real ids.
"""

from __future__ import annotations

import difflib
import re
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest
from openai import OpenAI

from tests.plugin.local_server import INI, run, write_module
from tests.procs import ROOT, VSTAPE, vstape_server
from vstape.cassettes.io import load
from vstape.cassettes.model import InteractionMeta
from vstape.cli.sdk.script import run_everything
from vstape.emulator import Emulator
from vstape.emulator.http_server import EmulatorServer
from vstape.recording.placeholders import is_placeholder

pytest_plugins = ["pytester"]

ID = re.compile(r"(?<![A-Za-z0-9_-])(?:vs_|vsfb_|req_|file-)[A-Za-z0-9]+")
TIME_LINE = re.compile(r'^[-+]\s+"(created_at|last_active_at|expires_at)": \d+,?$')
WORKLOAD = """
from openai import OpenAI

from vstape.cli.sdk.script import run_everything
from vstape.recording.placeholders import is_placeholder

MARK = os.environ.get("KEEP_MARK")
pytestmark = [pytest.mark.vstape(keep_ids=eval(MARK))] if MARK else []


@pytest.mark.vcr
def test_workload():
    with OpenAI(api_key="sk-live-SECRET0123456789", max_retries=0) as client:
        out = run_everything(client)
        assert is_placeholder(out[0].id) == (os.environ["EXPECT"] == "placeholders")
        if os.environ.get("EXTRA"):  # not in the cassette: recorded now, live
            assert not is_placeholder(client.vector_stores.create(name="extra").id)
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> Iterator[pytest.Pytester]:
    """The workload module; OPENAI_BASE_URL set per run by :func:`_record`."""
    write_module(pytester, "test_stable", WORKLOAD)
    yield pytester


def _record(pytester: pytest.Pytester, folder: Path, *args: str, expect: str = "real") -> Path:
    """Run the workload against a fresh unseeded emulator; the cassette it wrote."""
    server = EmulatorServer(Emulator())
    try:
        pytester._monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        pytester._monkeypatch.setenv("EXPECT", expect)
        run(pytester, folder, *args).assert_outcomes(passed=1)
    finally:
        server.stop()
    return folder / "test_workload.yaml"


def _proxy_recording(path: Path) -> None:
    args = ["record", "--listen", "127.0.0.1:0", "--cassette", str(path), "--quiet"]
    with vstape_server(*args) as (proc, url):
        with OpenAI(api_key="sk-record", base_url=url, max_retries=0) as client:
            run_everything(client)
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)


def _changed_lines(old: str, new: str) -> list[str]:
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), n=0, lineterm="")
    return [line for line in lines if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def test_in_process_recording_gives_the_proxys_placeholders(
    project: pytest.Pytester, tmp_path: Path
) -> None:
    """Same placeholders in the same places as `vstape record`; replays offline; re-records small."""
    cassette = _record(project, tmp_path / "cassettes", "--record-mode=once")
    text = cassette.read_text()
    proxied = tmp_path / "proxy.yaml"
    _proxy_recording(proxied)
    ids = ID.findall(text)
    assert ids == ID.findall(proxied.read_text()) and len(ids) > 100
    assert {i for i in ids if not is_placeholder(i)} == {"vs_missing"}
    assert "SECRET" not in text
    items = load(cassette).interactions
    assert all(
        isinstance(i.vstape, InteractionMeta) and i.vstape.recorded_at is None for i in items
    )
    done = subprocess.run(
        [*VSTAPE, "diff", str(proxied), str(cassette)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr

    # Offline: the test gets the placeholders, sends them back, every request matches.
    project._monkeypatch.delenv("OPENAI_BASE_URL")
    project._monkeypatch.setenv("EXPECT", "placeholders")
    replayed = run(
        project,
        tmp_path / "cassettes",
        "--record-mode=none",
        "--block-network",
        "--vstape-unused=fail",
    )
    replayed.assert_outcomes(passed=1)

    # Re-recorded against another fresh emulator: numbered from 1 again, timestamps at most.
    again = _record(project, tmp_path / "cassettes", "--record-mode=rewrite")
    changed = _changed_lines(text, again.read_text())
    assert [line for line in changed if not TIME_LINE.match(line)] == []
    assert ID.findall(again.read_text()) == ids

    # new_episodes: the workload replays, one new request is recorded: numbering continues.
    old = load(again).interactions
    project._monkeypatch.setenv("EXTRA", "1")
    grown = _record(
        project, tmp_path / "cassettes", "--record-mode=new_episodes", expect="placeholders"
    )
    items = load(grown).interactions
    assert items[: len(old)] == old and len(items) == len(old) + 1
    stores = {i for i in ids if i.startswith("vs_vstape")}
    new_id = msgspec.json.decode(items[-1].response.body.bytes)["id"]
    assert int(new_id.rsplit("vstape", 1)[1]) == len(stores) + 1


def test_keep_ids_records_the_real_values(project: pytest.Pytester, tmp_path: Path) -> None:
    """--vstape-keep-ids: real ids and recorded_at in the cassette; the ini key says the same."""
    cassette = _record(project, tmp_path / "flag", "--record-mode=once", "--vstape-keep-ids")
    ids = ID.findall(cassette.read_text())
    assert ids and not [i for i in ids if is_placeholder(i)]
    items = load(cassette).interactions
    assert all(isinstance(i.vstape, InteractionMeta) and i.vstape.recorded_at for i in items)
    project.makeini(INI + "vstape_keep_ids = true\n")
    from_ini = _record(project, tmp_path / "ini", "--record-mode=once")
    assert not [i for i in ID.findall(from_ini.read_text()) if is_placeholder(i)]
    project.makeini(INI + "vstape_keep_ids = maybe\n")
    refused = run(project, tmp_path / "bad", "--record-mode=once")
    assert refused.ret == pytest.ExitCode.USAGE_ERROR
    refused.stderr.fnmatch_lines(
        ["*ini vstape_keep_ids='maybe' is not valid; choose true or false*"]
    )
