"""Disk faults while recording: full disk, read-only filesystem, a folder where the file goes.

The recording proxy runs for real (``vstape record`` in front of the emulator, the
official SDK as client) on a real 64 KiB tmpfs that fills up or is remounted read-only.
What must hold: the client still gets every response; the user gets a message naming
the file, the OS error and the fix; the cassette never holds half an item and keeps
everything recorded before the fault; recording resumes by itself once the fault is
gone; and every interaction lost meanwhile is counted (summary line, JSON and JUnit
reports) and fails the run (exit 1). What is known before the proxy starts (a read-only
filesystem, a folder in the way) is refused then: exit 2, nothing listens. In-process tests drive :class:`vstape.cassettes.writer.CassetteWriter` into the same faults
(the real tmpfs, and an ``os.write`` that fails half-way, which needs no mount).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from openai import OpenAI
from vcr.persisters.filesystem import FilesystemPersister
from vcr.serializers import yamlserializer

from tests.procs import VSTAPE, vstape_server
from vstape.cassettes.io import load
from vstape.cassettes.model import Interaction, Request, Response, ResponseBody, Status
from vstape.cassettes.writer import CassetteWriteError, CassetteWriter

SIZE = "64k"


def _mount(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *args], capture_output=True, text=True, timeout=30)


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Path]:
    """A real 64 KiB tmpfs of this test's own (skipped where mounting is not allowed)."""
    where = tmp_path / "fs"
    where.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no `mount` command: install util-linux to run the real-filesystem tests")
    done = _mount("-t", "tmpfs", "-o", f"size={SIZE},mode=0755", "tmpfs", str(where))
    if done.returncode != 0:
        pytest.skip(
            f"cannot mount a {SIZE} tmpfs at {where}: {done.stderr.strip()} (needs root with "
            "CAP_SYS_ADMIN); test_a_write_failing_half_way_leaves_no_half_item covers the "
            "same contract without a mount"
        )
    try:
        yield where
    finally:
        _mount("-o", "remount,rw", str(where))
        if subprocess.run(["umount", str(where)], capture_output=True, timeout=30).returncode:
            subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=30)


def _fill(fs: Path) -> Path:
    """Take every free block of ``fs``; returns the filler file (delete it to free them)."""
    filler = fs / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for _ in range(1 << 12):  # 2 MiB at most: a bounded loop even on a big filesystem
            os.write(fd, b"\0" * 512)
        raise AssertionError(f"{fs} did not fill up: is it really a {SIZE} tmpfs?")
    except OSError as err:
        assert err.errno == errno.ENOSPC, err
    finally:
        os.close(fd)
    return filler


def _item(n: int, size: int = 1500) -> Interaction:
    body = json.dumps({"id": f"vs_{n}", "pad": "x" * size}, indent=2)
    return Interaction(
        Request("GET", f"https://api.openai.com/v1/vector_stores/vs_{n}", None, {}),
        Response(Status(200, "OK"), {"x-request-id": [f"req_{n}"]}, ResponseBody(body)),
    )


def _ids(path: Path) -> list[str]:
    return [i.response.headers["x-request-id"][0] for i in load(path).interactions]


# -- in process: the writer itself ------------------------------------------------------


@pytest.mark.timeout(60)
@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_writer_on_a_full_disk_keeps_every_whole_item_and_resumes(
    small_fs: Path, suffix: str
) -> None:
    """Appending until the tmpfs is full: the failed append changes nothing; freeing space resumes."""
    ballast = small_fs / "ballast"
    ballast.write_bytes(b"\0" * 16384)
    path = small_fs / f"c{suffix}"
    writer = CassetteWriter(path)
    before = b""
    with pytest.raises(CassetteWriteError) as raised:
        for n in range(100):
            before = path.read_bytes() if path.exists() else b""
            writer.append(_item(n))
    ok = writer.count
    assert 3 <= ok < 100
    assert path.read_bytes() == before  # byte for byte: no half item, nothing lost
    assert _ids(path) == [f"req_{n}" for n in range(ok)]
    assert raised.value.errno == errno.ENOSPC
    message = str(raised.value)
    assert "No space left on device" in message and str(path) in message
    assert f"free space on the disk holding {small_fs}" in message
    assert "keeps every interaction recorded before" in message
    assert not [p.name for p in small_fs.iterdir() if p.name.endswith(".tmp")]
    ballast.unlink()
    writer.append(_item(1000))
    assert _ids(path) == [*(f"req_{n}" for n in range(ok)), "req_1000"]


