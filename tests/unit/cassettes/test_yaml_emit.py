"""The direct emitter writes exactly PyYAML's text, or declines: every shipped item, generated strings."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from vstape.cassettes import io
from vstape.cassettes.shipped import shipped_dir
from vstape.cassettes.yaml_emit import emit


def _pyyaml(item: Any) -> str:
    text: str = yaml.dump(
        [item], Dumper=io._Dumper, sort_keys=True, allow_unicode=True, width=1 << 16
    )
    return text


def test_every_shipped_item_is_emitted_as_pyyaml_dumps_it() -> None:
    """All shipped cassettes' items: the same text as yaml.dump, and most written directly."""
    paths = sorted(shipped_dir().rglob("*.yaml"))
    assert len(paths) > 100
    direct = declined = 0
    for path in paths:
        for interaction in io.load(path).interactions:
            item = msgspec.to_builtins(interaction, builtin_types=(bytes,))
            text = emit(item)
            if text is None:
                declined += 1
            else:
                assert text == _pyyaml(item), path
                direct += 1
    # the fast path is the common one; PyYAML keeps what it double-quotes (\r\n bodies)
    assert direct > 5 * declined, (direct, declined)


ODD = (
    " \n\t:#-?,[]{}&*!|>'\"%@`.~=+/\\_0123456789aeEnNoOtTfFxyY"
    "\x85\xa0\u2028\u2029\ufeff\u00e9\u4e2d\U0001f422\x07\r"
)
"""Every indicator, space and break PyYAML treats specially, and words its resolver reads."""

strings = st.one_of(
    st.text(alphabet=ODD, max_size=12),
    st.sampled_from(
        [
            "yes",
            "No",
            "null",
            "~",
            "1e3",
            "0x1F",
            "2026-12-02",
            "1_000",
            ".inf",
            "=",
            "<<",
            "---",
            "...",
        ]
    ),
    st.text(max_size=8),
)
values: st.SearchStrategy[Any] = st.recursive(
    st.one_of(strings, st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(strings, inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=3000, deadline=None)
@given(st.dictionaries(strings, values, min_size=1, max_size=4))
def test_generated_items_are_emitted_as_pyyaml_dumps_them_or_declined(item: dict[str, Any]) -> None:
    """Whatever the emitter writes is PyYAML's text (declining is always allowed)."""
    text = emit(item)
    if text is not None:
        assert text == _pyyaml(item)


@pytest.mark.parametrize(
    "item",
    [
        {"body": '{\n  "a": 1\n}', "uri": "https://api.openai.com/v1/files?limit=2"},
        {"date": ["Wed, 02 Dec 2026 04:49:40 GMT"], "accept": ["*/*"], "n": 0, "ok": True},
        {
            "text": "line\n\nafter a blank line\n",
            "empty": "",
            "nothing": None,
            "map": {},
            "seq": [],
        },
        {"recorded_at": "2026-12-02T04:49:40+00:00", "quote": "it's", "key: colon": "v"},
    ],
)
def test_common_shapes_are_written_directly(item: dict[str, Any]) -> None:
    """What recorded items hold (JSON blocks, URLs, dates, */*, timestamps): never declined."""
    assert emit(item) == _pyyaml(item)


@pytest.mark.parametrize(
    "key",
    ["x" * 128, "x" * 129, "é" * 64, "é" * 65, "中" * 42, "中" * 43, "a" * 127 + "é"],
)
def test_long_keys_follow_libyamls_byte_limit_for_simple_keys(key: str) -> None:
    """libyaml writes a key of more than 128 UTF-8 bytes after ``?``: declined, or equal."""
    for item in ({key: 1}, {"nested": {key: "x"}}):
        text = emit(item)
        assert text is None or text == _pyyaml(item)
    assert (emit({key: 1}) is None) == (len(key.encode("utf-8")) > 128)
