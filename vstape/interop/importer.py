"""Captures -> cassettes, through the recorder's own pipeline.

Each exchange a reader took (:mod:`vstape.interop.capture`) is validated with the same
calls the recording proxy's validator makes (request, then response unless a fault broke
it on purpose) and turned into an interaction by the one function the recorder and the
pytest plugin use (:func:`vstape.recording.interaction.to_interaction`: redaction,
decompressed and pretty JSON, normalized host, stable multipart boundary, the verdict and
violations in the ``vstape:`` block). The cassette an interaction goes to is the
recorder's rule (:func:`vstape.recording.target.cassette_name`: ``--split route|family|
none``), and before anything is read the targets get the recorder's start-up checks
(:func:`vstape.recording.target.probe_file` / ``probe_folder``).

Nothing is written until every source has been read and converted; then
:mod:`vstape.interop.commit` writes every cassette or none.

Library use::

    from vstape.interop import har, importer
    capture = har.read("session.har")             # vstape_mitmproxy.dumpfile.read for dumps
    plan = importer.plan([capture], importer.Target(cassette_dir=Path("cassettes/imported")))
    importer.commit(plan)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from vstape.api.routes import match
from vstape.cassettes.model import Interaction, InteractionMeta
from vstape.faults.catalog import breaks_body
from vstape.interop import commit as committing
from vstape.interop.capture import Capture, Taken
from vstape.recording.destination import Target
from vstape.recording.interaction import RecordPolicy, check, to_interaction, violation_lines
from vstape.recording.stable_scope import ScopeNormalizer
from vstape.reports.run import RunReport
from vstape.validation.validate import validate_request
from vstape.validation.violations import Violation

__all__ = ["Imported", "Plan", "Target", "commit", "convert", "plan"]


@dataclass(frozen=True)
class Imported:
    """One exchange, converted: its interaction and what validation found."""

    source: str
    index: int
    interaction: Interaction
    route: str | None
    family: str
    errors: list[str]
    warnings: list[str]
    broken_on_purpose: bool


def _violations(taken: Taken, strict: bool) -> tuple[list[Violation], bool]:
    """What the recording proxy's validator finds for this exchange (same calls, same order)."""
    if not breaks_body(taken.fault):
        return check(taken.exchange, strict), False
    request = taken.exchange.request  # a fault broke the response on purpose: not checked
    return validate_request(
        request.method, request.target, dict(request.headers), request.body, strict=strict
    ), True


def convert(capture: Capture, policy: RecordPolicy | None = None) -> list[Imported]:
    """Every exchange of ``capture`` as the recorder would have written it."""
    policy = policy or RecordPolicy()
    out = []
    for taken in capture.taken:
        found, broken = _violations(taken, policy.strict)
        interaction = to_interaction(
            taken.exchange, policy, found, scenario=taken.scenario, fault=taken.fault
        )
        # The capture knows when the exchange happened; `to_interaction` stamps "now".
        meta = interaction.vstape
        assert isinstance(meta, InteractionMeta)
        interaction.vstape = msgspec.structs.replace(meta, recorded_at=taken.recorded_at)
        lines = violation_lines(taken.exchange, found, policy)
        route = match(taken.exchange.request.method, taken.exchange.request.target)
        out.append(
            Imported(
                source=capture.source,
                index=taken.index,
                interaction=interaction,
                route=route.route.name if route else None,
                family=route.route.family if route else "vector_stores",
                errors=[
                    line for v, line in zip(found, lines, strict=True) if v.severity == "error"
                ],
                warnings=[
                    line for v, line in zip(found, lines, strict=True) if v.severity != "error"
                ],
                broken_on_purpose=broken,
            )
        )
    return out


@dataclass
class Plan:
    """What an import will write: interactions per cassette, in capture order."""

    target: Target
    batches: dict[Path, list[Interaction]] = field(default_factory=dict)
    order: list[Path] = field(default_factory=list)
    """The cassette of each interaction, in capture order (across cassettes)."""
    imported: list[Imported] = field(default_factory=list)
    report: RunReport = field(default_factory=RunReport)

    @property
    def verdicts(self) -> Counter[str]:
        """How many interactions got each verdict."""
        return Counter(
            i.interaction.vstape.verdict
            for i in self.imported
            if isinstance(i.interaction.vstape, InteractionMeta)
        )


def plan(captures: Sequence[Capture], target: Target, policy: RecordPolicy | None = None) -> Plan:
    """Convert every capture and sort the interactions into their cassettes (writes nothing)."""
    result = Plan(target)
    for capture in captures:
        for item in convert(capture, policy):
            result.imported.append(item)
            path = target.path(item.route, item.family)
            result.batches.setdefault(path, []).append(item.interaction)
            result.order.append(path)
            result.report.add(
                item.route or "unknown_route",
                item.interaction.response.status.code,
                item.errors,
                item.warnings,
                broken_on_purpose=item.broken_on_purpose,
            )
    return result


def commit(planned: Plan, *, keep_ids: bool = False) -> list[committing.Written]:
    """Write every cassette of the plan, or none (appending, as ``vstape record`` does).

    As the recorder does, the cassettes get stable placeholders and shifted times (one
    scope per ``--cassette`` file, one for a whole ``--cassette-dir``) unless ``keep_ids``.
    """
    if keep_ids:
        return committing.write_all(planned.batches)
    target = planned.target
    folder = target.cassette_dir is not None
    where = target.cassette_dir if folder else target.cassette
    assert where is not None
    scope = ScopeNormalizer(where, folder=folder)
    try:
        return committing.write_all(planned.batches, scope, planned.order)
    finally:
        scope.close()
