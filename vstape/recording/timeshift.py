"""Stable times: the unix timestamps of a cassette's answers, shifted onto a fixed epoch.

The fields are those typed ``UnixTime`` in the schemas (:mod:`vstape.recording.positions`:
``created_at``, ``last_active_at`` and ``expires_at`` of vector stores, ``created_at`` of
vector-store files and file batches, ``created_at`` and ``expires_at`` of Files), in 2xx
response bodies. Every one in a cassette moves by the same number of seconds, so every
difference between two of them is kept (``expires_at - last_active_at`` stays
``days * 86400``; list order by ``created_at`` stays).

The offset is fixed by the first answer of the cassette that carries a timestamp: its
earliest timestamp lands on :data:`EPOCH`. In a recording that is the earliest of the
cassette (time moves forward and the first answers describe the first objects), unless a
later answer describes an object older than everything before it (a store created before
the recording began): its times land before the epoch, differences still kept. A cassette
written one interaction at a time cannot revise an offset once its first answer is on
disk, and normalizing an existing cassette follows the same rule, so normalizing what was
recorded changes nothing and normalizing twice changes nothing.

Continuing a cassette whose offset is not known (another machine, no journal): the new
answers' first earliest timestamp lands on the latest timestamp already in the cassette,
so the order is kept and the new part's differences too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import msgspec

from vstape.api.routes import match
from vstape.cassettes.model import Interaction
from vstape.recording import positions
from vstape.replay.matching import split_uri

__all__ = ["EPOCH", "TimeShift", "timestamps"]

EPOCH = 1_750_000_000
"""2025-06-15T15:06:40Z, the emulator's fixed clock: where a cassette's first time lands."""


def _body(item: Interaction) -> tuple[Any, list[tuple[Any, str | int]]]:
    """The decoded response body and the places of its timestamps (none: ``(None, [])``)."""
    response = item.response
    if not 200 <= response.status.code < 300:
        return None, []
    found = match(item.request.method, split_uri(item.request.uri)[0])
    paths = positions.for_route(found.route.name).response_times if found else ()
    text = response.body.string
    if not paths or not isinstance(text, str) or text[:1] != "{":
        return None, []
    try:
        value = msgspec.json.decode(text)
    except (msgspec.DecodeError, RecursionError):
        return None, []
    places = [
        (container, key)
        for path in paths
        for container, key in positions.at(value, path)
        if type(container[key]) is int  # not bool, not null, not a float
    ]
    return value, places


def timestamps(item: Interaction) -> list[int]:
    """The timestamps in ``item``'s answer, in body order."""
    _, places = _body(item)
    return [container[key] for container, key in places]


class TimeShift:
    """The time offset of one cassette, fixed by its first answer with a timestamp."""

    def __init__(self, offset: int | None = None, *, epoch: int = EPOCH) -> None:
        self.offset = offset
        self.epoch = epoch
        self.anchor: int | None = None
        """Where the next first timestamp lands when continuing a cassette (its latest)."""

    def seed(self, existing: Iterable[Interaction]) -> None:
        """Continue ``existing`` (already on disk) when the offset it used is not known."""
        if self.offset is not None:
            return
        latest = max((t for item in existing for t in timestamps(item)), default=None)
        if latest is not None:
            self.anchor = latest

    def apply(self, item: Interaction) -> Interaction:
        """``item`` with its answer's timestamps shifted (the offset fixed on first use)."""
        value, places = _body(item)
        if not places:
            return item
        if self.offset is None:
            base = self.epoch if self.anchor is None else self.anchor
            self.offset = base - min(container[key] for container, key in places)
        if self.offset == 0:
            return item
        for container, key in places:
            container[key] += self.offset
        text = item.response.body.string
        encoded = msgspec.json.encode(value)
        if "\n" in text:
            encoded = msgspec.json.format(encoded, indent=2)
        body = msgspec.structs.replace(item.response.body, string=encoded.decode("utf-8"))
        return msgspec.structs.replace(
            item, response=msgspec.structs.replace(item.response, body=body)
        )
