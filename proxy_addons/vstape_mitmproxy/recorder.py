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

Cassettes are stable (:mod:`vstape.recording.stable_writer`): server-assigned ids become
placeholders and times move onto one epoch as each interaction is written, one numbering
per ``vstape_cassette`` file or per ``vstape_cassette_dir`` folder, continuing what the
cassettes already hold; ``vstape_keep_ids`` writes the real values.
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import Any

from mitmproxy import ctx, exceptions, http

from vstape.cassettes.model import Interaction
from vstape.cassettes.writer import CassetteWriter, Committer, GroupCommitter
from vstape.recording.interaction import to_interaction
from vstape.recording.stable_scope import ScopeNormalizer
from vstape.recording.stable_writer import StableWriter
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
        self.writers: dict[Path, GroupCommitter] = {}
        self.scopes: dict[Path, ScopeNormalizer] = {}
        self.committer: Committer | None = None  # one writer thread for every cassette
        self.tally = RecordingTally()

    @property
    def failures(self) -> int:
        """Interactions that could not be written."""
        return self.tally.not_recorded

    def configure(self, updated: set[str]) -> None:
        """Parse the options (declared by the validator addon); refuse unwritable targets."""
        if any(name.startswith("vstape_") for name in updated):
            self.settings = opts.parse(ctx.options)
        if updated & PROBED:
            problems = opts.probe(self.settings)
            if problems:
                raise exceptions.OptionsError("\n".join(problems))

    def running(self) -> None:
        """Hand the tally to the run report, so that its summary and files carry the losses."""
        if not self.settings.recording:
            return
        validator = ctx.master.addons.get("validator")
        if validator is not None and hasattr(validator, "report"):
            validator.report.recording = self.tally

    def _writer(self, path: Path) -> GroupCommitter:
        if path not in self.writers:
            if self.committer is None:
                self.committer = Committer()
            self.writers[path] = GroupCommitter(self._cassette_writer(path), self.committer)
        return self.writers[path]

    def _cassette_writer(self, path: Path) -> CassetteWriter:
        """A stable writer (one scope per cassette file or folder), or a plain one (keep ids)."""
        sync = self.settings.durability == "sync"  # "flush": written to the OS only
        scope = self.settings.scope
        if self.settings.keep_ids or scope is None:
            return CassetteWriter(path, keep_lock=True, sync=sync)
        if scope not in self.scopes:
            self.scopes[scope] = ScopeNormalizer(scope, folder=scope != self.settings.cassette)
        return StableWriter(path, self.scopes[scope], keep_lock=True, sync=sync)

    async def _commit(self, target: Path, interaction: Interaction) -> None:
        """Hand the interaction to the cassette's writer thread; resume once it is durable."""
        committer = self._writer(target)
        if not committer.writer.sync:  # --durability=flush: written now when nothing waits
            staged = committer.writer.try_stage([interaction])
            if staged is not None:
                staged.finish()
                return
        loop = asyncio.get_running_loop()
        durable: asyncio.Future[None] = loop.create_future()

        def settle(error: BaseException | None) -> None:
            if not durable.done():
                if error is None:
                    durable.set_result(None)
                else:
                    durable.set_exception(error)

        def done(error: BaseException | None) -> None:
            loop.call_soon_threadsafe(settle, error)

        committer.submit(interaction, done)
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
            exchange = exchange_of(flow, meta.get("duration_ms"), self.settings.policy.keep_host)
            fault = fault_of(flow)  # set by the fault injector or the replayer
            step = fault.get("step")
            interaction = to_interaction(
                exchange,
                self.settings.policy,
                meta.get("violations"),
                scenario=fault.get("scenario"),
                fault=step if step not in (None, "ok") else None,
            )
            await self._commit(target, interaction)
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
        if self.committer is not None:
            self.committer.close()  # everything queued is written first
        for path, committer in sorted(self.writers.items()):
            committer.close()
            if not self.settings.quiet:
                print(f"vstape: {committer.writer.count} interactions -> {path}", flush=True)
        for scope in self.scopes.values():
            scope.close()
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
