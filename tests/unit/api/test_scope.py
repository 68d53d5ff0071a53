"""Which requests are vstape's: an OpenAI host (or the SDK) and a vector-store/files path."""

from __future__ import annotations

import pytest

from vstape.api.scope import HostSpec, is_api_path, openai_hosts, owns, parse_host, sent_by_sdk

HOSTS = openai_hosts((), "http://127.0.0.1:8000/v1")


@pytest.mark.parametrize(
    "path",
    [
        "/v1/vector_stores",
        "/v1/vector_stores/vs_1/files?limit=2",
        "/v1/files",
        "/v1/files/f_1/content",
    ],
)
def test_api_paths(path: str) -> None:
    assert is_api_path(path)


@pytest.mark.parametrize(
    "path", ["/v1/chat/completions", "/v1/filesystem", "/v1/vector_storesx", "/files", "/"]
)
def test_other_paths(path: str) -> None:
    assert not is_api_path(path)


@pytest.mark.parametrize(
    ("uri", "mine"),
    [
        ("https://api.openai.com/v1/vector_stores", True),
        ("https://API.OpenAI.com:443/v1/files?purpose=x", True),
        ("http://127.0.0.1:8000/v1/vector_stores/vs_1", True),  # OPENAI_BASE_URL's host and port
        ("http://127.0.0.1:8001/v1/vector_stores/vs_1", False),  # another local server
        ("https://api.openai.com/v1/chat/completions", False),  # OpenAI, not vector stores
        ("https://api.github.com/v1/files", False),
        ("http://[::1]:9/v1/files", False),
        ("http://127.0.0.1:notaport/v1/files", False),
    ],
)
def test_owns_by_host_and_path(uri: str, mine: bool) -> None:
    assert owns(uri, HOSTS) is mine


def test_the_official_sdk_is_openai_traffic_on_any_host() -> None:
    """A client given base_url= (not OPENAI_BASE_URL) still sends the SDK's own headers."""
    uri = "http://gateway.internal:9000/v1/vector_stores"
    assert not owns(uri, HOSTS)
    assert owns(uri, HOSTS, {"X-Stainless-Lang": "python"})
    assert owns(uri, HOSTS, {"user-agent": ["OpenAI/Python 2.1.0"]})
    assert not owns("http://gateway.internal:9000/v1/models", HOSTS, {"x-stainless-lang": "js"})
    assert not sent_by_sdk({"User-Agent": "python-httpx/0.28"})


@pytest.mark.parametrize(
    ("entry", "spec"),
    [
        ("gateway.example", HostSpec("gateway.example")),
        ("Gateway.Example:8443", HostSpec("gateway.example", 8443)),
        ("[::1]:9000", HostSpec("::1", 9000)),
        ("https://gateway.example/openai", HostSpec("gateway.example", 443)),
        ("http://127.0.0.1:8000/v1", HostSpec("127.0.0.1", 8000)),
    ],
)
def test_hosts_as_users_name_them(entry: str, spec: HostSpec) -> None:
    assert parse_host(entry) == spec


@pytest.mark.parametrize("entry", ["", "gateway.example/v1", "host:port", "http://"])
def test_a_bad_host_says_what_to_give(entry: str) -> None:
    with pytest.raises(ValueError, match="is not a host"):
        parse_host(entry)


def test_extra_hosts_count_any_port_unless_given() -> None:
    hosts = openai_hosts(("proxy.corp", "other.corp:8080"), None)
    assert owns("https://proxy.corp:1234/v1/files", hosts)
    assert owns("http://other.corp:8080/v1/files", hosts)
    assert not owns("http://other.corp:8081/v1/files", hosts)
    assert str(HostSpec("::1", 9)) == "[::1]:9" and str(HostSpec("a")) == "a"
