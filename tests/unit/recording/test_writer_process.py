"""vstape's writer process, really started: durable before each answer, errors with their cause, death.

The child is the real ``python -m vstape.recording.writer_process``; the tests drive it as
the recorder does (from an event loop), then look at the cassettes on disk.
"""

from __future__ import annotations

import asyncio
import errno
import os
import signal
from pathlib import Path

import pytest

from tests import factories
from tests.procs import exited
from vstape.cassettes.io import load
from vstape.cassettes.writer import CassetteWriteError
from vstape.http import Request, Response
from vstape.recording import writer_process
from vstape.recording.interaction import Exchange
from vstape.recording.sink import Job, SinkConfig
from vstape.recording.writer_process import WriterDied, WriterGone, WriterProcess


def _job(n: int) -> Job:
    body = factories.body(factories.vector_store(name=f"store {n}"))
    return Job(
        Exchange(
            Request(
                "POST",
                "https://api.openai.com/v1/vector_stores",
                [
                    ("authorization", "Bearer sk-unit-secret-0123456789"),
                    ("content-type", "application/json"),
                ],
                b'{"name": "store %d"}' % n,
            ),
            Response(
                200, [("content-type", "application/json"), ("x-request-id", f"req_{n}")], body
            ),
            duration_ms=1.5,
        )
    )


def _ids(path: Path) -> list[str]:
    return [i.response.headers["x-request-id"][0] for i in load(path).interactions]


def test_each_interaction_is_on_disk_when_its_future_completes(tmp_path: Path) -> None:
    """One at a time, each future resolves only once its item loads; then 60 at once, two cassettes."""
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    writer = WriterProcess(SinkConfig(keep_ids=True))

    async def run() -> None:
        for n in range(6):
            await writer.commit(first, _job(n))
            assert _ids(first)[-1] == f"req_{n}"  # durable before the answer: the promise
        await asyncio.gather(
            *(writer.commit(first if n % 2 else second, _job(n)) for n in range(6, 66))
        )

    asyncio.run(run())
    counts = writer.close()
    assert counts == {first: 36, second: 30}
    assert sorted(_ids(first) + _ids(second)) == sorted(f"req_{n}" for n in range(66))
    assert "sk-unit-secret" not in first.read_text() + second.read_text()
    assert writer.process.returncode == 0


def test_stable_cassettes_get_placeholders_in_the_child(tmp_path: Path) -> None:
    """Without keep_ids the child numbers the request ids of its scope, as the in-process writer does."""
    cassette = tmp_path / "c.yaml"
    writer = WriterProcess(SinkConfig(scope=cassette))

    async def run() -> None:
        for n in range(3):
            await writer.commit(cassette, _job(n))

    asyncio.run(run())
    writer.close()
    ids = _ids(cassette)
    assert len(ids) == 3 and not {"req_0", "req_1", "req_2"} & set(ids)


def test_a_failed_write_comes_back_with_its_type_errno_and_fix(tmp_path: Path) -> None:
    """A folder where the cassette goes: the caller gets CassetteWriteError(EISDIR) from the child."""
    (tmp_path / "c.yaml").mkdir()
    writer = WriterProcess(SinkConfig(keep_ids=True))

    async def run() -> BaseException:
        with pytest.raises(CassetteWriteError) as caught:
            await writer.commit(tmp_path / "c.yaml", _job(0))
        return caught.value

    error = asyncio.run(run())
    assert isinstance(error, OSError) and error.errno == errno.EISDIR
    assert "is a folder: move it away" in str(error)
    assert writer.close() == {tmp_path / "c.yaml": 0}


def test_a_child_that_dies_fails_what_waits_and_refuses_what_comes(tmp_path: Path) -> None:
    """Stopped, then killed with a job inside: that job is WriterDied; the next commit WriterGone."""
    cassette = tmp_path / "c.yaml"
    writer = WriterProcess(SinkConfig(keep_ids=True))

    async def run() -> None:
        await writer.commit(cassette, _job(0))
        os.kill(writer.process.pid, signal.SIGSTOP)
        waiting = writer.commit(cassette, _job(1))
        os.kill(writer.process.pid, signal.SIGKILL)
        with pytest.raises(WriterDied, match="before the interaction was written"):
            await asyncio.wait_for(waiting, 30)
        with pytest.raises(WriterGone):
            writer.commit(cassette, _job(2))

    asyncio.run(run())
    writer.close()
    assert _ids(cassette) == ["req_0"]


def test_the_child_ignores_sigint_and_exits_when_its_proxy_is_gone(tmp_path: Path) -> None:
    """Ctrl-C reaches the whole process group: the child keeps writing; a closed pipe ends it."""
    cassette = tmp_path / "c.yaml"
    writer = WriterProcess(SinkConfig(keep_ids=True))

    async def run() -> None:
        await writer.commit(cassette, _job(0))
        os.kill(writer.process.pid, signal.SIGINT)
        os.kill(writer.process.pid, signal.SIGTERM)
        await writer.commit(cassette, _job(1))

    asyncio.run(run())
    assert writer.process.poll() is None
    os.close(writer._jobs)  # what the kernel does when the proxy is killed with -9
    assert exited(writer.process.pid)
    assert _ids(cassette) == ["req_0", "req_1"]


def test_no_python_to_start_is_refused_before_any_job(monkeypatch: pytest.MonkeyPatch) -> None:
    """A frozen proxy (no interpreter): WriterGone at once, so the recorder writes in-process."""
    monkeypatch.setattr("sys.executable", "")
    with pytest.raises(WriterGone, match="no Python interpreter"):
        WriterProcess(SinkConfig())


def test_a_child_that_cannot_start_is_refused_before_any_job(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A child that exits before saying ready (a broken environment): WriterGone at once, no loss."""
    monkeypatch.setattr(writer_process, "_BOOT", "import sys\nsys.exit(3)\n")
    with pytest.raises(WriterGone, match=r"exited \(code 3\)"):
        WriterProcess(SinkConfig())


def test_a_job_the_child_cannot_read_is_answered_and_the_next_one_recorded(tmp_path: Path) -> None:
    """A frame whose pickle is broken costs that job (its error comes back), not the stream."""
    from vstape.recording.writer_frames import frame, write_all

    cassette = tmp_path / "c.yaml"
    writer = WriterProcess(SinkConfig(keep_ids=True))

    async def run() -> None:
        loop = asyncio.get_running_loop()
        loop.add_reader(writer._answers, writer._readable)
        writer._loop = loop
        writer._seq += 1
        broken = loop.create_future()
        writer._pending[writer._seq] = broken
        write_all(writer._jobs, frame(writer._seq, b"not a pickle"))
        with pytest.raises(Exception, match=r"pickle|load"):
            await asyncio.wait_for(broken, 30)
        await writer.commit(cassette, _job(7))

    asyncio.run(run())
    assert writer.close() == {cassette: 1}
    assert _ids(cassette) == ["req_7"]


def test_close_twice_is_harmless(tmp_path: Path) -> None:
    """A second close returns the same counts and touches no file descriptor it no longer owns."""
    writer = WriterProcess(SinkConfig(keep_ids=True))

    async def run() -> None:
        await writer.commit(tmp_path / "c.yaml", _job(1))

    asyncio.run(run())
    assert writer.close() == writer.close() == {tmp_path / "c.yaml": 1}
