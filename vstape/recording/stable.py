"""Cassettes that re-record to tiny diffs: placeholders for ids, shifted times, no timings.

One interaction at a time (:class:`StableRecorder`, what a recorder uses: it writes one
interaction at a time while the live client keeps the real ids) or a whole scope at
once (:func:`normalize_scope`, what ``vstape cassettes normalize`` and ``vstape diff``
use). Both apply the same rules, so normalizing what was recorded changes nothing:

- ids: :mod:`vstape.recording.placeholders` (one numbering per *scope*: a cassette, or
  the cassettes of a folder, which are replayed together and share their ids);
- times: :mod:`vstape.recording.timeshift` (one offset per cassette file: no client
  ever sends a timestamp back, so files need not agree);
- ``vstape.recorded_at`` and ``vstape.duration_ms`` are dropped: they describe the
  recording session, not the API's answer, and differ on every run (a shifted
  ``recorded_at`` would still carry the clock skew between the machine and the API).

Only ``/v1/vector_stores`` and ``/v1/files`` interactions are touched; every other
interaction of a cassette (a guest's) is left exactly as recorded.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from vstape.api.routes import is_known_family
from vstape.cassettes.model import Interaction, InteractionMeta
from vstape.recording.placeholders import IdMap, Side, is_placeholder, sightings
from vstape.recording.timeshift import EPOCH, TimeShift
from vstape.replay.matching import split_uri

__all__ = ["StableRecorder", "normalize_scope", "stabilize"]


def ours(item: Interaction) -> bool:
    """Whether ``item`` is vstape's to normalize (a vector-store or files request)."""
    return is_known_family(split_uri(item.request.uri)[0])


def _headers(headers: dict[str, list[str]], ids: IdMap) -> dict[str, list[str]]:
    return {name: [ids.substitute(v) for v in values] for name, values in headers.items()}


def _substituted(item: Interaction, ids: IdMap) -> Interaction:
    if ids.pattern() is None:
        return item
    request, response = item.request, item.response
    body = request.body
    request = msgspec.structs.replace(
        request,
        uri=ids.substitute(request.uri),
        body=ids.substitute(body) if isinstance(body, str) else body,
        headers=_headers(request.headers, ids),
    )
    answer = response.body
    if isinstance(answer.string, str) and answer.encoding is msgspec.UNSET:
        answer = msgspec.structs.replace(answer, string=ids.substitute(answer.string))
    response = msgspec.structs.replace(
        response, headers=_headers(response.headers, ids), body=answer
    )
    return msgspec.structs.replace(item, request=request, response=response)


def _without_timings(item: Interaction) -> Interaction:
    meta = item.vstape
    if not isinstance(meta, InteractionMeta) or (
        meta.recorded_at is None and meta.duration_ms is None
    ):
        return item
    return msgspec.structs.replace(
        item, vstape=msgspec.structs.replace(meta, recorded_at=None, duration_ms=None)
    )


def stabilize(item: Interaction, ids: IdMap, times: TimeShift) -> Interaction:
    """``item`` with its ids as placeholders, its times shifted and its timings dropped."""
    if not ours(item):
        return item
    for ident, side in sightings(item):
        ids.sight(ident, side)
    return _without_timings(times.apply(_substituted(item, ids)))


class StableRecorder:
    """Stabilizes a scope's interactions one at a time, in the order they are written.

    ``key`` names the cassette file within the scope (its time offset is its own).
    Give it what the files already hold first (:meth:`seed`), so that numbering
    continues and the ids kept as they were stay so.
    """

    def __init__(self, *, epoch: int = EPOCH) -> None:
        self.ids = IdMap()
        self.epoch = epoch
        self.times: dict[str, TimeShift] = {}

    def shift(self, key: str) -> TimeShift:
        """The time shift of the cassette ``key``."""
        if key not in self.times:
            self.times[key] = TimeShift(epoch=self.epoch)
        return self.times[key]

    def seed(self, key: str, existing: Sequence[Interaction]) -> None:
        """What the cassette ``key`` already holds: its placeholders are reserved, its other
        ids stay as they are, its latest time anchors the new ones (unless the offset is known)."""
        mine = [item for item in existing if ours(item)]
        for item in mine:
            for ident, _ in sightings(item):
                if is_placeholder(ident):
                    self.ids.reserve(ident)
                elif ident not in self.ids.mapping:
                    self.ids.foreign.add(ident)
        self.shift(key).seed(mine)

    def feed(self, key: str, item: Interaction) -> Interaction:
        """The interaction to write into the cassette ``key`` for the exchange ``item``."""
        return stabilize(item, self.ids, self.shift(key))


def _issued(cassettes: Sequence[Sequence[Interaction]], canonical: bool) -> set[str]:
    """Ids first seen in an answer in at least one cassette of the scope."""
    issued: set[str] = set()
    for items in cassettes:
        first: dict[str, Side] = {}
        for item in items:
            if ours(item):
                for ident, side in sightings(item):
                    first.setdefault(ident, side)
        for ident, side in first.items():
            if is_placeholder(ident):
                if canonical:  # issued by some recording, wherever it shows up first
                    issued.add(ident)
            elif side == "response":
                issued.add(ident)
    return issued


def normalize_scope(
    cassettes: Sequence[Sequence[Interaction]], *, canonical: bool = False, epoch: int = EPOCH
) -> list[list[Interaction]]:
    """Each cassette of one scope stabilized (the same rules as :class:`StableRecorder`).

    With one cassette, an id is issued when its first sighting is in an answer, exactly as
    when recording. With several (a folder), the files do not say which came first, so an
    id first seen in an answer in any of them is issued in all of them. ``canonical``
    renumbers placeholders too, from 1 (for comparing two scopes).
    """
    issued = _issued(cassettes, canonical) if len(cassettes) > 1 else None
    ids = IdMap(canonical=canonical, issued=issued)
    for items in cassettes:
        for item in items:
            if ours(item):
                for ident, _ in sightings(item):
                    ids.reserve(ident)
    return [
        [stabilize(item, ids, times) for item in items]
        for items, times in ((c, TimeShift(epoch=epoch)) for c in cassettes)
    ]
