"""vcrpy configured for the Vector Stores API: indexed cassette, persister, matcher.

Imported lazily (from the ``pytest_recording_configure`` hook), never at plugin import.

- :class:`IndexedCassette` replaces vcrpy's ``Cassette`` class: lookups go through
  :class:`vstape.replay.ReplayIndex` (O(1) per request instead of two scans of the whole
  cassette), identical requests replay in order, poll/retry delays are fast-forwarded,
  each replayed response is validated, transport faults become the client's exception.
- :class:`VstapePersister` loads YAML or JSON cassettes with :mod:`vstape.cassettes`
  (validated, safe) and saves through :func:`vstape.recording.to_interaction`, the same
  redaction and normalization as the recording proxy, atomically under a lock.
"""

from __future__ import annotations

import contextvars
import fcntl
import sys
import warnings
from pathlib import Path
from typing import Any, ClassVar

import vcr.config
from vcr.cassette import Cassette
from vcr.persisters.filesystem import CassetteNotFoundError
from vcr.record_mode import RecordMode
from vcr.request import HeadersDict
from vcr.request import Request as VcrRequest

from pytest_plugin import played
from pytest_plugin.errors import VstapeReplayInvalid, VstapeReplayMiss
from pytest_plugin.settings import DEFAULTS, Settings
from vstape.cassettes import (
    CassetteError,
    InteractionMeta,
    assemble,
    dump_item,
    format_of,
    load,
    write_atomic,
)
from vstape.matching import RequestKey, by_route, request_key
from vstape.recording import Exchange, RecordPolicy, to_interaction
from vstape.replay import ReplayIndex, fast_forward
from vstape.validate import validate_response

CURRENT: contextvars.ContextVar[Settings] = contextvars.ContextVar(
    "vstape_settings", default=DEFAULTS
)
RERECORD = "pytest --record-mode=rewrite <this test> against the real API or `vstape emulate`, or `vstape record`"


class ReplayWarning(UserWarning):
    """A replay problem reported but not failing the test (``warn`` modes)."""


def _key(request: VcrRequest, match: str = "exact") -> RequestKey:
    headers = (
        request.__dict__["_headers"] if isinstance(request, _LoadedRequest) else request.headers
    )
    key = request_key(request.method, request.uri, request.body, headers)
    return by_route(key) if match == "route" else key


def _is_identity(hook: Any) -> bool:
    """Whether vcrpy's composed before_record_request hook has no filter to apply."""
    names = getattr(getattr(hook, "__code__", None), "co_freevars", ())
    cells = getattr(hook, "__closure__", None) or ()
    for name, cell in zip(names, cells, strict=False):
        if name == "filter_functions":
            return bool(cell.cell_contents == [])
    return False


def _transport_error(fault: str, request: VcrRequest) -> Exception | None:
    """The exception the client's own transport raises for this fault (httpx2 and httpx).

    None when the fault is not a transport fault (it replays as the recorded response).
    """
    from vstape.faults import BY_SCENARIO

    scenario = BY_SCENARIO.get(fault)
    name = scenario.transport_error if scenario is not None else None
    if name is None:
        return None
    bases = tuple(
        getattr(sys.modules[module], name)
        for module in ("httpx2", "httpx")
        if module in sys.modules
    )
    message = f"vstape replayed fault {fault!r} ({scenario.summary if scenario else ''}): {request.method} {request.uri}"
    if not bases:
        return ConnectionResetError(message)
    error_type = type(f"Replayed{name}", bases, {})
    error: Exception = error_type(message)
    return error


