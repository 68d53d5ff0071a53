"""vstape's writer process: a recorder's cassette work on another core, durable before each answer.

A recording proxy is CPU-bound on one event loop: building an interaction and dumping it
as YAML cost as much again as mitmproxy's own work per request. :class:`WriterProcess`
moves that work into a child process (:mod:`vstape.recording.writer_child`), which runs a
:class:`~vstape.recording.sink.CassetteSink`; the proxy hands it each exchange and holds
the response back until the child says the interaction is durable (synced, or written to
the OS with ``--durability flush``). The guarantee is the one the in-process writer
gives: every interaction a client got a response for is on disk.

Frames (:mod:`vstape.recording.writer_frames`) go down one pipe and answers come back up
the other, read by the proxy's own event loop (no thread: a second thread in a CPU-bound
proxy costs more in GIL hand-offs than the work it would take over). The child runs in a
session of its own, started with the same interpreter (``-P``: nothing from the current
folder; vstape's own folder appended to its path when it is not there already), and
says ``ready`` before the first job is sent - a child that cannot start is known then,
and the proxy records in its own process from the first flow. It lives as long as its
input pipe: when the proxy closes it (or dies, ``kill -9`` included) the child writes
what it was given, releases its cassettes and exits.

If the child dies, what it had answered is settled first; every interaction still
waiting on it fails with :class:`WriterDied` (the recorder counts it as not recorded), and
the next ones raise :class:`WriterGone` (the recorder then writes them in-process).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pickle
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import vstape
from vstape.recording.sink import Job, SinkConfig
from vstape.recording.writer_frames import CONTROL, HEADER, PROTOCOL, frame, write_all

__all__ = ["WriterDied", "WriterGone", "WriterProcess"]

_BOOT = (
    "import sys\n"
    "if sys.argv[3] not in sys.path: sys.path.append(sys.argv[3])\n"
    "from vstape.recording.writer_child import main\n"
    "sys.exit(main(sys.argv[1:3]))\n"
)
READY_TIMEOUT = 60.0


class WriterGone(RuntimeError):
    """The writer process is not there (it exited, or could not start): the job was not sent."""


class WriterDied(RuntimeError):
    """The writer process exited with the job sent but not written: it is not recorded."""


def _settle(durable: asyncio.Future[None], error: BaseException | None) -> None:
    """Resolve ``durable`` on its own loop (from this thread when that is where it runs)."""
    loop = durable.get_loop()
    if durable.done() or loop.is_closed():
        return
    try:
        here = asyncio.get_running_loop()
    except RuntimeError:
        here = None
    if loop.is_running() and loop is not here:
        loop.call_soon_threadsafe(_settle, durable, error)
    elif error is None:
        durable.set_result(None)
    else:
        durable.set_exception(error)


class WriterProcess:
    """The proxy's handle on its writer process: :meth:`commit` jobs, :meth:`close` at the end."""

    def __init__(self, config: SinkConfig, ready_timeout: float = READY_TIMEOUT) -> None:
        if os.name != "posix" or getattr(sys, "frozen", False) or not sys.executable:
            raise WriterGone("no Python interpreter to run vstape's writer process")
        self.config = config
        first = frame(CONTROL, pickle.dumps(config, protocol=PROTOCOL))
        root = str(Path(vstape.__file__).resolve().parents[1])  # where vstape is importable
        jobs_read, self._jobs = os.pipe()
        self._answers, answers_write = os.pipe()
        self._closed = False
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-P", "-c", _BOOT, str(jobs_read), str(answers_write), root],
                pass_fds=(jobs_read, answers_write),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as err:
            self._close_fds()
            raise WriterGone(f"vstape's writer process could not start: {err}") from err
        finally:
            os.close(jobs_read)
            os.close(answers_write)
        os.set_blocking(self._answers, False)
        self._buffer = bytearray()
        self._pending: dict[int, asyncio.Future[None]] = {}
        self._seq = 0
        self._gone: str | None = None
        self._ready = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self.counts: dict[Path, int] = {}
        try:
            write_all(self._jobs, first)
            self._wait(lambda: self._ready, ready_timeout)
        except OSError as err:
            self._lost(f"vstape's writer process could not be started ({err})")
        if not self._ready:
            why = self._gone or "vstape's writer process did not say it was ready"
            self._finish(kill=True)
            raise WriterGone(why)

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
        message = frame(self._seq, pickle.dumps((str(target), job), protocol=PROTOCOL))
        durable = loop.create_future()
        self._pending[self._seq] = durable
        try:
            write_all(self._jobs, message)
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
        """Settle what the child answered; at its end, fail what still waits."""
        while self._gone is None:
            try:
                chunk = os.read(self._answers, 1 << 16)
            except BlockingIOError:
                break
            except OSError as err:
                self._handle_answers()
                self._lost(f"vstape's writer process cannot be read ({err})")
                return
            if not chunk:
                self._handle_answers()  # what it answered before it went is settled first
                self._lost(f"vstape's writer process exited (code {self._exit_code()})")
                return
            self._buffer += chunk
        self._handle_answers()

    def _exit_code(self) -> int | None:
        """The child's exit code: it closed its answers, so it is exiting (give it a second)."""
        try:
            return self.process.wait(1)
        except subprocess.TimeoutExpired:
            return None

    def _handle_answers(self) -> None:
        buffer, offset = self._buffer, 0
        while len(buffer) - offset >= HEADER.size:
            seq, length = HEADER.unpack_from(buffer, offset)
            end = offset + HEADER.size + length
            if len(buffer) < end:
                break
            payload = bytes(buffer[offset + HEADER.size : end])
            offset = end
            if seq == CONTROL:
                self._control(payload)
                continue
            durable = self._pending.pop(seq, None)
            if durable is not None:
                _settle(durable, _error_of(payload) if length else None)
        del buffer[:offset]

    def _control(self, payload: bytes) -> None:
        message: Any = pickle.loads(payload)
        if message[0] == "ready":
            self._ready = True
        elif message[0] == "counts":
            self.counts = message[1]

    def _lost(self, why: str) -> None:
        """The child is gone: read what it still answered, then fail what waits on it."""
        if self._gone is None:
            self._gone = why
            with contextlib.suppress(OSError):
                while chunk := os.read(self._answers, 1 << 16):
                    self._buffer += chunk
            self._handle_answers()
        self._detach()
        waiting, self._pending = self._pending, {}
        for durable in waiting.values():
            _settle(durable, WriterDied(f"{why} before the interaction was written"))

    def _wait(self, until: Any, timeout: float) -> None:
        """Read answers (blocking, up to ``timeout``) until ``until()`` or the child's end."""
        deadline = time.monotonic() + timeout
        poller = select.poll()
        poller.register(self._answers, select.POLLIN)
        while not until() and self._gone is None:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            poller.poll(left * 1000)
            self._readable()

    def _close_fds(self) -> None:
        for fd in (self._jobs, self._answers):
            with contextlib.suppress(OSError):
                os.close(fd)

    def _finish(self, kill: bool) -> None:
        """Release the pipes and reap the child (killed first when it is of no more use)."""
        self._closed = True
        self._detach()
        self._close_fds()
        if kill:
            with contextlib.suppress(OSError):
                self.process.kill()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:  # it ended its answers but not itself: stop it
            self.process.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(5)

    def close(self, timeout: float = 60.0) -> dict[Path, int]:
        """Let the child write what is queued and exit; how many interactions each cassette got."""
        if self._closed:
            return self.counts
        self._detach()
        with contextlib.suppress(OSError):
            os.close(self._jobs)
        self._wait(lambda: False, timeout)  # until the child's end: its answers, its counts
        stuck = self._gone is None
        if stuck:  # a child stuck in a sync: do not hang the proxy's exit
            self._lost(f"vstape's writer process did not finish within {timeout:.0f} s")
        self._finish(kill=stuck)
        return self.counts


def _error_of(payload: bytes) -> BaseException:
    """The error the child answered (an unreadable answer is an error too)."""
    try:
        error = pickle.loads(payload)
    except Exception as err:
        return WriterDied(f"vstape's writer process gave an unreadable answer ({err})")
    return error if isinstance(error, BaseException) else WriterDied(repr(error))