@pytest.mark.timeout(60)
def test_writer_on_a_read_only_filesystem_says_so_and_resumes(small_fs: Path) -> None:
    """A read-only remount fails the append with EROFS and a fix; read-write again resumes."""
    path = small_fs / "c.yaml"
    writer = CassetteWriter(path)
    writer.append_many([_item(0, 10), _item(1, 10)])
    before = path.read_bytes()
    assert _mount("-o", "remount,ro", str(small_fs)).returncode == 0
    with pytest.raises(CassetteWriteError) as raised:
        writer.append(_item(2, 10))
    assert raised.value.errno == errno.EROFS
    assert "Read-only file system" in str(raised.value)
    assert f"{small_fs} is on a read-only filesystem: remount it read-write" in str(raised.value)
    assert path.read_bytes() == before
    assert _mount("-o", "remount,rw", str(small_fs)).returncode == 0
    writer.append(_item(3, 10))
    assert _ids(path) == ["req_0", "req_1", "req_3"]


def _failing_on(path: Path, real: Callable[[int, bytes], int], budget: int) -> Callable[..., int]:
    """An ``os.write`` that, for ``path`` only, writes ``budget`` bytes and then hits ENOSPC."""
    left = [budget]

    def write(fd: int, data: bytes) -> int:
        if os.readlink(f"/proc/self/fd/{fd}") != str(path):
            return real(fd, data)
        if left[0] <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        done = real(fd, bytes(data)[: left[0]])
        left[0] -= done
        return done

    return write


@pytest.mark.timeout(60)
def test_a_write_failing_half_way_leaves_no_half_item(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A short write then ENOSPC (what a full disk does) is truncated back to the last whole item."""
    path = tmp_path / "c.yaml"
    writer = CassetteWriter(path)
    writer.append_many([_item(0), _item(1)])
    before = path.read_bytes()
    monkeypatch.setattr(os, "write", _failing_on(path, os.write, budget=700))
    with pytest.raises(CassetteWriteError, match=r"^\[Errno 28\] No space left on device: "):
        writer.append_many([_item(2), _item(3)])  # 700 of ~3,100 bytes got written first
    assert path.read_bytes() == before
    assert _ids(path) == ["req_0", "req_1"]
    requests, _ = FilesystemPersister.load_cassette(str(path), yamlserializer)
    assert len(requests) == 2  # stock vcrpy reads it too
    monkeypatch.undo()
    writer.append(_item(4))
    assert _ids(path) == ["req_0", "req_1", "req_4"]


@pytest.mark.timeout(60)
def test_a_failed_fsync_is_a_failed_append(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When fsync fails (EIO) the item may not be durable: it is taken back, and the caller told."""
    path = tmp_path / "c.yaml"
    writer = CassetteWriter(path)
    writer.append(_item(0))
    before = path.read_bytes()
    real = os.fsync

    def fsync(fd: int) -> None:
        if os.readlink(f"/proc/self/fd/{fd}") == str(path):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "fdatasync", fsync)  # the writer syncs with fdatasync where it can
    with pytest.raises(CassetteWriteError, match=r"Input/output error: .*c\.yaml is unchanged"):
        writer.append(_item(1))
    assert path.read_bytes() == before
    monkeypatch.undo()
    writer.append(_item(2))
    assert _ids(path) == ["req_0", "req_2"]


# -- the recording proxy, for real --------------------------------------------------------


def _names(path: Path) -> list[str]:
    """The ``name`` of each store created, in recorded order."""
    items = load(path).interactions
    return [json.loads(str(i.request.body))["name"] for i in items if i.request.method == "POST"]


