"""A stateful, in-memory, deterministic emulator of the Vector Stores API (+ /v1/files).

Pure Python: ``Emulator().handle(EmuRequest(...)) -> EmuResponse``. Served by the
mitmproxy addon ``proxy_addons/vstape_mitmproxy/emulator.py`` (``vstape emulate``) and in-process by
:mod:`vstape.emulator.transport` (httpx2 transports, no socket).
"""

from __future__ import annotations

from vstape.emulator.core import Emulator, EmuRequest, EmuResponse

__all__ = ["EmuRequest", "EmuResponse", "Emulator"]
