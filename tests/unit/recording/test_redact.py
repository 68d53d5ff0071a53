"""Redaction: secrets out of headers, query strings, JSON bodies and free text."""

from __future__ import annotations

from vstape.recording import redact
from vstape.recording.redact import MARK, RedactionPolicy

POLICY = RedactionPolicy(headers=frozenset({"x-team-token"}), json_paths=("$.metadata.owner",))


def test_secret_headers_are_redacted_in_any_casing() -> None:
    """Built-in secret headers and configured ones lose their values, names stay."""
    pairs = [
        ("Authorization", "Bearer sk-abc123456789"),
        ("OPENAI-ORGANIZATION", "org-abcdefgh1234"),
        ("openai-project", "proj_abcdefgh1234"),
        ("Cookie", "a=b"),
        ("Set-Cookie", "sid=1; HttpOnly"),
        ("X-Api-Key", "k"),
        ("api-key", "k"),
        ("Proxy-Authorization", "Basic eA=="),
        ("X-Team-Token", "team"),
        ("Content-Type", "application/json"),
    ]
    out = redact.headers(pairs, POLICY)
    assert [name for name, _ in out] == [name for name, _ in pairs]
    assert [value for _, value in out[:-1]] == [MARK] * 9
    assert out[-1] == ("Content-Type", "application/json")


def test_secret_shaped_values_are_scrubbed_anywhere() -> None:
    """sk-, sess-, org-, proj_ and Bearer tokens are masked inside free text."""
    text = "key sk-proj-AAAAbbbbCCCC1234 and sess-ZZZZyyyy9999 via Bearer abc.def.ghijkl org-ABCDEFGH12"
    out = redact.scrub_text(text)
    for secret in ("AAAAbbbbCCCC1234", "ZZZZyyyy9999", "abc.def.ghijkl", "ABCDEFGH12"):
        assert secret not in out
    assert out.count(MARK) == 4
    assert redact.scrub_text("file-abc123 vs_123") == "file-abc123 vs_123"


def test_query_secrets_are_replaced_and_clean_queries_untouched() -> None:
    """Secret parameters are redacted; a query without secrets is returned byte for byte."""
    out = redact.query("limit=2&api_key=abc&token=t&client_secret=s&access_token=x&key=k")
    assert "abc" not in out and "client_secret=REDACTED" in out and "limit=2" in out
    assert out.count(MARK) == 5
    clean = "limit=2&order=desc&after=vs_1&filter[0]=x"
    assert redact.query(clean) == clean


def test_json_secret_keys_at_any_depth_and_configured_paths() -> None:
    """Secret keys anywhere, configured paths, and secret-shaped strings are redacted."""
    body = {
        "name": "ok",
        "metadata": {"owner": "alice", "team": "docs"},
        "nested": [{"config": {"API_KEY": "x", "Password": "p", "client_secret": "c"}}],
        "note": "use sk-abcdefgh12345678",
        "filters": {"key": "region", "type": "eq", "value": "eu"},
        "token": None,
    }
    out = redact.json_value(body, POLICY)
    assert out["metadata"] == {"owner": MARK, "team": "docs"}
    assert out["nested"][0]["config"] == {"API_KEY": MARK, "Password": MARK, "client_secret": MARK}
    assert out["note"] == f"use sk-{MARK}"
    assert out["filters"] == body["filters"]  # search filters use `key` for attribute names
    assert out["token"] is None
    assert body["metadata"]["owner"] == "alice"  # the input is not mutated


def test_json_paths_with_wildcards_and_indexes() -> None:
    """`[*]`-style and index paths reach into lists; missing paths change nothing."""
    policy = RedactionPolicy(json_paths=("$.data.*.owner", "$.items[1]", "$.absent.deep"))
    value = {"data": [{"owner": "a"}, {"owner": "b"}], "items": [1, 2, 3]}
    out = redact.json_value(value, policy)
    assert out == {"data": [{"owner": MARK}, {"owner": MARK}], "items": [1, MARK, 3]}


def test_known_secret_values_are_scrubbed_from_quoting_text() -> None:
    """Values redaction removed (any shape) are scrubbed from text that quotes them."""
    policy = RedactionPolicy(json_paths=("$.metadata.owner",))
    secrets = redact.known_secrets(
        [("Cookie", "session=hunter2-cookie; theme=dark"), ("X-Other", "plain-value")],
        "limit=2&client_secret=opensesame",
        [{"password": "tr0ub4dor", "metadata": {"owner": "alice.smith"}, "name": "public"}, None],
        policy,
    )
    assert {"hunter2-cookie", "opensesame", "tr0ub4dor", "alice.smith"} <= secrets
    assert "plain-value" not in secrets and "public" not in secrets
    line = "$.password: got 'tr0ub4dor'; cookie hunter2-cookie; owner alice.smith"
    assert (
        redact.scrub_known(line, secrets)
        == f"$.password: got '{MARK}'; cookie {MARK}; owner {MARK}"
    )
