"""The same SDK workload recorded in-process: the official SDK, the emulator, to_interaction.

Each exchange goes through :func:`vstape.recording.interaction.to_interaction`, as the
recording proxy and the pytest plugin write it. Without a seed the emulator draws random
ids and reads the wall clock, as two re-recordings against the real API would differ.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx2
from openai import OpenAI

from tests.plugin.cassette_factory import RecordingTransport
from vstape.cassettes.model import Interaction
from vstape.cli.sdk.script import run_everything
from vstape.emulator import Emulator


def recorded(
    script: Callable[[OpenAI], Any] = run_everything, *, seed: int | None = None, **emulator: Any
) -> tuple[list[Interaction], Any]:
    """The interactions ``script`` made against a fresh emulator, and what it returned."""
    transport = RecordingTransport(Emulator(seed=seed, **emulator))
    with OpenAI(
        api_key="sk-record",
        base_url="https://api.openai.com/v1",
        max_retries=0,
        http_client=httpx2.Client(transport=transport),
    ) as client:
        result = script(client)
    return transport.interactions, result
