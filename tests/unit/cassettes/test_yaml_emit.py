"""vstape.cassettes.yaml_emit writes exactly what PyYAML's safe dumper writes, or declines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vstape.cassettes.io import _Dumper, load
from vstape.cassettes.shipped import shipped_dir
from vstape.cassettes.yaml_emit import dump_item


def _pyyaml(item: dict[str, Any]) -> bytes:
    return yaml.dump(
        [item], Dumper=_Dumper, sort_keys=True, allow_unicode=True, width=1 << 16
    ).encode()


def test_every_shipped_interaction_is_written_byte_for_byte() -> None:
    """All shipped interactions: identical bytes where the fast path answers; it answers for most."""
    items = [
        msgspec.to_builtins(i, builtin_types=(bytes,))
        for p in sorted(Path(shipped_dir()).glob("*/*.yaml"))
        for i in load(p).interactions
    ]
    fast = [(item, dump_item(item)) for item in items]
    answered = [(item, out) for item, out in fast if out is not None]
    assert len(answered) > 0.85 * len(items)
    for item, out in answered:
        assert out == _pyyaml(item)


SPECIAL = st.sampled_from(
    [
        "",
        " ",
        "yes",
        "No",
        "null",
        "~",
        "1",
        "-1",
        "0.5",
        "1e3",
        "2026-12-01",
        "2026-12-01T10:00:00+00:00",
        "a: b",
        "a #b",
        "#x",
        "-x",
        "- x",
        "-",
        "?",
        ":x",
        "x:",
        "...",
        "---",
        "'q'",
        '"d"',
        "%p",
        "@a",
        "a'b",
        "tab\there",
        "é",
        "日本",
        "line\nline",
        "end\n",
        "two\n\n",
        " lead",
        "trail ",
        "a \nb",
        '{\n  "k": 1\n}',
        "\n",
        "=",
        "<<",
        "!x",
        "&a",
        "*a",
        ",",
        "[x]",
        "a\r\nb",
        "\x85",
        "\ufeff",
    ]
)
PRINTABLE = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30)
ANYTHING = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)
TEXT = PRINTABLE | SPECIAL | ANYTHING | st.lists(PRINTABLE | SPECIAL, max_size=4).map("\n".join)
SCALAR = (
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.floats(allow_nan=False) | TEXT
)
HEADERS = st.dictionaries(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz-_0123456789", min_size=1, max_size=12),
    st.lists(PRINTABLE, max_size=3),
    max_size=4,
)


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(
    value=TEXT | SCALAR,
    where=st.sampled_from(["header", "body", "response", "violation", "meta", "key"]),
)
def test_one_odd_value_anywhere(value: Any, where: str) -> None:
    """A single odd scalar in an otherwise plain interaction: same bytes as PyYAML, or None."""
    item: dict[str, Any] = {
        "request": {
            "body": None,
            "headers": {"accept": ["application/json"]},
            "method": "GET",
            "uri": "https://api.openai.com/v1/x",
        },
        "response": {
            "body": {"string": "{}"},
            "headers": {},
            "status": {"code": 200, "message": "OK"},
        },
        "vstape": {"route": "get_vector_store", "violations": []},
    }
    if where == "header":
        item["response"]["headers"]["x-odd"] = [value]
    elif where == "body":
        item["request"]["body"] = value
    elif where == "response":
        item["response"]["body"]["string"] = value
    elif where == "violation":
        item["vstape"]["violations"] = [value]
    elif where == "meta":
        item["vstape"]["duration_ms"] = value
    elif isinstance(value, str):
        item["response"]["headers"][value] = ["v"]
    out = dump_item(item)
    ODD.append(out is not None)
    if out is not None:
        assert out == _pyyaml(item)
        assert yaml.safe_load(out) == [item]


ODD: list[bool] = []


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(
    headers=HEADERS,
    response_headers=HEADERS,
    body=TEXT | st.none(),
    response_text=TEXT,
    meta=st.dictionaries(
        st.sampled_from(["route", "verdict", "scenario", "fault", "duration_ms", "recorded_at"]),
        SCALAR,
    ),
    violations=st.lists(TEXT, max_size=3),
)
def test_generated_interactions_match_pyyaml_or_fall_back(
    headers: dict[str, list[str]],
    response_headers: dict[str, list[str]],
    body: str | None,
    response_text: str,
    meta: dict[str, Any],
    violations: list[str],
) -> None:
    """Odd strings, keys, numbers and shapes: never different bytes, and it loads back equal."""
    item = {
        "request": {
            "body": body,
            "headers": headers,
            "method": "POST",
            "uri": "https://api.openai.com/v1/x",
        },
        "response": {
            "body": {"string": response_text},
            "headers": response_headers,
            "status": {"code": 200, "message": "OK"},
        },
        "vstape": {**meta, "violations": violations},
    }
    out = dump_item(item)
    ANSWERED.append(out is not None)
    if out is None:
        return
    assert out == _pyyaml(item)
    assert yaml.safe_load(out) == [item]


ANSWERED: list[bool] = []


def test_the_generated_cases_mostly_take_the_fast_path() -> None:
    """The property tests above really compare bytes (they do not only fall back)."""
    if not ANSWERED:
        test_generated_interactions_match_pyyaml_or_fall_back()
    if not ODD:
        test_one_odd_value_anywhere()
    assert sum(ANSWERED) > 0.2 * len(ANSWERED)
    assert sum(ODD) > 0.3 * len(ODD)


def test_a_shared_container_falls_back() -> None:
    """PyYAML writes a container met twice as an anchor and alias: left to PyYAML."""
    shared: dict[str, list[str]] = {"a": ["b"]}
    assert dump_item({"request": {"headers": shared}, "response": {"headers": shared}}) is None
