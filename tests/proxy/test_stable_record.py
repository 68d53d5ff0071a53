"""`vstape record` writes stable cassettes: two unseeded recordings, placeholders, `vstape diff`.

Each recording is the official SDK's whole workload (create, upload_and_poll, batches,
paginated lists, search, delete) through a real `vstape record` (mitmproxy) in front of a
fresh emulator *without* ``--seed``: random ids, the wall clock. The client gets the real
ids; the cassette holds placeholders, which replay.
"""

from __future__ import annotations

import difflib
import json
import re
import signal
import subprocess
from pathlib import Path
from typing import Any

import msgspec
import pytest
from openai import OpenAI

from tests.procs import ROOT, VSTAPE, vstape_server
from vstape.cassettes.io import dump, load
from vstape.cassettes.model import Cassette, InteractionMeta
from vstape.cli.sdk.script import run_everything
from vstape.recording.placeholders import is_placeholder
from vstape.recording.timeshift import EPOCH

ID = re.compile(r"(?<![A-Za-z0-9_-])(?:vs_|vsfb_|req_|file-)[A-Za-z0-9]+")
TIME_LINE = re.compile(r'^[-+]\s+"(created_at|last_active_at|expires_at)": \d+,?$')


def _record(path: Path, *flags: str) -> tuple[list[Any], str]:
    """The SDK workload through `vstape record --cassette path FLAGS`; (results, its log)."""
    args = ["record", "--listen", "127.0.0.1:0", "--cassette", str(path), "--quiet", *flags]
    with vstape_server(*args) as (proc, url):
        with OpenAI(api_key="sk-record", base_url=url, max_retries=0) as client:
            results = run_everything(client)
        proc.send_signal(signal.SIGTERM)
        log, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, log[-3000:]
    return results, log


def _diff(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*VSTAPE, "diff", *map(str, args)], capture_output=True, text=True, timeout=120, cwd=ROOT
    )


def _changed_lines(old: Path, new: Path) -> list[str]:
    lines = difflib.unified_diff(
        old.read_text().splitlines(), new.read_text().splitlines(), n=0, lineterm=""
    )
    return [line for line in lines if line[:1] in "+-" and line[:3] not in ("+++", "---")]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, list[Any]]]:
    """Two stable recordings, two with --keep-ids, one of an emulator that needs two polls."""
    folder = tmp_path_factory.mktemp("stable-record")
    found = {}
    for name, flags in (
        ("one", ()),
        ("two", ()),
        ("keep1", ("--keep-ids",)),
        ("keep2", ("--keep-ids",)),
        ("polls2", ("--polls", "2")),
    ):
        path = folder / f"{name}.yaml"
        found[name] = (path, _record(path, *flags)[0])
    return found


def test_two_recordings_hold_the_same_placeholders_in_the_same_places(
    runs: dict[str, tuple[Path, list[Any]]],
) -> None:
    """Every id a placeholder, the same sequence in both; at most timestamp lines differ."""
    (one, live), (two, _) = runs["one"], runs["two"]
    assert not is_placeholder(live[0].id)  # the live client got the real id...
    text = one.read_text()
    assert live[0].id not in text  # ...and the cassette never holds it
    ids = [ID.findall(p.read_text()) for p in (one, two)]
    assert ids[0] == ids[1] and len(ids[0]) > 100
    assert {i for i in ids[0] if not is_placeholder(i)} == {"vs_missing"}  # made up by the client
    changed = _changed_lines(one, two)
    assert [line for line in changed if not TIME_LINE.match(line)] == []
    assert len(changed) <= 0.05 * len(text.splitlines())
    items = load(one).interactions
    assert all(
        isinstance(i.vstape, InteractionMeta) and i.vstape.recorded_at is None for i in items
    )
    first = msgspec.json.decode(items[0].response.body.bytes)
    assert (
        first["created_at"] == EPOCH and first["expires_at"] == first["last_active_at"] + 30 * 86400
    )
    done = _diff(one, two)
    assert done.returncode == 0 and "vstape diff: equivalent" in done.stdout, done.stdout


def test_keep_ids_differ_everywhere_and_diff_still_says_equivalent(
    runs: dict[str, tuple[Path, list[Any]]],
) -> None:
    """--keep-ids: real ids (none shared by the two runs), real times, recorded_at; exit 0."""
    (one, live), (two, _) = runs["keep1"], runs["keep2"]
    ids = [ID.findall(p.read_text()) for p in (one, two)]
    assert live[0].id in ids[0] and not any(map(is_placeholder, ids[0]))
    assert len(ids[0]) == len(ids[1])
    shared = (set(ids[0]) & set(ids[1])) - {"vs_missing"}
    assert shared == set()
    assert len(_changed_lines(one, two)) > len(_changed_lines(runs["one"][0], runs["two"][0])) + 300
    assert all(
        isinstance(i.vstape, InteractionMeta) and i.vstape.recorded_at
        for i in load(one).interactions
    )
    done = _diff(one, two)
    assert done.returncode == 0 and "vstape diff: equivalent" in done.stdout, done.stdout
    assert _diff(one, runs["one"][0]).returncode == 0  # kept and stable: equivalent too


