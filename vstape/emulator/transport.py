"""The emulator as httpx2 transports: the official SDK talks to it with no socket.

client = OpenAI(api_key="sk-test", base_url="http://emulator/v1",
                http_client=httpx2.Client(transport=EmulatorTransport(Emulator())))
"""

from __future__ import annotations

import httpx2

from vstape.emulator.app import Emulator
from vstape.http import Request, Response


def _to_emu(request: httpx2.Request, body: bytes) -> Request:
    path = request.url.raw_path.decode("ascii")
    return Request(request.method, path, tuple(request.headers.items()), body)


def _to_httpx(response: Response) -> httpx2.Response:
    return httpx2.Response(response.status, headers=list(response.headers), content=response.body)


class EmulatorTransport(httpx2.BaseTransport):
    """A sync httpx2 transport answered by an :class:`Emulator`."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        """Answer one request in-process."""
        return _to_httpx(self.emulator.handle(_to_emu(request, request.read())))


class AsyncEmulatorTransport(httpx2.AsyncBaseTransport):
    """An async httpx2 transport answered by an :class:`Emulator`."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        """Answer one request in-process."""
        return _to_httpx(self.emulator.handle(_to_emu(request, await request.aread())))
