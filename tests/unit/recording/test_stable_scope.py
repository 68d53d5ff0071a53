"""The stateful normalizer: appending across processes, journals, staleness, failures, races."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import msgspec
import pytest

from tests.workload import recorded
from vstape.cassettes.io import dumps, load
from vstape.cassettes.model import Cassette, Interaction
from vstape.cassettes.writer import CassetteWriter
from vstape.recording import stable_scope
from vstape.recording.placeholders import is_placeholder
from vstape.recording.stable import normalize_scope
from vstape.recording.stable_scope import ScopeNormalizer
from vstape.recording.timeshift import timestamps

HALF = 12  # the workload's first part: store, updates, uploads, attach; then it goes on using them


@pytest.fixture(scope="module")
def raw() -> list[Interaction]:
    """One unseeded recording of the demo workload."""
    return recorded()[0]


def _write(scope: ScopeNormalizer, path: Path, items: list[Interaction]) -> None:
    writer = CassetteWriter(path)
    for item in items:
        with scope.writing(path, [item]) as stable:
            writer.append_many(stable)


def test_a_later_process_continues_the_numbering_and_reuses_the_mapping(
    tmp_path: Path, raw: list[Interaction]
) -> None:
    """Two processes, one journal: the cassette is what one process would have written."""
    cassette, journals = tmp_path / "c" / "run.yaml", tmp_path / "state"
    journals.mkdir(mode=0o700)
    first = ScopeNormalizer(cassette, journal_folder=journals)
    _write(first, cassette, raw[:HALF])
    first.close()
    second = ScopeNormalizer(cassette, journal_folder=journals)  # a new process: nothing in memory
    _write(second, cassette, raw[HALF:])
    second.close()
    expected = normalize_scope([raw])[0]
    assert dumps(load(cassette)) == dumps(Cassette(expected))
    real = msgspec.json.decode(raw[0].response.body.string)["id"]
    chosen = msgspec.json.decode(expected[0].response.body.string)["id"]
    assert second.real_of(chosen) == real  # learnt from the journal, not seen by this one
    assert os.listdir(cassette.parent) == ["run.yaml"]  # nothing beside the cassette
    [journal] = list(journals.iterdir())
    assert stat.S_IMODE(journal.stat().st_mode) == 0o600


def test_a_compacted_journal_still_continues_the_cassette(
    tmp_path: Path, raw: list[Interaction], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rewritten as its state whenever it grows (here: past 300 bytes), the journal says the same."""
    monkeypatch.setattr(stable_scope, "COMPACT_BYTES", 300)
    cassette, journals = tmp_path / "run.yaml", tmp_path / "state"
    journals.mkdir(mode=0o700)
    first = ScopeNormalizer(cassette, journal_folder=journals)
    _write(first, cassette, raw[:HALF])
    first.close()
    [journal] = list(journals.iterdir())
    stats = [line for line in journal.read_text().splitlines() if '"stat"' in line]
    assert len(stats) == 1  # compacted: one stat per file, not one per write
    second = ScopeNormalizer(cassette, journal_folder=journals)
    _write(second, cassette, raw[HALF:])
    second.close()
    assert dumps(load(cassette)) == dumps(Cassette(normalize_scope([raw])[0]))


def test_without_a_journal_the_cassette_alone_continues(
    tmp_path: Path, raw: list[Interaction]
) -> None:
    """No journal: numbering continues after the cassette's highest placeholder, times after its latest."""
    cassette = tmp_path / "run.yaml"
    first = ScopeNormalizer(cassette, journal_folder=None)
    _write(first, cassette, raw[:HALF])
    head = load(cassette).interactions
    second = ScopeNormalizer(cassette, journal_folder=None)
    _write(second, cassette, raw[HALF:])
    items = load(cassette).interactions
    assert dumps(Cassette(items[:HALF])) == dumps(Cassette(head))  # what was there stays
    numbers = [
        int(v.rsplit("vstape", 1)[1])
        for item in items
        for v in item.response.headers["x-request-id"]
    ]
    assert numbers == list(range(1, len(raw) + 1))  # one numbering, continued
    latest = max(t for item in head for t in timestamps(item))
    tail_times = [t for item in items[HALF:] for t in timestamps(item)]
    assert tail_times and min(tail_times) >= latest - 1  # after what was there (seconds round)


def test_a_hand_edited_cassette_is_read_again_instead_of_the_journal(
    tmp_path: Path, raw: list[Interaction]
) -> None:
    """The journal only speaks for the cassette it left: an edit since makes it stale."""
    cassette, journals = tmp_path / "run.yaml", tmp_path / "state"
    journals.mkdir(mode=0o700)
    first = ScopeNormalizer(cassette, journal_folder=journals)
    _write(first, cassette, raw[:HALF])
    first.close()
    cassette.write_bytes(dumps(Cassette(load(cassette).interactions[:2])))  # someone cut it down
    second = ScopeNormalizer(cassette, journal_folder=journals)
    _write(second, cassette, raw[HALF : HALF + 1])
    second.close()
    real_store = msgspec.json.decode(raw[0].response.body.string)["id"]
    real_upload = msgspec.json.decode(raw[3].response.body.string)["id"]
    appended = load(cassette).interactions[-1]
    assert real_store in appended.request.uri  # no longer known: kept as the client sent it
    [journal] = list(journals.iterdir())
    assert real_upload not in journal.read_text()  # the stale mapping was dropped
    assert real_store in journal.read_text()  # what was decided since is kept


def test_a_failed_write_forgets_its_numbers(tmp_path: Path, raw: list[Interaction]) -> None:
    """The cassette is unchanged after a failed append, so the numbers are given again."""
    cassette = tmp_path / "run.yaml"
    scope = ScopeNormalizer(cassette, journal_folder=None)
    with pytest.raises(OSError), scope.writing(cassette, raw[:1]) as stable:
        lost = stable
        raise OSError("disk full")
    with scope.writing(cassette, raw[:1]) as stable:
        CassetteWriter(cassette).append_many(stable)
    assert dumps(Cassette(stable)) == dumps(Cassette(lost))


def test_concurrent_writers_never_give_one_number_twice(
    tmp_path: Path, raw: list[Interaction]
) -> None:
    """Threads with their own normalizer (like processes) share the scope through the journal."""
    cassette, journals = tmp_path / "run.yaml", tmp_path / "state"
    journals.mkdir(mode=0o700)
    uploads = [i for i in raw if i.request.uri.endswith("/v1/files")]
    assert len(uploads) >= 4

    def work(items: list[Interaction]) -> None:
        scope = ScopeNormalizer(cassette, journal_folder=journals)
        _write(scope, cassette, items)
        scope.close()

    threads = [threading.Thread(target=work, args=(uploads[i::2],)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    items = load(cassette).interactions
    assert len(items) == len(uploads)
    ids = [str(i.response.body.string).split('"id": "', 1)[1].split('"', 1)[0] for i in items]
    assert all(is_placeholder(i) for i in ids) and len(set(ids)) == len(ids)