def test_the_recorded_cassette_replays_with_the_sdk_offline(
    runs: dict[str, tuple[Path, list[Any]]],
) -> None:
    """create, upload_and_poll, batch, paginated lists, search, delete: no miss, ids round-trip."""
    path, live = runs["one"]
    with vstape_server("replay", str(path), "--listen", "127.0.0.1:0") as (proc, url):
        with OpenAI(api_key="sk-other", base_url=url, max_retries=0) as client:
            out = run_everything(client)
        proc.send_signal(signal.SIGTERM)
        log, _ = proc.communicate(timeout=30)
    assert "0 misses, 0 recorded interactions never replayed" in log, log[-3000:]
    assert len(out) == len(live)
    store = out[0]
    assert is_placeholder(store.id) and store.created_at == EPOCH
    assert out[3].status == "completed" and is_placeholder(out[3].id)  # upload_and_poll
    assert is_placeholder(out[5].id) and out[5].file_counts.completed == 3  # the batch
    asc, desc = out[9], out[10]  # pages each way, following placeholder cursors
    assert len(asc) == 5 and asc == list(reversed(desc)) and all(map(is_placeholder, asc))
    assert [r.filename for r in out[15].data] == ["refunds.txt"]  # search
    assert out[-1].deleted is True and out[-1].id == store.id


def test_one_changed_field_is_exactly_that_path_in_all_three_formats(
    tmp_path: Path, runs: dict[str, tuple[Path, list[Any]]]
) -> None:
    """A hand edit of one answer's field: one change, that JSON path, old -> new, everywhere."""
    one, two = runs["one"][0], runs["two"][0]
    items = load(two).interactions
    index = next(
        n
        for n, item in enumerate(items)
        if isinstance(item.vstape, InteractionMeta) and item.vstape.route == "modify_vector_store"
    )
    body = msgspec.json.decode(items[index].response.body.bytes)
    old_name = body["name"]
    body["name"] = "edited by hand"
    answer = msgspec.structs.replace(
        items[index].response.body,
        string=msgspec.json.format(msgspec.json.encode(body), indent=2).decode(),
    )
    items[index] = msgspec.structs.replace(
        items[index], response=msgspec.structs.replace(items[index].response, body=answer)
    )
    edited = tmp_path / "edited.yaml"
    dump(Cassette(items), edited)
    text = _diff(one, edited)
    assert text.returncode == 1
    changes = [line.strip() for line in text.stdout.splitlines() if "$." in line]
    assert changes == [f'response.body $.name: "{old_name}" -> "edited by hand"']
    assert text.stdout.splitlines()[-1].startswith("vstape diff: 1 changed in 1 route(s)")
    document = json.loads(_diff(one, edited, "--json").stdout)
    [entry] = document["entries"]
    assert entry["route"] == "modify_vector_store" and entry["kind"] == "changed"
    assert [(c["path"], c["old"], c["new"]) for c in entry["changes"]] == [
        ("$.name", old_name, "edited by hand")
    ]
    markdown = _diff(one, edited, "--markdown").stdout
    assert f"$.name: &quot;{old_name}&quot; -&gt; &quot;edited by hand&quot;" in markdown
    assert markdown.count("<code>response.") == 1 and "| 0 | 0 | 1 |" in markdown


def test_an_emulator_needing_two_polls_adds_exactly_the_extra_polls(
    runs: dict[str, tuple[Path, list[Any]]],
) -> None:
    """--polls 2: each polled object one in_progress answer more: added polls, nothing else."""
    one, polls2 = runs["one"][0], runs["polls2"][0]
    extra = len(load(polls2).interactions) - len(load(one).interactions)
    assert extra > 0
    done = _diff(one, polls2, "--json")
    assert done.returncode == 1
    entries = json.loads(done.stdout)["entries"]
    assert len(entries) == extra
    assert {(e["kind"], e["route"]) for e in entries} <= {
        ("added", "get_vector_store_file"),
        ("added", "get_vector_store_file_batch"),
    }


def test_recording_again_into_the_cassette_continues_it(tmp_path: Path) -> None:
    """A second `vstape record` into the same file, against the same upstream: the store it
    made the first time keeps its placeholder, new objects continue the numbering."""
    cassette = tmp_path / "run.yaml"
    with vstape_server("emulate", "--listen", "127.0.0.1:0") as (_emulator, base):
        root = base.removesuffix("/v1")
        args = ["record", "--listen", "127.0.0.1:0", "--upstream", root, "--cassette"]
        with vstape_server(*args, str(cassette), "--quiet") as (proc, url):
            with OpenAI(api_key="sk-record", base_url=url, max_retries=0) as client:
                store = client.vector_stores.create(name="kept")
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=30)
        with vstape_server(*args, str(cassette), "--quiet") as (proc, url):
            with OpenAI(api_key="sk-record", base_url=url, max_retries=0) as client:
                assert client.vector_stores.retrieve(store.id).name == "kept"  # the real id
                client.vector_stores.create(name="new")
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=30)
    items = load(cassette).interactions
    assert [i.request.method for i in items] == ["POST", "GET", "POST"]
    first = msgspec.json.decode(items[0].response.body.bytes)["id"]
    assert is_placeholder(first) and first.endswith("0001")
    assert items[1].request.uri.endswith(f"/v1/vector_stores/{first}")
    assert msgspec.json.decode(items[2].response.body.bytes)["id"].endswith("0002")
    assert store.id not in cassette.read_text()
