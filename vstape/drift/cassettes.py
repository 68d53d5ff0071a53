"""The cassettes a drift run reads, and the check of their interactions against the schemas.

Cassettes are read one interaction at a time (:func:`vstape.cassettes.stream.iter_interactions`,
each with the line it starts at). The check is ``vstape validate --strict``'s: every
violation of an interaction of the vector-store or files API, unknown response fields
(``unknown_field``: the API added a field since the schemas were written) included; a
response vstape broke on purpose (``vstape.fault`` names a body fault) is not checked.
"""

from __future__ import annotations

from collections.abc import Sequence

from msgspec import UNSET

from vstape.api.routes import match
from vstape.cassettes.model import CassetteError
from vstape.cassettes.stream import iter_interactions
from vstape.drift.live import Cassette
from vstape.drift.model import Drift, DriftReport
from vstape.faults.catalog import breaks_body
from vstape.http import path_of
from vstape.recording.interaction import Exchange, check
from vstape.replay.replayer import cassette_files, no_interactions
from vstape.validation.violations import Kind

__all__ = ["check_cassettes", "load_cassettes"]


def load_cassettes(paths: Sequence[str]) -> tuple[list[Cassette], list[Drift]]:
    """Every cassette under ``paths``; what could not be read as ``unusable`` items."""
    try:
        files = cassette_files(paths)
    except CassetteError as err:
        return [], [Drift(check="cassettes", kind="unusable", message=str(err))]
    cassettes: list[Cassette] = []
    problems: list[Drift] = []
    for path in files:
        name = str(path)
        try:
            items = list(iter_interactions(path))
            if not items:
                raise no_interactions(name)
        except CassetteError as err:
            problems.append(Drift(check="cassettes", kind="unusable", message=str(err), file=name))
            continue
        cassettes.append(Cassette(name, items))
    return cassettes, problems


def check_cassettes(cassettes: Sequence[Cassette]) -> DriftReport:
    """Every violation of the current schemas in ``cassettes``, unknown fields included."""
    report = DriftReport(checks=["cassettes"], inputs={"cassettes": [c.name for c in cassettes]})
    checked = 0
    for cassette in cassettes:
        for index, (line, item) in enumerate(cassette.items):
            found = match(item.request.method, path_of(item.request.uri))
            if found is None:
                continue
            checked += 1
            on_purpose = item.vstape is not UNSET and breaks_body(item.vstape.fault)
            for violation in check(Exchange.of(item), strict=True):
                if on_purpose and violation.side == "response":
                    continue
                unknown = violation.kind is Kind.UNKNOWN_FIELD
                report.items.append(
                    Drift(
                        check="cassettes",
                        kind="unknown_field" if unknown else "invalid",
                        message=violation.message,
                        route=found.route.name,
                        path=f"{violation.side} {violation.path}",
                        where=f"{cassette.name}:{line}",
                        file=cassette.name,
                        line=line,
                        interaction=index,
                        theirs=violation.kind.value,
                    )
                )
    report.notes.append(f"cassettes: {len(cassettes)} read, {checked} interactions checked")
    return report
