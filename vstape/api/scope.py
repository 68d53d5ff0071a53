"""Which requests are vstape's: the OpenAI Vector Stores and Files API, nothing else.

A request is vstape's when it targets the OpenAI API - the host ``api.openai.com``, the
host of ``OPENAI_BASE_URL``, a host the user names, or any host when an official OpenAI
SDK sends it (its ``X-Stainless-Lang`` header or ``User-Agent: OpenAI/...``: a
``base_url`` given to the client) - *and* its path is under ``/v1/vector_stores`` or
``/v1/files``. Every other request (another API, another path of
the OpenAI API such as ``/v1/chat/completions``) belongs to whoever records it (stock
vcrpy, mitmproxy), and vstape leaves it exactly as they would.

A host is named as ``host`` (any port), ``host:port``, ``[v6addr]:port`` or a URL (its host
and port, explicit or the scheme's default).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

API_PREFIXES: tuple[str, ...] = ("/v1/vector_stores", "/v1/files")
OPENAI_HOST = "api.openai.com"
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class HostSpec:
    """A host that counts as the OpenAI API; ``port`` None means any port."""

    host: str
    port: int | None = None

    def matches(self, host: str, port: int | None) -> bool:
        """Whether a request to ``host:port`` goes to this host."""
        return host == self.host and (self.port is None or port == self.port)

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port is None else f"{host}:{self.port}"


def is_api_path(path: str) -> bool:
    """Whether ``path`` (query allowed) is under ``/v1/vector_stores`` or ``/v1/files``."""
    path = path.split("?", 1)[0]
    return any(path == prefix or path.startswith(prefix + "/") for prefix in API_PREFIXES)


def _address(uri: str) -> tuple[str, int | None, str]:
    """(host, port, path) of an absolute URI; the port is the scheme's default when unsaid."""
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError:  # a port that is not a number, an unbalanced [v6 address
        return "", None, ""
    host = (parts.hostname or "").lower()
    return host, port if port is not None else DEFAULT_PORTS.get(parts.scheme.lower()), parts.path


@lru_cache(maxsize=256)
def parse_host(entry: str) -> HostSpec:
    """A host as the user names it (see the module docstring); ValueError says what is wrong."""
    text = entry.strip()
    url = text if "://" in text else f"//{text}"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as err:
        raise ValueError(f"{entry!r} is not a host: {err}") from None
    host = (parts.hostname or "").lower()
    if not host or (parts.path not in ("", "/") and "://" not in text) or parts.query:
        raise ValueError(
            f"{entry!r} is not a host: give host, host:port or a URL such as https://gateway.example:8443"
        )
    if "://" in text and port is None:
        port = DEFAULT_PORTS.get(parts.scheme.lower())
    return HostSpec(host, port)


@lru_cache(maxsize=64)
def openai_hosts(extra: tuple[str, ...], base_url: str | None) -> tuple[HostSpec, ...]:
    """``api.openai.com``, the host of ``base_url`` (``OPENAI_BASE_URL``) and ``extra``."""
    hosts = [HostSpec(OPENAI_HOST)]
    if base_url:
        try:
            hosts.append(parse_host(base_url))
        except ValueError:
            pass  # the SDK refuses such a base URL itself; nothing to add
    hosts += [parse_host(entry) for entry in extra]
    return tuple(dict.fromkeys(hosts))


def sent_by_sdk(headers: Mapping[str, Any]) -> bool:
    """Whether request headers are those of an official OpenAI SDK (Python, Node, Go...)."""
    for name, value in headers.items():
        lower = name.lower()
        text = value[0] if isinstance(value, list | tuple) and value else value
        if lower == "x-stainless-lang" or (
            lower == "user-agent" and str(text).startswith("OpenAI/")
        ):
            return True
    return False


def owns(uri: str, hosts: Iterable[HostSpec], headers: Mapping[str, Any] | None = None) -> bool:
    """Whether a request to ``uri`` is vstape's: an API path, and an OpenAI host or SDK."""
    return owns_address(*_address(uri), hosts, headers)


def owns_address(
    host: str,
    port: int | None,
    path: str,
    hosts: Iterable[HostSpec],
    headers: Mapping[str, Any] | None = None,
) -> bool:
    """:func:`owns` for a URL already split: lower-case ``host``, ``port`` (the scheme's default when unsaid)."""
    if not is_api_path(path):
        return False
    if any(spec.matches(host, port) for spec in hosts):
        return True
    return headers is not None and sent_by_sdk(headers)
