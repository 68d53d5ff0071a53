"""Where a recorder's exchanges go: turned into interactions and committed to their cassettes.

A :class:`CassetteSink` is the recording half of the proxy without the proxy: given a
:class:`Job` (the exchange, the validator's verdict, the fault planned for it) and the
cassette it belongs in, it builds the interaction (:func:`vstape.recording.interaction.to_interaction`)
and hands it to one :class:`~vstape.cassettes.writer.Committer` thread, which writes every
cassette of a batch, syncs each (unless ``sync`` is off: ``--durability flush``) and tells
each caller once its interaction is durable. Cassettes are stable (one
:class:`~vstape.recording.stable_scope.ScopeNormalizer` per cassette file or folder)
unless ``keep_ids``.

It runs in vstape's writer process (:mod:`vstape.recording.writer_child`), so that this
work is not done on the proxy's event loop, or, where no process can be started, in the
proxy itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vstape import http
from vstape.cassettes.writer import CassetteWriter, Committer, GroupCommitter
from vstape.http import HeaderPairs
from vstape.recording.interaction import Exchange, RecordPolicy, to_interaction
from vstape.recording.stable_scope import ScopeNormalizer
from vstape.recording.stable_writer import StableWriter
from vstape.validation.violations import Violation

__all__ = ["CassetteSink", "Done", "Job", "SinkConfig"]

Done = Callable[[BaseException | None], None]
"""Called once per job: ``None`` when its interaction is durable, else why it is not."""


@dataclass(frozen=True)
class SinkConfig:
    """How a recorder writes: the record policy, the stable scope, the durability."""

    policy: RecordPolicy = field(default_factory=RecordPolicy)
    scope: Path | None = None
    """What shares one numbering of placeholders (None: write the real values)."""
    folder: bool = False
    """Whether ``scope`` is a cassette folder (else one cassette file)."""
    keep_ids: bool = False
    sync: bool = True
    """False: an interaction is done once written to the OS (``--durability flush``)."""


@dataclass(frozen=True)
class Job:
    """One exchange to record, with what the proxy knew of it when the response came."""

    exchange: Exchange
    violations: list[Violation] | None = None
    scenario: str | None = None
    fault: str | None = None
    now: dt.datetime | None = None
    """When the response came (the interaction's ``recorded_at``); None: when it is built."""

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled as one flat tuple: several times faster than the nested dataclasses."""
        request, response = self.exchange.request, self.exchange.response
        return _job_of, (
            request.method,
            request.url,
            request.headers,
            request.body,
            response.status,
            response.headers,
            response.body,
            response.reason,
            self.exchange.duration_ms,
            self.violations,
            self.scenario,
            self.fault,
            None if self.now is None else self.now.timestamp(),  # a datetime pickles slowly
        )


def _job_of(
    method: str,
    url: str,
    request_headers: HeaderPairs,
    request_body: bytes,
    status: int,
    response_headers: HeaderPairs,
    response_body: bytes,
    reason: str,
    duration_ms: float | None,
    violations: list[Violation] | None,
    scenario: str | None,
    fault: str | None,
    now: float | None,
) -> Job:
    """The :class:`Job` :meth:`Job.__reduce__` flattened."""
    exchange = Exchange(
        http.Request(method, url, request_headers, request_body),
        http.Response.as_received(status, response_headers, response_body, reason),
        duration_ms=duration_ms,
    )
    when = None if now is None else dt.datetime.fromtimestamp(now, dt.UTC)
    return Job(exchange, violations, scenario, fault, when)


class CassetteSink:
    """Builds interactions and commits them, one writer thread for every cassette."""

    def __init__(self, config: SinkConfig) -> None:
        self.config = config
        self.writers: dict[Path, GroupCommitter] = {}
        self.scopes: dict[Path, ScopeNormalizer] = {}
        self.committer: Committer | None = None

    def submit(self, target: Path, job: Job, done: Done) -> None:
        """Record ``job`` into ``target``; ``done`` is called once (a failure raises or is passed)."""
        interaction = to_interaction(
            job.exchange,
            self.config.policy,
            job.violations,
            scenario=job.scenario,
            fault=job.fault,
            now=job.now,
        )
        self._writer(target).submit(interaction, done)

    def _writer(self, path: Path) -> GroupCommitter:
        if path not in self.writers:
            if self.committer is None:
                self.committer = Committer()
            self.writers[path] = GroupCommitter(self._cassette_writer(path), self.committer)
        return self.writers[path]

    def _cassette_writer(self, path: Path) -> CassetteWriter:
        """A stable writer (one scope per cassette file or folder), or a plain one (keep ids)."""
        config = self.config
        if config.keep_ids or config.scope is None:
            return CassetteWriter(path, keep_lock=True, sync=config.sync)
        if config.scope not in self.scopes:
            self.scopes[config.scope] = ScopeNormalizer(config.scope, folder=config.folder)
        return StableWriter(path, self.scopes[config.scope], keep_lock=True, sync=config.sync)

    def close(self) -> dict[Path, int]:
        """Write what is queued, release every cassette; how many interactions each received."""
        if self.committer is not None:
            self.committer.close()  # everything queued is written first
        counts = {}
        for path, committer in sorted(self.writers.items()):
            committer.close()
            counts[path] = committer.writer.count
        for scope in self.scopes.values():
            scope.close()
        return counts
