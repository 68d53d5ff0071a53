"""The replay server's core: cassettes on disk -> answers for any HTTP client.

Pure (no mitmproxy): loads cassettes (files or folders, YAML or JSON), indexes them with
:class:`vstape.replay.index.ReplayIndex` (the pytest plugin's matching, sequencing and
fast-forward rules), and answers a request with the recorded response, a transport
fault, or a miss in OpenAI's error envelope whose message carries the diff.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vstape.cassettes.io import load
from vstape.cassettes.model import CassetteError, Interaction, InteractionMeta
from vstape.faults.catalog import CATALOG
from vstape.http import Response, error_body
from vstape.replay.index import Exhausted, ReplayIndex, fast_forward
from vstape.replay.matching import Match, RequestKey, by_route, request_key

# Recorded faults that are not an HTTP response the client gets (a reset, a stall, a body cut short).
TRANSPORT_FAULTS = tuple(s.name for s in CATALOG if s.transport_error is not None)
FRAMING = frozenset({"content-length", "transfer-encoding", "connection", "keep-alive"})
RERECORD = "record it with `vstape record --cassette FILE` and restart `vstape replay`"


@dataclass(frozen=True, slots=True)
class Answer(Response):
    """What to send back: a response, or a transport fault to simulate instead of it."""

    fault: str | None = None  # one of TRANSPORT_FAULTS
    miss: bool = False


SUFFIXES = (".yaml", ".yml", ".json")


def cassette_files(paths: Iterable[str | Path], *, allow_empty: bool = False) -> list[Path]:
    """Every cassette named, folders searched recursively (*.yaml, *.yml, *.json).

    A path that does not exist, and (unless ``allow_empty``) a folder holding no
    cassette, is a CassetteError: a CI step pointed at the wrong folder must not pass.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
            if not inside and not allow_empty:
                raise CassetteError(
                    f"{path}: no cassettes found under it (searched recursively for "
                    f"{', '.join('*' + s for s in SUFFIXES)}); check the path" + EMPTY_HINT
                )
            found += inside
        elif path.exists():
            found.append(path)
        else:
            raise CassetteError(f"{path}: no such cassette or folder")
    return found


EMPTY_HINT = " (--allow-empty accepts empty input)"


def no_interactions(path: str | Path) -> CassetteError:
    """The error for a cassette that holds no interactions (a recording that went wrong)."""
    return CassetteError(
        f"{path}: the cassette has no interactions; record into it, or remove it" + EMPTY_HINT
    )


class Replayer:
    """Answers requests from recorded interactions, in recorded order per request."""

    def __init__(
        self,
        paths: Iterable[str | Path],
        *,
        exhausted: Exhausted = "repeat-last",
        fast_forward_delays: bool = True,
        match: Match = "exact",
        allow_empty: bool = False,
    ) -> None:
        self.files = cassette_files(paths, allow_empty=allow_empty)
        self.interactions: list[Interaction] = []
        self.sources: list[Path] = []
        self.positions: list[int] = []  # each interaction's place in its own file
        for path in self.files:
            loaded = load(path).interactions
            if not loaded and not allow_empty:
                raise no_interactions(path)
            self.interactions += loaded
            self.sources += [path] * len(loaded)
            self.positions += range(len(loaded))
        self.match = match
        keys = [
            self._key(i.request.method, i.request.uri, i.request.body, i.request.headers)
            for i in self.interactions
        ]
        self.index = ReplayIndex(keys, exhausted)
        self.fast_forward = fast_forward_delays

    def _key(
        self, method: str, uri: str, body: bytes | str | None, headers: Mapping[str, Any]
    ) -> RequestKey:
        key = request_key(method, uri, body, headers)
        return by_route(key) if self.match == "route" else key

    def answer(self, method: str, url: str, headers: Mapping[str, str], body: bytes) -> Answer:
        """The recorded answer for this request, or a 404 miss explaining the nearest recording."""
        key = self._key(method, url, body, headers)
        index = self.index.next(key)
        if index is None:
            where = (
                str(self.files[0])
                if len(self.files) == 1
                else f"the {len(self.files)} cassettes served"
            )
            message = self.index.explain_miss(key, where, RERECORD, self.label)
            return Answer(
                404,
                [("content-type", "application/json"), ("x-vstape-miss", "true")],
                error_body(message, "invalid_request_error", None, "vstape_no_recording"),
                miss=True,
            )
        item = self.interactions[index]
        meta = item.vstape if isinstance(item.vstape, InteractionMeta) else InteractionMeta()
        # Framing is the server's business: a recorded content-length or chunked encoding
        # (stock vcrpy keeps both) would contradict the body as it is sent now.
        recorded = {k: v for k, v in item.response.headers.items() if k.lower() not in FRAMING}
        replayed = (
            fast_forward(recorded, item.response.status.code) if self.fast_forward else recorded
        )
        pairs = [(name, value) for name, values in replayed.items() for value in values]
        fault = meta.fault if meta.fault in TRANSPORT_FAULTS else None
        return Answer(
            item.response.status.code,
            pairs,
            item.response.body.bytes,
            item.response.status.message,
            fault=fault,
        )

    def label(self, index: int) -> str:
        """``file #position`` of a recorded interaction (``#position`` when one file is served)."""
        position = f"#{self.positions[index]}"
        return position if len(self.files) == 1 else f"{self.sources[index]} {position}"

    def unused(self) -> list[str]:
        """One line per recorded interaction never played."""
        return [
            f"{self.label(i)}: {self.index.keys[i].method} {self.index.keys[i].path}"
            for i in self.index.unused()
        ]

    def merged_scenarios(self) -> list[str]:
        """Route keys (``--match route``) under which several scenarios were loaded."""
        by_key: dict[RequestKey, set[str]] = {}
        for key, item in zip(self.index.keys, self.interactions, strict=True):
            meta = item.vstape if isinstance(item.vstape, InteractionMeta) else InteractionMeta()
            by_key.setdefault(key, set()).add(meta.scenario or "ok")
        return [
            f"{key.route}: {', '.join(sorted(names))}"
            for key, names in by_key.items()
            if len(names) > 1
        ]
