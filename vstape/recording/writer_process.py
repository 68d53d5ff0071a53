"""vstape's writer process: a recorder's cassette work on another core, durable before each answer.

A recording proxy is CPU-bound on one event loop: building an interaction and dumping it
as YAML cost as much again as mitmproxy's own work per request. :class:`WriterProcess`
moves that work into a child process (``python -m vstape.recording.writer_process``), which
runs a :class:`~vstape.recording.sink.CassetteSink`; the proxy hands it each exchange and
holds the response back until the child says the interaction is durable (synced, or
written to the OS with ``--durability flush``). The guarantee is the one the in-process
writer gives: every interaction a client got a response for is on disk.

The pipes carry pickles, both ways, between a process and the child it started (never a
socket, never a file). Jobs go down one pipe; answers (``seq``, and the error when there
is one) and, at the end, the count per cassette come back up the other, read by the
proxy's own event loop (no thread: a second thread in a CPU-bound proxy costs more in GIL
hand-offs than the work it would take over). The child ignores SIGINT and SIGTERM
(the terminal sends them to the whole process group; the proxy decides when recording
ends) and lives as long as its input pipe: when the proxy closes it (or dies, ``kill
-9`` included) the child writes what it was given, releases its cassettes and exits.

If the child cannot be started (no Python to run it), the proxy uses the sink itself;
if it dies, every interaction waiting on it is reported as not recorded (and counted by
the recorder), and the next ones go to an in-process sink.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import BinaryIO

import vstape
from vstape.recording.sink import CassetteSink, Job, SinkConfig

__all__ = ["WriterDied", "WriterGone", "WriterProcess", "main"]

_PROTOCOL = pickle.HIGHEST_PROTOCOL
_ANSWER = struct.Struct("!QI")  # seq (0: the counts), length of the pickled payload
_COUNTS = 0


class WriterGone(RuntimeError):
    """The writer process is not there (it exited, or could not be started): the job was not sent."""


class WriterDied(RuntimeError):
    """The writer process exited with the job sent but not written: it is not recorded."""


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _portable(error: BaseException) -> BaseException:
    """``error`` if it survives a pickle round trip (OSError keeps its errno), else its text."""
    try:
        pickle.loads(pickle.dumps(error, protocol=_PROTOCOL))
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


class WriterProcess:
    """The proxy's handle on its writer process: :meth:`commit` jobs, :meth:`close` at the end."""

    def __init__(self, config: SinkConfig) -> None:
        if os.name != "posix" or getattr(sys, "frozen", False) or not sys.executable:
            raise WriterGone("no Python interpreter to run vstape's writer process")
        jobs_read, self._jobs = os.pipe()
        self._answers, answers_write = os.pipe()
        root = str(Path(vstape.__file__).resolve().parents[1])  # where vstape is importable
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-P", "-m", __name__, str(jobs_read), str(answers_write)],
                pass_fds=(jobs_read, answers_write),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                env=env,
            )
        except OSError as err:
            for fd in (self._jobs, self._answers):
                os.close(fd)
            raise WriterGone(f"vstape's writer process could not start: {err}") from err
        finally:
            os.close(jobs_read)
            os.close(answers_write)
        os.set_blocking(self._answers, False)
        self._buffer = bytearray()
        self._pending: dict[int, asyncio.Future[None]] = {}
        self._seq = 0
        self._gone: str | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.counts: dict[Path, int] = {}
        _write_all(self._jobs, pickle.dumps(config, protocol=_PROTOCOL))

    def commit(self, target: Path, job: Job) -> asyncio.Future[None]:
        """Queue ``job`` for ``target``: the future is done once it is durable, or fails.

        Call it on the running event loop, which reads the answers. Raises
        :class:`WriterGone` when the process is not there.
        """
        if self._gone is not None:
            raise WriterGone(self._gone)
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._detach()
            loop.add_reader(self._answers, self._readable)
            self._loop = loop
        self._seq += 1
        message = pickle.dumps((self._seq, str(target), job), protocol=_PROTOCOL)
        durable = loop.create_future()
        self._pending[self._seq] = durable
        try:
            _write_all(self._jobs, message)
        except OSError as err:
            del self._pending[self._seq]
            self._lost(f"vstape's writer process is gone ({err})")
            raise WriterGone(self._gone or "") from err
        return durable

    def _detach(self) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._loop.remove_reader(self._answers)
        self._loop = None

    def _readable(self) -> None:
        """The event loop's callback: settle what the child answered; at EOF, fail the rest."""
        while True:
            try:
                chunk = os.read(self._answers, 1 << 16)
            except BlockingIOError:
                break
            except OSError as err:
                self._lost(f"vstape's writer process cannot be read ({err})")
                return
            if not chunk:
                code = self.process.poll()
                self._lost(f"vstape's writer process exited (code {code})")
                return
            self._buffer += chunk
        self._settle()

    def _settle(self) -> None:
        buffer = self._buffer
        offset = 0
        while len(buffer) - offset >= _ANSWER.size:
            seq, length = _ANSWER.unpack_from(buffer, offset)
            end = offset + _ANSWER.size + length
            if len(buffer) < end:
                break
            payload = bytes(buffer[offset + _ANSWER.size : end])
            offset = end
            if seq == _COUNTS:
                self.counts = pickle.loads(payload)
                continue
            durable = self._pending.pop(seq, None)
            if durable is None or durable.done():
                continue
            if length:
                durable.set_exception(pickle.loads(payload))
            else:
                durable.set_result(None)
        del buffer[:offset]

    def _lost(self, why: str) -> None:
        """The child is gone: what still waits on it was not written."""
        if self._gone is None:
            self._gone = why
        self._detach()
        waiting, self._pending = self._pending, {}
        for durable in waiting.values():
            if not durable.done():
                durable.set_exception(WriterDied(f"{why} before the interaction was written"))

    def close(self, timeout: float = 60.0) -> dict[Path, int]:
        """Let the child write what is queued and exit; how many interactions each cassette got."""
        self._detach()
        with contextlib.suppress(OSError):
            os.close(self._jobs)
        deadline = time.monotonic() + timeout
        while self._gone is None:
            left = deadline - time.monotonic()
            if left <= 0:  # a child stuck in a sync: do not hang the proxy's exit
                self.process.kill()
                self._lost(f"vstape's writer process did not finish within {timeout:.0f} s")
                break
            select.select([self._answers], [], [], left)
            self._readable()
        self._gone = self._gone or "vstape's writer process is closed"
        with contextlib.suppress(OSError):
            os.close(self._answers)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(10)
        return self.counts


