"""vcrpy's Cassette, with vstape's replay for vstape's requests and stock vcrpy for the rest.

Each request is sorted once (:mod:`vstape_pytest._vcr.matcher`): a request to the OpenAI
Vector Stores or Files API is vstape's, anything else is stock.

- vstape's requests are looked up in a :class:`vstape.replay.index.ReplayIndex` of the
  cassette's vstape interactions (O(1) per request), matched on method + path + query +
  canonical body whatever the user's ``match_on``; identical requests replay in order,
  poll/retry delays are fast-forwarded, each replayed response is validated, transport
  faults become the client's exception, a miss explains itself.
- Every other request goes through vcrpy's own code with the user's ``match_on``, and
  only ever matches the cassette's other (stock) interactions.

Used by one VCR at a time (see :mod:`vstape_pytest._vcr.configure`): vcrpy's module-level
``Cassette`` is never replaced.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from vcr.cassette import Cassette
from vcr.filters import decode_response
from vcr.matchers import requests_match
from vcr.persisters.filesystem import CassetteDecodeError, CassetteNotFoundError
from vcr.record_mode import RecordMode
from vcr.request import Request as VcrRequest

from vstape.api import scope
from vstape.cassettes.model import CassetteError
from vstape.replay.index import ReplayIndex, describe_unused, fast_forward
from vstape.replay.matching import RequestKey, by_route, request_key
from vstape_pytest import played
from vstape_pytest._vcr import matcher, replayed
from vstape_pytest._vcr.convert import meta_of, to_vcr
from vstape_pytest._vcr.matcher import request_key_of
from vstape_pytest._vcr.persister import VstapePersister
from vstape_pytest._vcr.replayed import Sent
from vstape_pytest.errors import (
    ReplayWarning,
    VstapeMissingCassette,
    VstapeReplayInvalid,
    VstapeReplayMiss,
)
from vstape_pytest.settings import CURRENT, Settings

RERECORD = "pytest --record-mode=rewrite <this test> against the real API or `vstape emulate`, or `vstape record`"


class IndexedCassette(Cassette):  # type: ignore[misc]
    """vcrpy's Cassette with vstape's index for vstape's requests; stock for the others."""

    active: ClassVar[list[IndexedCassette]] = []
    # Cassettes in use right now, innermost last: a shipped cassette asked for while one
    # is in use joins it instead of hiding it behind a second interception.
    in_use: ClassVar[list[IndexedCassette]] = []
    # The settings of the test whose VCR made this class (vstape_pytest._vcr.configure).
    bound_settings: ClassVar[Settings | None] = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.settings = self.bound_settings or CURRENT.get()
        self.index = ReplayIndex([], self.settings.exhausted)
        self.positions: list[int] = []  # where each index entry sits in self.data
        self.shipped_first = False  # set by replay_shipped for a cassette it opened itself
        self.joined: list[tuple[ReplayIndex, list[tuple[VcrRequest, dict[str, Any]]]]] = []
        self._hosts: tuple[scope.HostSpec, ...] = ()  # OpenAI hosts, for _hosts_for's base URL
        self._hosts_for: tuple[str | None, ...] = ()
        self._routes: dict[RequestKey, str] = {}  # key -> its route name, matched once
        IndexedCassette.active.append(self)

    def owns(self, request: VcrRequest) -> bool:
        """Whether ``request`` is vstape's (an OpenAI API host and a vector-store/files path)."""
        return matcher.owns(request, self.settings.hosts)

    # -- shipped cassettes joined in ----------------------------------------------------

    def join(self, path: Path) -> None:
        """Also answer from the cassette at ``path``, matched by route (any ids, any body).

        Its interactions are never saved into this cassette; one joined later wins over
        one joined earlier for the same route.
        """
        try:
            requests, responses = to_vcr(path)
        except CassetteError as err:
            raise VstapeReplayInvalid(str(err)) from err
        keys = [by_route(request_key_of(r)) for r in requests]
        self.joined.append(
            (
                ReplayIndex(keys, self.settings.exhausted),
                list(zip(requests, responses, strict=True)),
            )
        )

    def _joined_for(self, key: RequestKey) -> tuple[ReplayIndex, list[Any], RequestKey] | None:
        """The latest joined cassette that can answer ``key``, and ``key`` matched by route."""
        if not self.joined:
            return None
        route_key = by_route(key)
        for index, data in reversed(self.joined):
            if index.can_play(route_key):
                return index, data, route_key
        return None

    # -- loading, recording, saving -------------------------------------------------------

    def _save(self, force: bool = False) -> None:
        try:
            super()._save(force=force)
        finally:
            if self in IndexedCassette.in_use:
                IndexedCassette.in_use.remove(self)

    def _check_extras(self) -> None:
        """A missing extra cassette: an error when this cassette only replays, else a warning."""
        persister = self._persister
        if not isinstance(persister, VstapePersister):
            return
        missing = persister.missing_extras(self._path)
        if not missing:
            return
        replay_only = self.record_mode == RecordMode.NONE or (
            self.record_mode == RecordMode.ONCE and os.path.exists(self._path)
        )
        messages = [persister.missing_message(p, replay_only=replay_only) for p in missing]
        if replay_only:
            raise VstapeMissingCassette("\n".join(messages))
        for message in messages:
            warnings.warn(message, ReplayWarning, stacklevel=2)

    def _load(self) -> None:
        self._check_extras()
        self._identity_filter = matcher.is_identity(self._before_record_request)
        plain = self._identity_filter and matcher.is_identity(self._before_record_response)
        if self._after_load_interaction or not plain:
            super()._load()  # user hooks: vcrpy's own (copying, filtering) path
        else:
            self._load_fast()
        self.positions = [i for i, (request, _) in enumerate(self.data) if self.owns(request)]
        self.index = ReplayIndex(
            [request_key_of(self.data[i][0], self.settings.match) for i in self.positions],
            self.settings.exhausted,
        )
        IndexedCassette.in_use.append(self)

    def _load_fast(self) -> None:
        """vcrpy's _load without a deep copy of every response (nothing filters them)."""
        try:
            requests, responses, *metadata = self._persister.load_cassette(
                self._path, serializer=self._serializer
            )
        except (CassetteNotFoundError, CassetteDecodeError):
            super()._load()  # vcrpy's own handling: nothing loaded, or a warning
            return
        self.data = list(zip(requests, responses, strict=True))
        self._old_interactions = list(self.data)
        self._loaded_count = len(self.data)
        self.dirty = False
        self.rewound = True
        self._metadata = metadata[0] if metadata else {}

    def append(self, request: VcrRequest, response: dict[str, Any]) -> None:
        # vstape stores its responses decompressed (readable, normalizable) whatever the
        # user's decode_compressed_response, which keeps applying to everything else.
        if self.owns(request):
            response = decode_response(response)
        super().append(request, response)

    def _filtered_key(self, request: VcrRequest) -> tuple[VcrRequest | None, RequestKey | None]:
        """The request after vcrpy's filters and its key, computed once per request object."""
        cached = request.__dict__.get("_vstape_key")
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        # vcrpy deep-copies every request before filtering, twice per replay; skip it when
        # no filter is configured (the copy would be the identity).
        filtered = (
            request
            if getattr(self, "_identity_filter", False)
            else self._before_record_request(request)
        )
        key = request_key_of(filtered, self.settings.match) if filtered else None
        result = (filtered, key)
        request.__dict__["_vstape_key"] = result
        return result

    # -- stock requests: vcrpy's code, over the stock interactions only -------------------

    def _responses(self, request: VcrRequest) -> Iterator[tuple[int, dict[str, Any]]]:
        request = self._before_record_request(request)
        for index, (stored, response) in enumerate(self.data):
            if not self.owns(stored) and requests_match(request, stored, self._match_on):
                yield index, response

    def find_requests_with_most_matches(self, request: VcrRequest) -> list[Any]:
        everything = self.data
        self.data = [pair for pair in everything if not self.owns(pair[0])]
        try:
            found: list[Any] = super().find_requests_with_most_matches(request)
        finally:
            self.data = everything
        return found

    # -- replay -------------------------------------------------------------------------

    @property
    def where(self) -> str:
        """The cassette file(s) this cassette was loaded from."""
        files = dict.fromkeys(str(meta_of(r).get("file", "")) for _, r in self.data)
        return ", ".join(f for f in files if f) or str(self._path)

    def __contains__(self, request: VcrRequest) -> bool:
        if not self.owns(request):
            return bool(super().__contains__(request))
        return request_key_of(request, self.settings.match) in self.index

    def _miss(self, request: VcrRequest, key: RequestKey) -> VstapeReplayMiss:
        return VstapeReplayMiss(
            self.index.explain_miss(key, self.where, RERECORD, self._label), self, request
        )

    def _label(self, index: int) -> str:
        """``#position``, with the file in front when the cassette joins several files."""
        meta = meta_of(self.data[self.positions[index]][1])
        position = f"#{meta.get('index', self.positions[index])}"
        return position if ", " not in self.where else f"{meta.get('file', self._path)} {position}"

    def can_play_response_for(self, request: VcrRequest) -> bool:
        if not self.owns(request):
            return bool(super().can_play_response_for(request))
        filtered, key = self._filtered_key(request)
        if filtered is None or key is None:
            return False
        if self.record_mode == RecordMode.ALL or not (self.rewound or self.allow_playback_repeats):
            return False
        if self.index.can_play(key) or self._joined_for(key) is not None:
            return True
        if self.write_protected:
            raise self._miss(filtered, key)
        return False

    def play_response(self, request: VcrRequest) -> dict[str, Any]:
        if not self.owns(request):
            stock: dict[str, Any] = super().play_response(request)
            return stock
        filtered, key = self._filtered_key(request)
        if filtered is None or key is None:
            raise VstapeReplayMiss(
                f"vstape: {request.method} {request.uri} is filtered out by vcr_config"
            )
        request = filtered
        response = self._next_response(key)
        if response is None:
            raise self._miss(request, key)
        return self.deliver(request, key, response)

    def deliver(self, request: Any, key: RequestKey, response: dict[str, Any]) -> dict[str, Any]:
        """A response the index chose, as the client gets it: noted, its fault raised, checked, fast-forwarded.

        ``request`` needs only ``method`` and ``uri`` (a vcrpy Request, or the plugin
        transport's record of an httpx request: :mod:`vstape_pytest._vcr.transport`).
        """
        meta = meta_of(response)
        played.note(meta)
        if meta.get("fault"):
            error = replayed.transport_error(meta["fault"], request)
            if error is not None:
                raise error
        if self.settings.validate != "off":
            route = self._routes.get(key) or self._routes.setdefault(key, key.route)
            replayed.check(request, response, route, self.settings, self._path)
        if self.settings.fast_forward:
            response = {
                **response,
                "headers": fast_forward(response.get("headers") or {}, response["status"]["code"]),
            }
        return response

    def answer(
        self, request: Sent, body: bytes, headers: Any, address: tuple[str, int | None, str]
    ) -> dict[str, Any] | None:
        """``play_response`` for a request that is not a vcrpy Request (the plugin's transport).

        ``address``: the URL's (lower-case host, port, path), as parsed by the client.

        None when vcrpy's own path must decide (a request that is not vstape's, one this
        cassette cannot play - a miss to explain or a request to record -, filters or a
        record mode that change what plays): the caller then hands the request on to vcrpy.
        """
        if not getattr(self, "_identity_filter", False) or self.record_mode == RecordMode.ALL:
            return None
        if not (self.rewound or self.allow_playback_repeats):
            return None
        base_url = os.environ.get("OPENAI_BASE_URL")
        if self._hosts_for != (base_url,):  # parsed once per base URL
            self._hosts = scope.openai_hosts(self.settings.hosts, base_url)
            self._hosts_for = (base_url,)
        if not scope.owns_address(*address, self._hosts, headers):
            return None
        content_type = {"content-type": headers.get("content-type", "")} if body else {}
        key = request_key(request.method, request.uri, body, content_type)
        if self.settings.match == "route":
            key = by_route(key)
        if not (self.index.can_play(key) or self._joined_for(key) is not None):
            return None
        response = self._next_response(key)
        return None if response is None else self.deliver(request, key, response)

    def _next_response(self, key: RequestKey) -> dict[str, Any] | None:
        """The response to play: this cassette's own first, or a joined one (see ``join``)."""
        joined = self._joined_for(key)
        if joined is not None and (self.shipped_first or not self.index.can_play(key)):
            index, data, route_key = joined
            position = index.next(route_key)
            return None if position is None else dict(data[position][1])
        own = self.index.next(key)
        if own is None:
            return None
        position = self.positions[own]
        if self.play_counts[position] == 0 and position < self._loaded_count:
            self._played_interactions.append(self.data[position])  # for drop_unused_requests
        self.play_counts[position] += 1
        found: dict[str, Any] = self.data[position][1]
        return found

    def unused_report(self) -> str | None:
        """The interactions of vstape's this cassette never played, or None (all played)."""
        unused = self.index.unused()
        if not unused or not self.rewound:
            return None
        keys = [RequestKey("", "", (), "")] * len(self.data)
        for entry, position in enumerate(self.positions):
            keys[position] = self.index.keys[entry]
        return describe_unused([self.positions[i] for i in unused], keys, self.where)
