"""Build real cassettes for plugin tests: the official SDK against the in-process emulator.

Every exchange goes through :func:`vstape.recording.interaction.to_interaction`, exactly as the
recording proxy writes it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2
from openai import OpenAI

from vstape.cassettes.io import dump
from vstape.cassettes.model import Cassette, Interaction
from vstape.emulator import Emulator
from vstape.emulator.transport import EmulatorTransport
from vstape.http import Request, Response
from vstape.recording.interaction import Exchange, RecordPolicy, to_interaction


class RecordingTransport(httpx2.BaseTransport):
    """Answers from the emulator and keeps each exchange as a cassette interaction."""

    def __init__(self, emulator: Emulator) -> None:
        self.inner = EmulatorTransport(emulator)
        self.interactions: list[Interaction] = []

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        body = request.read()
        response = self.inner.handle_request(request)
        exchange = Exchange(
            Request(request.method, str(request.url), list(request.headers.items()), body),
            Response.as_received(
                response.status_code,
                list(response.headers.items()),
                response.read(),
                response.reason_phrase,
            ),
        )
        self.interactions.append(to_interaction(exchange, RecordPolicy()))
        return response


def record(path: Path, script: Callable[[OpenAI], Any], *, seed: int = 7, **emulator: Any) -> Any:
    """Run ``script`` with an SDK client and write what it did to the cassette ``path``."""
    transport = RecordingTransport(Emulator(seed=seed, **emulator))
    client = OpenAI(
        api_key="sk-record",
        base_url="https://api.openai.com/v1",
        max_retries=0,
        http_client=httpx2.Client(transport=transport),
    )
    result = script(client)
    dump(Cassette(transport.interactions), path)
    return result
