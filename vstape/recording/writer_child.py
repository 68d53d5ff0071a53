"""The writer process itself: read jobs, record them with a CassetteSink, answer each once.

Started by :class:`vstape.recording.writer_process.WriterProcess` in a session of its own
(a terminal's Ctrl-C and hang-up never reach it; it ignores SIGINT and SIGTERM besides),
it reads its config, says ``ready``, then records every job until its input pipe ends -
the proxy closed it, or died (``kill -9`` included) - and then writes what it was given,
releases its cassettes, sends the count per cassette and exits.

Two threads read and write the pipes, so that neither ever waits for the other: the main
thread reads jobs and builds interactions (a job that cannot be read is answered with its
error, the next one read as usual), and one sender thread writes every answer, as many as
are queued in one write. The sink's own writer thread writes and syncs the cassettes.
"""

from __future__ import annotations

import contextlib
import functools
import os
import pickle
import queue
import signal
import threading
from pathlib import Path
from typing import BinaryIO

from vstape.recording.sink import CassetteSink, SinkConfig
from vstape.recording.writer_frames import CONTROL, PROTOCOL, frame, portable, read_frame, write_all

__all__ = ["main"]


def _send_queued(answers: int, outbox: queue.SimpleQueue[bytes | None]) -> None:
    """The sender thread: write what is queued (all of it at once) until the end marker."""
    writable = True
    while True:
        first = outbox.get()
        chunks, finished = ([] if first is None else [first]), first is None
        while not finished:
            try:
                more = outbox.get_nowait()
            except queue.Empty:
                break
            if more is None:
                finished = True
            else:
                chunks.append(more)
        if chunks and writable:
            try:
                write_all(answers, b"".join(chunks))
            except OSError:  # the proxy is gone: nobody waits for answers, the writing goes on
                writable = False
        if finished:
            return


def _answer(outbox: queue.SimpleQueue[bytes | None], seq: int, error: BaseException | None) -> None:
    payload = b"" if error is None else pickle.dumps(portable(error), protocol=PROTOCOL)
    outbox.put(frame(seq, payload))


def serve(jobs: BinaryIO, answers: int) -> None:
    """Read the config, then jobs until the pipe ends; answer each job once."""
    first = read_frame(jobs)
    if first is None:
        return
    config: SinkConfig = pickle.loads(first[1])
    sink = CassetteSink(config)
    outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
    sender = threading.Thread(target=_send_queued, args=(answers, outbox), name="vstape-answers")
    sender.start()
    outbox.put(frame(CONTROL, pickle.dumps(("ready",), protocol=PROTOCOL)))
    while (message := read_frame(jobs)) is not None:
        seq, payload = message
        try:
            target, job = pickle.loads(payload)
            sink.submit(Path(target), job, functools.partial(_answer, outbox, seq))
        except Exception as err:  # a job that cannot be read or built is a loss, said so
            _answer(outbox, seq, err)
    counts = sink.close()
    outbox.put(frame(CONTROL, pickle.dumps(("counts", counts), protocol=PROTOCOL)))
    outbox.put(None)
    sender.join()


def main(args: list[str]) -> int:
    """``JOBS_FD ANSWERS_FD``: the pipes the proxy passed."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)
    jobs_fd, answers_fd = (int(arg) for arg in args)
    with os.fdopen(jobs_fd, "rb") as jobs:
        serve(jobs, answers_fd)
    with contextlib.suppress(OSError):
        os.close(answers_fd)
    return 0
