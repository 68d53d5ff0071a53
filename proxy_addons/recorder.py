"""mitmproxy addon: record /v1/vector_stores and /v1/files traffic into vcrpy cassettes.

Usage:
    mitmdump -s proxy_addons/vstape_addons.py --set vstape_cassette_dir=cassettes/recorded

Reads the validator's verdict from ``flow.metadata["vstape"]``. Each interaction is
durably in its cassette before the response goes back to the client. What the client
receives is never changed.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from mitmproxy import ctx, http

from proxy_addons import settings as opts
from proxy_addons.faults import META as FAULT_META
from proxy_addons.validator import exchange_of
from vstape.cassettes import Interaction
from vstape.journal import CassetteWriter, GroupCommitter
from vstape.recording import to_interaction

logger = logging.getLogger("vstape")


class Recorder:
    """Writes one interaction per flow the validator saw."""

    def __init__(self) -> None:
        self.settings = opts.Settings()
        self.writers: dict[Path, GroupCommitter] = {}
        self.failures = 0

    def configure(self, updated: set[str]) -> None:
        """Parse the options (declared by the validator addon)."""
        if any(name.startswith("vstape_") for name in updated):
            self.settings = opts.parse(ctx.options)

    def _writer(self, path: Path) -> GroupCommitter:
        if path not in self.writers:
            self.writers[path] = GroupCommitter(CassetteWriter(path))
        return self.writers[path]

    async def _commit(self, target: Path, interaction: Interaction) -> None:
        """Hand the interaction to the cassette's writer thread; resume once it is durable."""
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

        self._writer(target).submit(interaction, done)
        await durable

    async def response(self, flow: http.HTTPFlow) -> None:
        """Record the exchange; the client gets the response once it is durably on disk."""
        meta: dict[str, Any] | None = flow.metadata.get("vstape")
        if meta is None or flow.response is None or flow.response.stream:
            return
        target = self.settings.target(meta.get("route"), meta.get("family", "vector_stores"))
        if target is None:
            return
        exchange = exchange_of(flow, meta.get("duration_ms"), self.settings.policy.keep_host)
        fault = flow.metadata.get(FAULT_META) or {}  # set by proxy_addons/faults.py
        step = fault.get("step")
        interaction = to_interaction(
            exchange,
            self.settings.policy,
            meta.get("violations"),
            scenario=fault.get("scenario"),
            fault=step if step not in (None, "ok") else None,
        )
        try:
            await self._commit(target, interaction)
        except Exception as err:  # disk full, foreign file...
            # The client still gets its response; the user gets a clear message.
            self.failures += 1
            logger.error(
                "vstape: could not record %s %s into %s: %s",
                flow.request.method,
                flow.request.path,
                target,
                err,
            )
            print(f"vstape: ERROR could not record into {target}: {err}", flush=True)

    def done(self) -> None:
        """Say where the cassettes are."""
        for path, committer in sorted(self.writers.items()):
            committer.close()
            if not self.settings.quiet:
                print(f"vstape: {committer.writer.count} interactions -> {path}", flush=True)
