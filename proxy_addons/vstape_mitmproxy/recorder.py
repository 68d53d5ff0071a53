"""mitmproxy addon: record /v1/vector_stores and /v1/files traffic into vcrpy cassettes.

Usage:
    mitmdump --listen-host 127.0.0.1 -s proxy_addons/vstape_mitmproxy/addons.py \
        --set vstape_cassette_dir=cassettes/recorded

Reads the validator's verdict from ``flow.metadata["vstape"]`` (see
:mod:`vstape_mitmproxy._flow`). Each interaction is durably in its cassette before the
response goes back to the client. What the client receives is never changed.

Nothing is lost silently. What can be known at start-up is refused then (an
``OptionsError``, so the proxy never listens): a cassette path that cannot be created or
written, a folder where a file goes or a file where a folder goes, an existing file that
is not a loadable cassette, a report path that cannot be written. An interaction that
cannot be written later (disk full, read-only remount, a folder put in the way) is
counted: the log says why at once, the shutdown summary says ``N exchanges, M recorded,
K NOT recorded (reasons)``, the JSON / JUnit reports carry it, and :meth:`Recorder.exit_status`
makes ``vstape record`` exit 1.

The cassette work (building each interaction, dumping it, writing and syncing) runs in
vstape's writer process (:mod:`vstape.recording.writer_process`), on another core than
mitmproxy's event loop; where no process can be started, in this one.

Cassettes are stable (:mod:`vstape.recording.stable_writer`): server-assigned ids become
placeholders and times move onto one epoch as each interaction is written, one numbering
per ``vstape_cassette`` file or per ``vstape_cassette_dir`` folder, continuing what the
cassettes already hold; ``vstape_keep_ids`` writes the real values.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
from pathlib import Path
from typing import Any

from mitmproxy import ctx, exceptions, http

from vstape.recording.sink import CassetteSink, Job, SinkConfig
from vstape.recording.writer_process import WriterGone, WriterProcess
from vstape.reports.run import RecordingTally
from vstape_mitmproxy import options as opts
from vstape_mitmproxy._flow import VERDICT, exchange_of, fault_of

logger = logging.getLogger("vstape")

PROBED = frozenset(
    {
        "vstape_cassette",
        "vstape_cassette_dir",
        "vstape_split",
        "vstape_format",
        "vstape_report_json",
        "vstape_junit",
    }
)
"""Options naming where the run writes: checked as soon as they are set."""


def _reason(err: BaseException) -> str:
    """A short reason, the same for every loss of one cause (the summary groups by it)."""
    if isinstance(err, OSError) and err.errno:
        return os.strerror(err.errno)
    return type(err).__name__


class Recorder:
    """Writes one interaction per flow the validator saw; counts every one it could not write."""

    def __init__(self) -> None:
        self.settings = opts.Settings()
        self.sink: WriterProcess | CassetteSink | None = None  # started with the first flow
        self._in_process = False  # no writer process (none could start, or one died)
        self._written: dict[Path, int] = {}  # by the sinks closed so far
        self.tally = RecordingTally()

    @property
    def failures(self) -> int:
        """Interactions that could not be written."""
        return self.tally.not_recorded

    def configure(self, updated: set[str]) -> None:
        """Parse the options (declared by the validator addon); refuse unwritable targets."""
        if any(name.startswith("vstape_") for name in updated):
            self.settings = opts.parse(ctx.options)
            if self.sink is not None and self.sink.config != self._config():
                self._retire()  # changed mid-run (mitmweb, `:set`): later flows by the new options
        if updated & PROBED:
            problems = opts.probe(self.settings)
            if problems:
                raise exceptions.OptionsError("\n".join(problems))

    def running(self) -> None:
        """Hand the tally to the run report; start the writer process before the first flow."""
        if not self.settings.recording:
            return
        validator = ctx.master.addons.get("validator")
        if validator is not None and hasattr(validator, "report"):
            validator.report.recording = self.tally
        self._sink()

    def _config(self) -> SinkConfig:
        settings = self.settings
        return SinkConfig(
            policy=settings.policy,
            scope=settings.scope,
            folder=settings.scope is not None and settings.scope != settings.cassette,
            keep_ids=settings.keep_ids,
            sync=settings.durability == "sync",  # "flush": written to the OS only
        )

    def _sink(self) -> WriterProcess | CassetteSink:
        if self.sink is None:
            if not self._in_process:
                try:
                    self.sink = WriterProcess(self._config())
                except (WriterGone, OSError) as err:
                    logger.warning("vstape: recording in the proxy's own process: %s", err)
                    self._in_process = True
            if self.sink is None:
                self.sink = CassetteSink(self._config())
        return self.sink

    def _retire(self) -> None:
        """Finish the current sink (what it holds is written); the next flow starts a new one."""
        if self.sink is not None:
            self._counts(self.sink)
            self.sink = None

    def _counts(self, sink: WriterProcess | CassetteSink) -> None:
        """Close ``sink`` and add what it wrote to the run's counts; a failure is a loss."""
        try:
            counts = sink.close()
        except Exception as err:  # never skip the other sinks, the summary or the losses
            self.tally.lost(_reason(err), f"closing the cassette writer: {err}")
            logger.error("vstape: could not finish writing the cassettes: %s", err)
            return
        for path, count in counts.items():
            self._written[path] = self._written.get(path, 0) + count

    async def _commit(self, target: Path, job: Job) -> None:
        """Hand the job to the writer; resume once its interaction is durable."""
        sink = self._sink()
        if isinstance(sink, WriterProcess):
            try:
                await sink.commit(target, job)
                return
            except WriterGone as err:  # it died: what waited on it is counted; go on in-process
                logger.error("vstape: %s; recording in the proxy's own process from now on", err)
                if self.sink is sink:  # not already handed over by another flow
                    self._retire()  # what it answered before it died is counted
                self._in_process = True
                if not isinstance(self.sink, CassetteSink):
                    self.sink = CassetteSink(self._config())
                sink = self.sink
        loop = asyncio.get_running_loop()
        durable: asyncio.Future[None] = loop.create_future()

        def settle(error: BaseException | None) -> None:
            if not durable.done():
                if error is None:
                    durable.set_result(None)
                else:
                    durable.set_exception(error)

        def done(error: BaseException | None) -> None:  # called on the writer thread
            loop.call_soon_threadsafe(settle, error)

        sink.submit(target, job, done)
        await durable

    async def response(self, flow: http.HTTPFlow) -> None:
        """Record the exchange; the client gets the response once it is durably on disk."""
        meta: dict[str, Any] | None = flow.metadata.get(VERDICT)
        if meta is None or flow.response is None or flow.response.stream:
            return
        target = self.settings.target(meta.get("route"), meta.get("family", "vector_stores"))
        if target is None:
            return
        try:
            fault = fault_of(flow)  # set by the fault injector or the replayer
            step = fault.get("step")
            job = Job(
                exchange_of(flow, meta.get("duration_ms"), self.settings.policy.keep_host),
                meta.get("violations"),
                scenario=fault.get("scenario"),
                fault=step if step not in (None, "ok") else None,
                now=dt.datetime.now(dt.UTC),
            )
            await self._commit(target, job)
        except Exception as err:  # disk full, a folder in the way, anything at all
            # The client still gets its response; the loss is counted and fails the run.
            where = f"{flow.request.method} {flow.request.path}"
            self.tally.lost(_reason(err), f"{where} -> {target}: {err}")
            logger.error("vstape: could not record %s into %s: %s", where, target, err)
            print(f"vstape: ERROR could not record into {target}: {err}", flush=True)
        else:
            self.tally.kept()

    def done(self) -> None:
        """Say where the cassettes are, and what could not be recorded."""
        self._retire()  # everything queued is written first
        if self._written and not self.settings.quiet:
            for path, count in sorted(self._written.items()):
                print(f"vstape: {count} interactions -> {path}", flush=True)
        if not self.settings.recording:
            return
        tally = self.tally
        if tally.not_recorded:
            print(
                f"vstape: ERROR {tally.summary()}: the run fails (exit 1); each loss was "
                "logged above with its cause and fix",
                flush=True,
            )
        elif not self.settings.quiet:
            print(f"vstape: {tally.summary()}", flush=True)

    def exit_status(self) -> int:
        """1 when any interaction could not be recorded, else 0 (read by vstape_mitmproxy.serve)."""
        return 1 if self.tally.not_recorded else 0