def _serve(jobs: BinaryIO, answers: int) -> None:
    """The child's loop: read the config, then jobs until EOF; answer each once."""
    config: SinkConfig = pickle.load(jobs)
    sink = CassetteSink(config)
    lock = threading.Lock()

    def send(seq: int, payload: bytes) -> None:
        with lock, contextlib.suppress(OSError):  # the proxy gone: the writing goes on
            _write_all(answers, _ANSWER.pack(seq, len(payload)) + payload)

    def answer(seq: int, error: BaseException | None) -> None:
        send(seq, b"" if error is None else pickle.dumps(_portable(error), protocol=_PROTOCOL))

    while True:
        try:
            seq, target, job = pickle.load(jobs)
        except Exception:  # EOF: the proxy closed the pipe, or died mid-message
            break
        try:
            sink.submit(Path(target), job, functools.partial(answer, seq))
        except Exception as err:  # a job that cannot be built is a loss, reported as such
            answer(seq, err)
    send(_COUNTS, pickle.dumps(sink.close(), protocol=_PROTOCOL))


def main(argv: list[str] | None = None) -> int:
    """Entry point of the child: ``python -m vstape.recording.writer_process JOBS_FD ANSWERS_FD``."""
    args = sys.argv[1:] if argv is None else argv
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)
    jobs_fd, answers_fd = (int(arg) for arg in args)
    with os.fdopen(jobs_fd, "rb") as jobs:
        _serve(jobs, answers_fd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
