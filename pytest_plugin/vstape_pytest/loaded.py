"""vstape cassettes as vcrpy's in-memory interactions (requests and response dicts), fast.

Each response carries a ``vstape`` record (fault, scenario, file, index) that the replay
uses and stock vcrpy ignores; requests parse their URI and headers only when asked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vcr.request import HeadersDict
from vcr.request import Request as VcrRequest

from vstape.cassettes.binary import wire_headers
from vstape.cassettes.io import load
from vstape.cassettes.model import Cassette, InteractionMeta


class LoadedRequest(VcrRequest):  # type: ignore[misc]
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


def to_vcr(
    path: Path, cassette: Cassette | None = None
) -> tuple[list[VcrRequest], list[dict[str, Any]]]:
    """The interactions of ``cassette`` (loaded from ``path`` unless given) as vcrpy's."""
    loaded = load(path) if cassette is None else cassette
    requests: list[VcrRequest] = []
    responses: list[dict[str, Any]] = []
    for position, item in enumerate(loaded.interactions):
        req = item.request
        body = req.body.encode("utf-8") if isinstance(req.body, str) else req.body
        requests.append(LoadedRequest(req.method, req.uri, body, dict(req.headers.items())))
        response: dict[str, Any] = {
            "status": {"code": item.response.status.code, "message": item.response.status.message},
            "headers": wire_headers(item.response.headers),
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
