"""One committer thread for many cassettes, kept lock files, and the two durability modes."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from tests.unit.cassettes.test_writer import _item
from vstape.cassettes.io import load
from vstape.cassettes.locks import CassetteLock, cassette_lock, hashed_name, lock_folder
from vstape.cassettes.writer import CassetteWriter, Committer, GroupCommitter


def _ids(path: Path) -> list[str]:
    return [i.response.headers["x-request-id"][0] for i in load(path).interactions]


def test_one_committer_writes_many_cassettes_each_item_once_durable_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Threads submit to 3 cassettes through one committer: each item once, on disk before `done`."""
    synced: list[str] = []
    real = os.fdatasync

    def counting(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    paths = [tmp_path / f"c{k}.yaml" for k in range(3)]
    for k, path in enumerate(paths):  # existing cassettes: every batch is an append
        CassetteWriter(path).append(_item(1000 + k))
    monkeypatch.setattr(os, "fdatasync", counting)
    committer = Committer()
    handles = [GroupCommitter(CassetteWriter(p, keep_lock=True), committer) for p in paths]
    told: list[bool] = []
    lock = threading.Lock()

    def work(t: int) -> None:
        for n in range(15):
            rid = f"req_{t * 100 + n}"
            target = paths[(t + n) % 3]

            def done(error: BaseException | None, rid: str = rid, target: Path = target) -> None:
                with lock:
                    told.append(error is None and rid in target.read_text())

            handles[(t + n) % 3].submit(_item(t * 100 + n), done)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    committer.close()
    for handle in handles:
        handle.close()
    expected = {f"req_{t * 100 + n}" for t in range(6) for n in range(15)}
    found = [rid for p in paths for rid in _ids(p)[1:]]
    assert sorted(found) == sorted(expected)  # each once, none lost
    for k, path in enumerate(paths):
        assert set(_ids(path)[1:]) == {
            f"req_{t * 100 + n}" for t in range(6) for n in range(15) if (t + n) % 3 == k
        }
    assert len(told) == len(expected) and all(told)
    assert synced and set(synced) <= {str(p) for p in paths}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c0.yaml", "c1.yaml", "c2.yaml"]
    with pytest.raises(RuntimeError, match="closed"):
        handles[0].submit(_item(0), lambda error: None)


def test_flush_mode_writes_whole_items_without_syncing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`sync=False`: appends reach the file (loadable, in order) and no fdatasync/fsync is made."""
    path = tmp_path / "c.yaml"
    writer = CassetteWriter(path, sync=False)
    writer.append(_item(0))  # a new file is written atomically (synced) whatever the mode
    calls: list[int] = []
    monkeypatch.setattr(os, "fdatasync", lambda fd: calls.append(fd))
    monkeypatch.setattr(os, "fsync", lambda fd: calls.append(fd))
    for n in range(1, 4):
        writer.append(_item(n))
    assert calls == []
    assert _ids(path) == [f"req_{n}" for n in range(4)]
    synced = CassetteWriter(path)
    synced.append(_item(9))
    assert len(calls) == 1  # the default mode syncs each append


def test_a_kept_lock_excludes_one_shot_locks_and_is_removed_on_close(tmp_path: Path) -> None:
    """CassetteLock and cassette_lock exclude each other; the kept lock file goes at close."""
    cassette = tmp_path / "c.yaml"
    counter = tmp_path / "n.txt"
    counter.write_text("0")
    kept = CassetteLock(cassette)
    folder = lock_folder()
    assert folder is not None
    lock_file = folder / (hashed_name(os.path.realpath(cassette), prefix="", length=32) + ".lock")

    def bump(use_kept: bool) -> None:
        own = CassetteLock(cassette)  # one holder per instance: each writer has its own
        for _ in range(40):
            with own.held() if use_kept else cassette_lock(cassette):
                value = int(counter.read_text())
                counter.write_text(str(value + 1))
        own.close()  # removes the lock file: the others find it gone and take the new one

    threads = [threading.Thread(target=bump, args=(k % 2 == 0,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert counter.read_text() == "160"
    with kept.held():
        assert lock_file.exists()
    kept.close()
    assert not lock_file.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n.txt"]


def test_a_writer_that_keeps_its_lock_removes_it_on_close(tmp_path: Path) -> None:
    """The recorder's writers (keep_lock=True) leave no lock file behind once closed."""
    path = tmp_path / "c.yaml"
    writer = CassetteWriter(path, keep_lock=True)
    writer.append_many([_item(0), _item(1)])
    folder = lock_folder()
    assert folder is not None
    lock_file = folder / (hashed_name(os.path.realpath(path), prefix="", length=32) + ".lock")
    assert lock_file.exists()
    writer.close()
    assert not lock_file.exists()
    assert _ids(path) == ["req_0", "req_1"] and writer.count == 2


def test_a_writer_subclass_with_its_own_append_many_is_always_called(tmp_path: Path) -> None:
    """A writer that transforms in append_many (placeholders, say) gets it from the committer."""
    from collections.abc import Sequence

    from vstape.cassettes.model import Interaction

    class Tagging(CassetteWriter):
        def append_many(self, interactions: Sequence[Interaction]) -> None:
            super().append_many(
                [_item(5000 + len(self.seen) + k) for k in range(len(interactions))]
            )
            self.seen.extend(interactions)

    path = tmp_path / "c.yaml"
    writer = Tagging(path, keep_lock=True, sync=False)
    writer.seen = []
    writer.append(_item(0))
    committer = Committer()
    done = threading.Event()
    errors: list[BaseException | None] = []

    def told(error: BaseException | None) -> None:
        errors.append(error)
        done.set()

    GroupCommitter(writer, committer).submit(_item(2), told)
    assert done.wait(10)
    committer.close()
    writer.close()
    assert errors == [None]
    assert _ids(path) == ["req_5000", "req_5001"]
