"""The live emulator a test talks to: its handle, and loopback let through ``--block-network``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest


class VectorStoreEmulatorHandle:
    """The running emulator: ``url``, ``client()``, ``async_client()``, ``reset()``."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.url: str = server.url

    def reset(self) -> None:
        """Forget every object."""
        self.server.emulator.reset()

    def client(self, **options: Any) -> Any:
        """An ``OpenAI`` client pointed at the emulator."""
        from openai import OpenAI

        return OpenAI(
            **{"api_key": "sk-emulator", "base_url": self.url, "max_retries": 0, **options}
        )

    def async_client(self, **options: Any) -> Any:
        """An ``AsyncOpenAI`` client pointed at the emulator."""
        from openai import AsyncOpenAI

        return AsyncOpenAI(
            **{"api_key": "sk-emulator", "base_url": self.url, "max_retries": 0, **options}
        )


@contextmanager
def loopback_allowed(request: pytest.FixtureRequest) -> Iterator[None]:
    """Under ``--block-network``, let this test reach the emulator on 127.0.0.1 (only that)."""
    import socket

    try:
        from pytest_recording import network
    except ImportError:
        yield
        return
    original = getattr(network, "_original_connect", None)
    if original is None or socket.socket.connect is original:  # not blocked
        yield
        return
    hosts = list(request.getfixturevalue("allowed_hosts") or [])
    network.block(allowed_hosts=[*hosts, r"127\.0\.0\.1"])
    try:
        yield
    finally:
        network.block(allowed_hosts=hosts or None)