class IndexedCassette(Cassette):  # type: ignore[misc]
    """vcrpy's Cassette with an index, sequencing, fast-forward, validation and faults."""

    active: ClassVar[list[IndexedCassette]] = []
    # Cassettes in use right now, innermost last: a shipped cassette asked for while one
    # is in use joins it instead of hiding it behind a second interception.
    in_use: ClassVar[list[IndexedCassette]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.settings = CURRENT.get()
        self.index = ReplayIndex([], self.settings.exhausted)
        self.problems: list[str] = []
        self.shipped_first = False  # set by replay_shipped for a cassette it opened itself
        self.joined: list[tuple[ReplayIndex, list[tuple[VcrRequest, dict[str, Any]]]]] = []
        IndexedCassette.active.append(self)

    def join(self, path: Path) -> None:
        """Also answer from the cassette at ``path``, matched by route (any ids, any body).

        Its interactions are never saved into this cassette; one joined later wins over
        one joined earlier for the same route.
        """
        try:
            requests, responses = _to_vcr(path)
        except CassetteError as err:
            raise VstapeReplayInvalid(str(err)) from err
        keys = [by_route(_key(r)) for r in requests]
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

    def _save(self, force: bool = False) -> None:
        try:
            super()._save(force=force)
        finally:
            if self in IndexedCassette.in_use:
                IndexedCassette.in_use.remove(self)

    def _load(self) -> None:
        self._identity_filter = _is_identity(self._before_record_request)
        if self._after_load_interaction or not self._identity_filter:
            super()._load()  # user hooks: vcrpy's own (copying) path
        else:
            self._load_fast()
        self.index = ReplayIndex(
            [_key(r, self.settings.match) for r, _ in self.data], self.settings.exhausted
        )
        IndexedCassette.in_use.append(self)

    def _load_fast(self) -> None:
        """vcrpy's _load without a deep copy of every response (nothing filters them)."""
        try:
            requests, responses, *_ = self._persister.load_cassette(
                self._path, serializer=self._serializer
            )
        except CassetteNotFoundError:
            return
        self.data = list(zip(requests, responses, strict=True))
        self._old_interactions = list(self.data)
        self._loaded_count = len(self.data)
        self.dirty = False
        self.rewound = True

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
        result = (filtered, _key(filtered, self.settings.match) if filtered else None)
        request.__dict__["_vstape_key"] = result
        return result

    @property
    def where(self) -> str:
        """The cassette file(s) this cassette was loaded from."""
        files = dict.fromkeys(str(r.get("vstape", {}).get("file", "")) for _, r in self.data)
        return ", ".join(f for f in files if f) or str(self._path)

    def __contains__(self, request: VcrRequest) -> bool:
        return _key(request, self.settings.match) in self.index

    def _miss(self, request: VcrRequest, key: RequestKey) -> VstapeReplayMiss:
        return VstapeReplayMiss(
            self.index.explain_miss(key, self.where, RERECORD, self._label), self, request
        )

    def _label(self, index: int) -> str:
        """``#position``, with the file in front when the cassette joins several files."""
        meta = self.data[index][1].get("vstape") or {}
        position = f"#{meta.get('index', index)}"
        return position if ", " not in self.where else f"{meta.get('file', self._path)} {position}"

    def can_play_response_for(self, request: VcrRequest) -> bool:
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
        filtered, key = self._filtered_key(request)
        if filtered is None or key is None:
            raise VstapeReplayMiss(
                f"vstape: {request.method} {request.uri} is filtered out by vcr_config"
            )
        request = filtered
        response = self._next_response(key)
        if response is None:
            raise self._miss(request, key)
        meta = response.get("vstape") or {}
        played.note(meta)
        if meta.get("fault"):
            error = _transport_error(meta["fault"], request)
            if error is not None:
                raise error
        if self.settings.validate != "off":
            self._validate(request, response, key.route)
        if self.settings.fast_forward:
            response = {
                **response,
                "headers": fast_forward(response.get("headers") or {}, response["status"]["code"]),
            }
        return response

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
        self.play_counts[own] += 1
        found: dict[str, Any] = self.data[own][1]
        return found

    def _validate(self, request: VcrRequest, response: dict[str, Any], route: str) -> None:
        if response.get("vstape", {}).get("fault"):
            return  # deliberately broken bodies (malformed_json, ...) replay as recorded
        headers = {
            k: v[0] if isinstance(v, list) and v else str(v)
            for k, v in response.get("headers", {}).items()
        }
        body = response.get("body", {}).get("string", b"")
        body = body.encode() if isinstance(body, str) else body
        path = request.uri.split("://", 1)[-1]
        path = "/" + path.split("/", 1)[1] if "/" in path else "/"
        found = [
            v
            for v in validate_response(
                request.method, path, response["status"]["code"], headers, body
            )
            if v.severity == "error"
        ]
        if not found:
            return
        meta = response.get("vstape", {})
        message = (
            f"vstape: replayed response #{meta.get('index', '?')} of {meta.get('file', self._path)} "
            f"({route}, {response['status']['code']}) "
            "does not match the schema:\n"
            + "\n".join(f"  {v.path}: {v.message}" for v in found)
            + "\nFix or re-record the cassette, or pass --vstape-validate=warn. See README.md#validation-on-replay"
        )
        if self.settings.validate == "error":
            raise VstapeReplayInvalid(message)
        warnings.warn(message, ReplayWarning, stacklevel=2)


class _LoadedRequest(VcrRequest):  # type: ignore[misc]
    """A vcrpy Request that parses its URI and headers only when someone asks (fast loads)."""

    @property
    def uri(self) -> str:
        return str(self._uri)

    @uri.setter
    def uri(self, uri: str) -> None:
        self._uri = uri
        self.__dict__.pop("_parsed_uri", None)

    @property
    def parsed_uri(self) -> Any:
        if "_parsed_uri" not in self.__dict__:
            from urllib.parse import urlparse

            self.__dict__["_parsed_uri"] = urlparse(self._uri)
        return self.__dict__["_parsed_uri"]

    @property
    def headers(self) -> Any:
        raw: Any = self.__dict__["_headers"]
        if not isinstance(raw, HeadersDict):
            raw = self.__dict__["_headers"] = HeadersDict(raw)
        return raw

    @headers.setter
    def headers(self, value: Any) -> None:
        self.__dict__["_headers"] = value


def _to_vcr(path: Path) -> tuple[list[VcrRequest], list[dict[str, Any]]]:
    requests: list[VcrRequest] = []
    responses: list[dict[str, Any]] = []
    for position, item in enumerate(load(path).interactions):
        req = item.request
        body = req.body.encode("utf-8") if isinstance(req.body, str) else req.body
        requests.append(_LoadedRequest(req.method, req.uri, body, dict(req.headers.items())))
        response: dict[str, Any] = {
            "status": {"code": item.response.status.code, "message": item.response.status.message},
            "headers": item.response.headers,
            "body": {"string": item.response.body.bytes},
        }
        meta = item.vstape if isinstance(item.vstape, InteractionMeta) else InteractionMeta()
        response["vstape"] = {
            "fault": meta.fault,
            "scenario": meta.scenario,
            "file": str(path),
            "index": position,
        }
        responses.append(response)
    return requests, responses


class VstapePersister:
    """Loads and saves cassettes the vstape way (safe, validated, redacted, atomic)."""

    extra_paths: ClassVar[list[str]] = []

    @classmethod
    def load_cassette(
        cls, cassette_path: str, serializer: Any
    ) -> tuple[list[VcrRequest], list[dict[str, Any]]]:
        """Every interaction of the cassette and of the marker's extra cassettes."""
        requests: list[VcrRequest] = []
        responses: list[dict[str, Any]] = []
        found = False
        for path in dict.fromkeys([cassette_path, *cls.extra_paths]):
            if not Path(path).exists():
                continue
            found = True
            try:
                reqs, resps = _to_vcr(Path(path))
            except CassetteError as err:
                raise VstapeReplayInvalid(str(err)) from err
            requests += reqs
            responses += resps
        if not found:
            raise CassetteNotFoundError(f"no cassette at {cassette_path}")
        return requests, responses

    @staticmethod
    def save_cassette(
        cassette_path: str, cassette_dict: dict[str, Any], serializer: Any = None
    ) -> None:
        """Write the cassette: each interaction redacted and normalized like the proxy does."""
        path = Path(cassette_path)
        fmt = format_of(path)
        items = []
        for request, response in zip(
            cassette_dict["requests"], cassette_dict["responses"], strict=True
        ):
            body = request.body or b""
            exchange = Exchange(
                method=request.method,
                url=request.uri,
                request_headers=[(k, v) for k, v in request.headers.items()],
                request_body=body.encode() if isinstance(body, str) else body,
                status=int(response["status"]["code"]),
                reason=str(response["status"].get("message", "")),
                response_headers=[
                    (k, v) for k, values in response.get("headers", {}).items() for v in values
                ],
                response_body=response.get("body", {}).get("string") or b"",
            )
            items.append(dump_item(to_interaction(exchange, RecordPolicy()), fmt))
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(f"{path}.lock", "a+b") as lock:  # pytest-xdist workers may share a cassette
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                write_atomic(path, assemble(items, fmt))
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def _vstape_matcher(r1: VcrRequest, r2: VcrRequest) -> None:
    """vcrpy matcher contract: raise AssertionError naming the difference."""
    k1, k2 = _key(r1), _key(r2)
    if k1 != k2:
        raise AssertionError(f"{k1} != {k2}")


def configure(vcr_instance: Any, settings: Settings) -> None:
    """Point one pytest-recording VCR at vstape's cassette class, persister and matcher."""
    vcr.config.Cassette = IndexedCassette
    extra_paths = list(getattr(vcr_instance.persister, "extra_paths", []))
    persister = type("BoundVstapePersister", (VstapePersister,), {"extra_paths": extra_paths})
    vcr_instance.register_persister(persister)
    vcr_instance.register_matcher("vstape", _vstape_matcher)
    vcr_instance.match_on = ("vstape",)
    vcr_instance.decode_compressed_response = True
    if settings.format == "json":
        vcr_instance.path_transformer = vcr.config.VCR.ensure_suffix(".json")


__all__ = ["CURRENT", "IndexedCassette", "ReplayWarning", "configure"]
