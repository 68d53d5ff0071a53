"""A test-only upstream for `vstape drift live`: the emulator, with answers changed per route.

It wraps :class:`vstape.emulator.Emulator` (served by the stdlib server the plugin's
fixture uses, on 127.0.0.1) and counts and remembers every request, so tests can assert
that a dry run sent nothing and that ids were remapped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import msgspec

from tests.workload import recorded
from vstape.api.routes import match
from vstape.cassettes.io import dump
from vstape.cassettes.model import Cassette
from vstape.emulator import Emulator
from vstape.emulator.http_server import EmulatorServer
from vstape.http import Request, Response

Change = Callable[[Response], Response]


def with_body(edit: Callable[[dict[str, Any]], None]) -> Change:
    """A change that edits the JSON body of a 2xx answer."""

    def change(answer: Response) -> Response:
        if not 200 <= answer.status < 300:
            return answer
        body = msgspec.json.decode(answer.body)
        edit(body)
        return Response(answer.status, answer.headers, msgspec.json.encode(body))

    return change


def with_status(status: int) -> Change:
    """A change that keeps the body and sends another status."""
    return lambda answer: Response(status, answer.headers, answer.body)


class ChangingEmulator(Emulator):
    """The emulator whose answers on some routes are changed; every request remembered."""

    def __init__(self, changes: dict[str, Change] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.changes = changes or {}
        self.requests: list[Request] = []

    def handle(self, request: Request) -> Response:
        """Answer as the emulator does, then apply the route's change."""
        self.requests.append(request)
        answer = super().handle(request)
        found = match(request.method, request.path)
        change = self.changes.get(found.route.name) if found else None
        return change(answer) if change else answer


@contextmanager
def serving(emulator: Emulator) -> Iterator[str]:
    """The emulator on 127.0.0.1; yields its base URL (``.../v1``)."""
    server = EmulatorServer(emulator)
    try:
        yield server.url
    finally:
        server.stop()


def record_cassette(path: Path) -> list[str]:
    """The SDK workload recorded against a fresh emulator into ``path``; its issued ids."""
    items, _ = recorded()
    dump(Cassette(items), path)
    ids: list[str] = []
    for item in items:
        if 200 <= item.response.status.code < 300:
            body = msgspec.json.decode(item.response.body.bytes)
            if isinstance(body, dict) and isinstance(body.get("id"), str):
                ids.append(body["id"])
    return ids
