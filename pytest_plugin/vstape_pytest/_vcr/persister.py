"""vcrpy persister: vstape's interactions the vstape way, everything else exactly as stock.

A cassette file that mentions no ``/v1/vector_stores`` or ``/v1/files`` URL is loaded and
saved by the persister vstape wraps (pytest-recording's, or the one the user registered):
the same calls, the same bytes. A file that holds vstape's interactions is loaded with
:mod:`vstape.cassettes.io` (safe, validated); its other interactions are read as vcrpy reads
them. On save, vstape's interactions are redacted and normalized and the others serialized
as vcrpy serializes them (:mod:`vstape_pytest._vcr.convert`), written atomically under the
cassette's lock (no file left beside the cassette).

:meth:`VstapePersister.missing_extras` names the extra cassettes of ``@pytest.mark.vcr(...)``
that do not exist (stock pytest-recording ignores them without a word); the cassette
makes that an error when it can only replay, a warning when it records.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from vcr.persisters.filesystem import CassetteNotFoundError
from vcr.request import Request as VcrRequest

from vstape.api import scope
from vstape.cassettes.io import format_of, loads, read_bytes, write_atomic
from vstape.cassettes.locks import cassette_lock
from vstape.cassettes.model import CassetteError, InteractionMeta
from vstape.http import path_of
from vstape_pytest._vcr import matcher
from vstape_pytest._vcr.convert import interaction_of, serialize, stock_item, stock_items, to_vcr
from vstape_pytest.errors import VstapeReplayInvalid

_API_MARKS = tuple(prefix.encode() for prefix in scope.API_PREFIXES)


def _read(path: str) -> bytes | None:
    try:
        return Path(path).read_bytes() if Path(path).is_file() else None
    except OSError:
        return None  # unreadable: the wrapped persister says what it says about it


def _mentions_api(data: bytes | None) -> bool:
    return data is not None and any(mark in data for mark in _API_MARKS)


class VstapePersister:
    """Loads and saves one test's cassettes; ``wrapped`` handles every file vstape need not."""

    def __init__(self, wrapped: Any, hosts: tuple[str, ...], library_dir: str | None) -> None:
        self.wrapped = wrapped
        self.hosts = hosts
        self.extra_paths: list[str] = list(getattr(wrapped, "extra_paths", None) or [])
        self.library_dir = library_dir

    # -- loading ------------------------------------------------------------------------

    def missing_extras(self, cassette_path: str) -> list[str]:
        """The extra cassettes (other than the test's own) that do not exist."""
        return [p for p in self.extra_paths if p != cassette_path and not os.path.exists(p)]

    def missing_message(self, path: str, *, replay_only: bool) -> str:
        """What is missing, where it was looked for, how relative names resolve, the fix."""
        folder = self.library_dir or os.getcwd()
        inside = os.path.abspath(path).startswith(os.path.abspath(folder) + os.sep)
        named = os.path.relpath(path, folder) if inside else path
        consequence = (
            "nothing can be replayed from it"
            if replay_only
            else "nothing is replayed from it, and what the test sends is recorded into its own cassette"
        )
        return (
            f"vstape: the extra cassette {named!r} named in @pytest.mark.vcr(...) does not "
            f"exist: no file at {os.path.abspath(path)}; {consequence}. A relative name "
            f"resolves against the test module's vcr_cassette_dir ({folder}), not the current "
            "folder. Fix the name, give an absolute path, or record that cassette first "
            "(`vstape record --cassette PATH`); extra cassettes are only read, never recorded into"
        )

    def _owns_stored(self, uri: str, meta: object) -> bool:
        hosts = scope.openai_hosts(self.hosts, os.environ.get("OPENAI_BASE_URL"))
        if scope.owns(uri, hosts):
            return True
        # Recorded by vstape with the host kept: still an API interaction of vstape's.
        return isinstance(meta, InteractionMeta) and scope.is_api_path(path_of(uri))

    def _load_file(
        self, path: str, data: bytes, serializer: Any
    ) -> tuple[list[VcrRequest], list[dict[str, Any]]]:
        try:
            cassette = loads(data, fmt=format_of(path), where=path)
        except CassetteError as err:
            raise VstapeReplayInvalid(str(err)) from err
        owned = [self._owns_stored(i.request.uri, i.vstape) for i in cassette.interactions]
        requests, responses = to_vcr(Path(path), cassette)
        if not all(owned):
            stock_requests, stock_responses = stock_items(data, serializer, cassette)
            for position, mine in enumerate(owned):
                if not mine:
                    requests[position] = stock_requests[position]
                    responses[position] = stock_responses[position]
        for request, mine in zip(requests, owned, strict=True):
            matcher.mark(request, mine)
        return requests, responses

    def load_cassette(self, cassette_path: str, serializer: Any) -> Any:
        """The cassette's interactions and its extra cassettes' (stock when none is vstape's)."""
        contents = {path: _read(path) for path in dict.fromkeys([cassette_path, *self.extra_paths])}
        if not any(_mentions_api(data) for data in contents.values()):
            return self.wrapped.load_cassette(cassette_path, serializer=serializer)
        requests: list[VcrRequest] = []
        responses: list[dict[str, Any]] = []
        for path, data in contents.items():
            if data is None and os.path.exists(path):
                try:  # there but not a readable file: say why, never skip it silently
                    data = read_bytes(path)
                except CassetteError as err:
                    raise VstapeReplayInvalid(str(err)) from err
            if data is None or not data.strip():  # vcrpy treats an empty file as no cassette
                continue
            file_requests, file_responses = self._load_file(path, data, serializer)
            requests += file_requests
            responses += file_responses
        if not requests:
            raise CassetteNotFoundError(f"no interactions in {cassette_path} or its extras")
        return requests, responses

    # -- saving -------------------------------------------------------------------------

    def save_cassette(
        self, cassette_path: str, cassette_dict: dict[str, Any], serializer: Any = None
    ) -> None:
        """Write the cassette: vstape's interactions redacted and normalized, the rest as stock."""
        requests = cassette_dict["requests"]
        owned = [matcher.owns(r, self.hosts) for r in requests]
        if not any(owned):
            self.wrapped.save_cassette(cassette_path, cassette_dict, serializer=serializer)
            return
        if cassette_dict.get("metadata"):
            raise VstapeReplayInvalid(
                f"vstape: {cassette_path}: cassette metadata (get_metadata) cannot be stored in a "
                "cassette that holds OpenAI Vector Stores traffic; keep that test's other "
                "traffic in its own cassette, or run it with @pytest.mark.vstape(off=True)"
            )
        path = Path(cassette_path)
        items = [
            interaction_of(request, response) if mine else stock_item(request, response)
            for request, response, mine in zip(
                requests, cassette_dict["responses"], owned, strict=True
            )
        ]
        data = serialize(items, format_of(path), serializer)
        path.parent.mkdir(parents=True, exist_ok=True)
        with cassette_lock(path):  # pytest-xdist workers may share a cassette
            write_atomic(path, data)
