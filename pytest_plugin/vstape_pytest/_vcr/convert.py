"""vstape's cassettes to vcrpy's in-memory interactions and back, and the bytes of a mixed cassette.

Loading: each response carries a ``vstape`` record (fault, scenario, file, index) that the
replay uses and stock vcrpy ignores; requests parse their URI and headers only when asked.
Saving: vstape's interactions are redacted and normalized like the recording proxy does
(:func:`vstape.recording.interaction.to_interaction`); the others are laid out as vcrpy
lays them out, in the order they were recorded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import msgspec
from vcr.request import HeadersDict
from vcr.request import Request as VcrRequest
from vcr.serialize import deserialize
from vcr.serializers import compat, jsonserializer, yamlserializer

from vstape.cassettes.binary import wire_headers
from vstape.cassettes.io import assemble, dump_item, load
from vstape.cassettes.model import Cassette, Interaction, InteractionMeta
from vstape.http import Request, Response
from vstape.recording.interaction import Exchange, RecordPolicy, to_interaction

META = "vstape"
"""The key of vstape's record on a loaded response (fault, scenario, file, index); vcrpy ignores it."""


def meta_of(response: dict[str, Any]) -> dict[str, Any]:
    """vstape's record on a response (``{}`` on one that was never loaded from a cassette)."""
    found: dict[str, Any] = response.get(META) or {}
    return found


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
        response[META] = {
            "fault": meta.fault,
            "scenario": meta.scenario,
            "file": str(path),
            "index": position,
        }
        responses.append(response)
    return requests, responses


def stock_items(
    data: bytes, serializer: Any, cassette: Cassette
) -> tuple[list[VcrRequest], list[dict[str, Any]]]:
    """Every interaction of the file as vcrpy's own deserializer reads it."""
    try:
        requests, responses, *_ = deserialize(data.decode("utf-8"), serializer or yamlserializer)
        if len(requests) == len(cassette.interactions):
            return list(requests), list(responses)
    except Exception:  # a layout only vstape reads (base64 bodies): rebuild from the model
        pass
    requests, responses = [], []
    for item in cassette.interactions:
        requests.append(
            VcrRequest._from_dict(msgspec.to_builtins(item.request, builtin_types=(bytes,)))
        )
        responses.append(
            compat.convert_to_bytes(msgspec.to_builtins(item.response, builtin_types=(bytes,)))
        )
    return requests, responses


def interaction_of(request: VcrRequest, response: dict[str, Any]) -> Interaction:
    """One of vstape's interactions as vstape records it (redacted, normalized)."""
    body = request.body or b""
    exchange = Exchange(
        Request(
            request.method,
            request.uri,
            [(k, v) for k, v in request.headers.items()],
            body.encode() if isinstance(body, str) else body,
        ),
        Response.as_received(
            int(response["status"]["code"]),
            [(k, v) for k, values in response.get("headers", {}).items() for v in values],
            response.get("body", {}).get("string") or b"",
            str(response["status"].get("message", "")),
        ),
    )
    meta = meta_of(response)  # a replayed interaction keeps its scenario and fault
    return to_interaction(
        exchange, RecordPolicy(), scenario=meta.get("scenario"), fault=meta.get("fault")
    )


def stock_item(request: VcrRequest, response: dict[str, Any]) -> dict[str, Any]:
    """One interaction as ``vcr.serialize.serialize`` lays it out."""
    return {
        "request": compat.convert_to_unicode(request._to_dict()),
        "response": compat.convert_to_unicode(response),
    }


def serialize(items: list[Any], fmt: Literal["yaml", "json"], serializer: Any) -> bytes:
    """vstape's interactions as vstape writes them, the stock ones as vcrpy writes them."""
    if fmt == "json" and not any(isinstance(item, dict) for item in items):
        return assemble([dump_item(item, "json") for item in items], "json")
    if not any(isinstance(item, dict) for item in items):
        return assemble([dump_item(item) for item in items])
    if fmt == "json":
        document = [
            item if isinstance(item, dict) else msgspec.json.decode(dump_item(item, "json"))
            for item in items
        ]
        text: str = jsonserializer.serialize({"interactions": document, "version": 1})
        return text.encode("utf-8")
    chosen = serializer or yamlserializer
    if chosen is yamlserializer:
        # Item by item: vstape's as literal blocks, the others as vcrpy's dumper writes them
        # inside a whole cassette (its block sequences are not indented under the key).
        parts = [
            chosen.serialize([item]).encode("utf-8") if isinstance(item, dict) else dump_item(item)
            for item in items
        ]
        if not any(b"&id0" in part for part in parts):  # anchors are per document: keep them unique
            return assemble(parts)
    document = [
        item if isinstance(item, dict) else msgspec.to_builtins(item, builtin_types=(bytes,))
        for item in items
    ]
    whole: str = chosen.serialize({"interactions": document, "version": 1})
    return whole.encode("utf-8")
