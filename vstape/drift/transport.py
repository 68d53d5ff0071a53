"""How ``vstape drift live`` reaches the upstream: its base URL, and one request at a time.

:data:`Send` is the one seam: the standard library's HTTP client (:func:`http_send`, TLS
verified, a timeout per request) in the command, anything else in a test. A request
that gets no answer (refused, reset, timed out, a name that does not resolve) is a
:class:`LiveError` naming the host; an HTTP error status is an answer like any other.
"""

from __future__ import annotations

import ssl
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

from vstape.drift.live_compare import Answer

__all__ = ["LiveError", "Send", "base_url", "http_send"]

Send = Callable[[str, str, Mapping[str, str], bytes], Answer]
"""(method, url, headers, body) -> the answer; raises :class:`LiveError` when none came."""


class LiveError(Exception):
    """The upstream could not be reached or gave no answer."""


def base_url(upstream: str) -> str:
    """``https://host/v1`` for ``https://host``, ``https://host/v1`` or ``.../v1/``."""
    parts = urlsplit(upstream)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(
            f"--upstream {upstream!r}: not an http(s) URL; give the API's base URL, e.g. "
            "https://api.openai.com/v1"
        )
    path = parts.path.rstrip("/")
    if not path.endswith("/v1"):
        path += "/v1"
    return f"{parts.scheme}://{parts.netloc}{path}"


def http_send(timeout: float) -> Send:
    """A :data:`Send` over the standard library's HTTP client (TLS verified)."""
    context = ssl.create_default_context()

    def send(method: str, url: str, headers: Mapping[str, str], body: bytes) -> Answer:
        request = urllib.request.Request(
            url,
            data=body if method != "GET" or body else None,
            method=method,
            headers=dict(headers),
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
                return Answer(response.status, list(response.headers.items()), response.read())
        except urllib.error.HTTPError as err:
            return Answer(err.code, list(err.headers.items()), err.read())
        except (urllib.error.URLError, OSError, ValueError) as err:
            reason = getattr(err, "reason", err)
            raise LiveError(f"no answer from {urlsplit(url).netloc}: {reason}") from None

    return send
