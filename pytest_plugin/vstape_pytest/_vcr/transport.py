"""The plugin's own SDK clients replay at the transport: no vcrpy stub on the way.

The ``openai_client`` / ``async_openai_client`` fixtures build their clients over
:class:`ReplayTransport` / :class:`AsyncReplayTransport` (httpx2, the SDK's own HTTP
stack). For each request, the cassette in use (a ``@pytest.mark.vcr`` cassette, or the
shipped ones a ``<route>_response`` / ``<route>_failure`` fixture or ``vstape_replay``
opened) answers it through :meth:`IndexedCassette.answer
<vstape_pytest._vcr.cassette.IndexedCassette.answer>`: the same ``ReplayIndex``, sequences,
fast-forward, validation, fault replay and played-interaction notes as vcrpy's path, minus
vcrpy's request copies, matcher calls and response conversion.

Whatever that cannot answer - no cassette in use, a request that is not vstape's, a miss
(explained, or recorded), filters or a record mode that change what plays - goes to an
ordinary ``httpx2.HTTPTransport``, which vcrpy patches while a cassette is in use: vcrpy
then does exactly what it does for any other client (same errors on a miss, same
recording), and without a cassette the request goes to the network as usual.
"""

from __future__ import annotations

from typing import Any

import httpx2

from vstape.api.scope import DEFAULT_PORTS
from vstape_pytest._vcr.cassette import IndexedCassette
from vstape_pytest._vcr.replayed import Sent


def _answer(request: httpx2.Request, body: bytes) -> httpx2.Response | None:
    """The replayed response for ``request``, or None: the wrapped transport decides."""
    if not IndexedCassette.in_use:
        return None
    url = request.url
    path = url.raw_path.decode("ascii", "replace").partition("?")[0]  # as sent, like vcrpy's
    address = (url.host, url.port or DEFAULT_PORTS.get(url.scheme), path)
    found = IndexedCassette.in_use[-1].answer(
        Sent(request.method, str(url)), body, request.headers, address
    )
    if found is None:
        return None
    status = found["status"]
    message = status.get("message")
    body_out = found["body"]["string"]
    return httpx2.Response(
        status["code"],
        headers=[(name, value) for name, values in found["headers"].items() for value in values],
        stream=httpx2.ByteStream(body_out.encode() if isinstance(body_out, str) else body_out),
        # as vcrpy does: the recorded reason phrase (non-ASCII bytes would not encode)
        extensions={"reason_phrase": message.encode("ascii", "replace")} if message else None,
    )


class ReplayTransport(httpx2.BaseTransport):
    """Answers from the cassette in use; everything else goes to ``inner`` (vcrpy's, or the network)."""

    def __init__(self, inner: httpx2.BaseTransport | None = None) -> None:
        self.inner = inner if inner is not None else httpx2.HTTPTransport()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        body = request.read()  # multipart uploads stream: read once, replayable for inner
        replayed = _answer(request, body)
        return replayed if replayed is not None else self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


class AsyncReplayTransport(httpx2.AsyncBaseTransport):
    """The async twin of :class:`ReplayTransport`."""

    def __init__(self, inner: httpx2.AsyncBaseTransport | None = None) -> None:
        self.inner = inner if inner is not None else httpx2.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        body = await request.aread()
        replayed = _answer(request, body)
        if replayed is not None:
            return replayed
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def http_client(**kwargs: Any) -> httpx2.Client:
    """The SDK's default httpx2 client (timeouts, limits, redirects) over a :class:`ReplayTransport`."""
    from openai import DEFAULT_CONNECTION_LIMITS, DefaultHttpx2Client

    inner = httpx2.HTTPTransport(limits=DEFAULT_CONNECTION_LIMITS)
    return DefaultHttpx2Client(transport=ReplayTransport(inner), **kwargs)


def async_http_client(**kwargs: Any) -> httpx2.AsyncClient:
    """The SDK's default async httpx2 client over an :class:`AsyncReplayTransport`."""
    from openai import DEFAULT_CONNECTION_LIMITS, DefaultAsyncHttpx2Client

    inner = httpx2.AsyncHTTPTransport(limits=DEFAULT_CONNECTION_LIMITS)
    return DefaultAsyncHttpx2Client(transport=AsyncReplayTransport(inner), **kwargs)