FAULTS = {
    "disk-full": "No space left on device",
    "read-only": "Read-only file system",
}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("fault", list(FAULTS))
def test_recording_proxy_keeps_serving_through_a_disk_fault_and_resumes(
    small_fs: Path, fault: str
) -> None:
    """The SDK gets every response during the fault; the log says what and how to fix; nothing is lost."""
    cassette = small_fs / "c.yaml"
    report = small_fs.parent / "report.json"
    junit = small_fs.parent / "report.xml"
    with vstape_server(
        "record",
        "--listen",
        "127.0.0.1:0",
        "--cassette",
        str(cassette),
        "--seed",
        "3",
        "--quiet",
        "--report-json",
        str(report),
        "--junit",
        str(junit),
    ) as (proc, url):
        with OpenAI(api_key="sk-test", base_url=url, max_retries=0) as client:
            before = [client.vector_stores.create(name=f"before-{n}").id for n in range(3)]
            recorded = cassette.read_bytes()
            if fault == "disk-full":
                filler = _fill(small_fs)
            else:
                assert _mount("-o", "remount,ro", str(small_fs)).returncode == 0
            during = [client.vector_stores.create(name=f"during-{n}") for n in range(3)]
            assert cassette.read_bytes() == recorded  # untouched while the fault lasts
            if fault == "disk-full":
                filler.unlink()
            else:
                assert _mount("-o", "remount,rw", str(small_fs)).returncode == 0
            after = [client.vector_stores.create(name=f"after-{n}").id for n in range(2)]
            assert client.vector_stores.retrieve(during[0].id).name == "during-0"
        assert proc.poll() is None, "the proxy died"
        proc.send_signal(signal.SIGTERM)
        log, _ = proc.communicate(timeout=30)
    assert proc.returncode == 1, log  # served everything, but lost 3: the run fails
    summary = "9 exchanges, 6 recorded, 3 NOT recorded (3 x " + FAULTS[fault] + ")"
    assert f"vstape: ERROR {summary}: the run fails (exit 1)" in log
    assert f"; recording: {summary}" in log  # the report's table says it too
    tally = json.loads(report.read_bytes())["recording"]
    assert (tally["exchanges"], tally["recorded"], tally["not_recorded"]) == (9, 6, 3)
    assert tally["reasons"] == {FAULTS[fault]: 3}
    assert [line.split(" -> ")[0] for line in tally["losses"]] == ["POST /v1/vector_stores"] * 3
    failure = ET.fromstring(junit.read_bytes()).find("testcase[@name='recording']/failure")
    assert failure is not None and failure.get("message") == summary
    assert len(set(before + [d.id for d in during] + after)) == 8
    assert [d.name for d in during] == ["during-0", "during-1", "during-2"]
    errors = [line for line in log.splitlines() if "ERROR could not record" in line]
    assert len(errors) == 3, log
    assert errors[0].startswith(f"vstape: ERROR could not record into {cassette}: ")
    assert FAULTS[fault] in errors[0]
    fix = (
        f"free space on the disk holding {small_fs}"
        if fault == "disk-full"
        else f"{small_fs} is on a read-only filesystem: remount it read-write"
    )
    assert fix in errors[0] and "Recording resumes by itself" in errors[0]
    assert _names(cassette) == [
        "before-0",
        "before-1",
        "before-2",
        "after-0",
        "after-1",
    ]
    assert load(cassette).interactions[-1].request.method == "GET"  # the retrieve, last
    requests, _ = FilesystemPersister.load_cassette(str(cassette), yamlserializer)
    assert len(requests) == 6


@pytest.mark.timeout(120)
def test_a_folder_in_the_way_fails_one_route_only_and_needs_no_mount(tmp_path: Path) -> None:
    """A folder put where a route's cassette goes: that route is reported, the others record; rmdir resumes."""
    out = tmp_path / "cassettes"
    blocker = out / "get_vector_store.yaml"
    out.mkdir()
    with vstape_server(
        "record", "--listen", "127.0.0.1:0", "--cassette-dir", str(out), "--seed", "3", "--quiet"
    ) as (proc, url):
        blocker.mkdir()  # after start-up: before, it is refused (see test_record_refusals.py)
        with OpenAI(api_key="sk-test", base_url=url, max_retries=0) as client:
            store = client.vector_stores.create(name="kept")
            assert client.vector_stores.retrieve(store.id).name == "kept"  # served, not recorded
            blocker.rmdir()
            assert client.vector_stores.retrieve(store.id).id == store.id  # recorded
        proc.send_signal(signal.SIGTERM)
        log, _ = proc.communicate(timeout=30)
    errors = [line for line in log.splitlines() if "ERROR could not record" in line]
    assert len(errors) == 1, log
    assert f"{blocker} is a folder: move it away or record elsewhere" in errors[0]
    assert proc.returncode == 1
    assert "3 exchanges, 2 recorded, 1 NOT recorded (1 x Is a directory)" in log
    assert _names(out / "create_vector_store.yaml") == ["kept"]
    assert len(load(blocker).interactions) == 1


@pytest.mark.timeout(120)
@pytest.mark.parametrize("flag", ["--cassette", "--cassette-dir"])
def test_a_read_only_filesystem_is_refused_before_listening(small_fs: Path, flag: str) -> None:
    """Known at start-up, so refused then: exit 2, the flag, the folder, the reason, the fix."""
    target = small_fs / ("c.yaml" if flag == "--cassette" else "recorded")
    assert _mount("-o", "remount,ro", str(small_fs)).returncode == 0
    done = subprocess.run(
        [*VSTAPE, "record", "--listen", "127.0.0.1:0", flag, str(target)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "proxy at http" not in done.stdout
    assert done.stderr.strip() == (
        f"vstape record: {flag} {str(target)!r}: cannot create files in {small_fs}: Read-only "
        f"file system (it is on a read-only filesystem: remount it read-write), or pick "
        f"another {flag}"
    )


@pytest.mark.timeout(120)
def test_a_full_disk_is_refused_before_listening(small_fs: Path) -> None:
    """A disk with no free block at start-up: exit 2 and the fix, before any client is served."""
    _fill(small_fs)
    done = subprocess.run(
        [*VSTAPE, "record", "--listen", "127.0.0.1:0", "--cassette", str(small_fs / "c.yaml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "proxy at http" not in done.stdout
    assert done.stderr.strip() == (
        f"vstape record: --cassette {str(small_fs / 'c.yaml')!r}: the disk holding {small_fs} "
        "is full: free some space, or pick another --cassette"
    )
