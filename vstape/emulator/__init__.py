"""A stateful, in-memory, deterministic emulator of the Vector Stores API (+ /v1/files).

Pure Python: ``Emulator().handle(vstape.http.Request(...)) -> vstape.http.Response``.
Served by the mitmproxy addon ``proxy_addons/vstape_mitmproxy/emulator.py``
(``vstape emulate``) and in-process by :mod:`vstape.emulator.transport` (httpx2
transports, no socket). :mod:`vstape.emulator.app` dispatches to one handler per route
(:mod:`vstape.emulator.handlers`, one module per object family).
"""

from __future__ import annotations

from vstape.emulator.app import Emulator

__all__ = ["Emulator"]
