"""Cassette locks and temporary names: mutual exclusion, nothing left anywhere, any name length."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from tests.procs import ROOT
from tests.unit.cassettes.test_writer import _item
from vstape.cassettes import locks
from vstape.cassettes.io import load, write_atomic
from vstape.cassettes.locks import cassette_lock, hashed_name, lock_folder
from vstape.cassettes.writer import CassetteWriter

LONG = "c" * 250 + ".yaml"  # fits the 255-byte name limit; name + ".lock" would not


def _bump(counter: Path, times: int) -> None:
    for _ in range(times):
        with cassette_lock(counter):
            value = int(counter.read_text() or 0)
            time.sleep(0.0005)  # widen the window a missing lock would lose updates in
            counter.write_text(str(value + 1))


def test_threads_and_processes_exclude_each_other(tmp_path: Path) -> None:
    """Eight threads and two processes add 1 each time under the lock: no update is lost."""
    counter = tmp_path / "counter.yaml"
    counter.write_text("0")
    script = (
        "import sys; from pathlib import Path; from tests.unit.cassettes.test_locks import _bump; "
        "_bump(Path(sys.argv[1]), 30)"
    )
    root = ROOT
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(counter)], cwd=root) for _ in range(2)
    ]
    threads = [threading.Thread(target=_bump, args=(counter, 30)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [p.wait(60) for p in procs] == [0, 0]
    assert counter.read_text() == str(10 * 30)
    assert [p.name for p in tmp_path.iterdir()] == ["counter.yaml"]


def test_no_lock_file_outlives_its_holder(tmp_path: Path) -> None:
    """The lock file is in the private folder while held, and gone after; none beside the cassette."""
    cassette = tmp_path / LONG
    folder = lock_folder()
    assert folder is not None and (os.stat(folder).st_mode & 0o077) == 0
    lock_file = folder / (hashed_name(os.path.realpath(cassette), prefix="", length=32) + ".lock")
    with cassette_lock(cassette):
        assert lock_file.exists()
        assert list(tmp_path.iterdir()) == []
    assert not lock_file.exists()


def test_an_unsafe_lock_folder_falls_back_to_the_cassette_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lock folder others can write to is not used: the cassette's folder is locked instead."""
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    shared = tmp_path / "tmp" / f"vstape-locks-{os.getuid()}"
    shared.mkdir(parents=True)
    shared.chmod(0o777)
    assert lock_folder() is None
    cassettes = tmp_path / "cassettes"
    cassettes.mkdir()
    counter = cassettes / "counter.yaml"
    counter.write_text("0")
    threads = [threading.Thread(target=_bump, args=(counter, 20)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert counter.read_text() == "80"
    assert list(shared.iterdir()) == []
    assert [p.name for p in cassettes.iterdir()] == ["counter.yaml"]
    assert locks._lock_file(counter) is None


def test_long_cassette_names_are_written_whole(tmp_path: Path) -> None:
    """A 255-byte cassette name: the atomic write and the journal's appends both work."""
    target = tmp_path / LONG
    write_atomic(target, b"interactions: []\nversion: 1\n")
    journal = tmp_path / ("j" * 250 + ".yaml")
    writer = CassetteWriter(journal)
    writer.append(_item(0))
    writer.append(_item(1))
    writer.close()
    assert len(load(journal).interactions) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([LONG, journal.name])
    assert len(hashed_name(LONG)) == len(hashed_name("c.yaml")) == len(".vstape-") + 16


def test_regenerate_stages_under_a_fixed_length_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`vstape cassettes regenerate` stages next to a long-named folder under a short hashed name."""
    from vstape.cli import cassettes as command

    staged: list[Path] = []

    def fake_regenerate(out: Path) -> list[Path]:
        staged.append(out)
        return []

    monkeypatch.setattr(command, "regenerate", fake_regenerate)
    folder = tmp_path / ("f" * 250)
    assert command.regenerate_in_place(folder) == []
    (staging,) = staged
    assert staging.parent == folder.parent and staging.name.startswith(".vstape-regenerate-")
    assert len(staging.name) < 48
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder.name]  # staging removed
