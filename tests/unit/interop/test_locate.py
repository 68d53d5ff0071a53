"""Byte offset -> JSON path, for the messages about files a parser refused."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from vstape.interop.locate import entry_of, path_at

DOC = json.dumps(
    {
        "log": {
            "creator": {"name": "x, [y]: {z}"},
            "entries": [
                {"request": {"url": "u"}},
                {"request": {"url": 'a "quoted\\" text', "odd key": [1, 2, {"b": None}]}},
            ],
        }
    }
).encode()


def _at(marker: bytes, nth: int = 0) -> int:
    offset = -1
    for _ in range(nth + 1):
        offset = DOC.index(marker, offset + 1)
    return offset


def test_paths_inside_keys_values_and_arrays() -> None:
    """Strings holding brackets, commas and escaped quotes do not confuse it."""
    assert path_at(DOC, 0) == "$"
    assert path_at(DOC, _at(b'"x, [y]')) == "$.log.creator.name"
    assert path_at(DOC, _at(b'"u"')) == "$.log.entries[0].request.url"
    assert path_at(DOC, _at(b"quoted") + 3) == "$.log.entries[1].request.url"
    assert path_at(DOC, _at(b"2,")) == '$.log.entries[1].request["odd key"][1]'
    assert path_at(DOC, _at(b"null")) == '$.log.entries[1].request["odd key"][2].b'
    assert path_at(DOC, len(DOC)) == "$"


def test_a_truncated_document_ends_in_the_open_containers() -> None:
    """Cut anywhere: the innermost value still open, never an error."""
    cut = DOC[: _at(b"quoted") + 3]
    assert path_at(cut, len(cut)) == "$.log.entries[1].request.url"
    assert entry_of(path_at(cut, len(cut))) == 1
    assert entry_of("$.log.creator") is None


@settings(max_examples=200, deadline=None, database=None)
@given(st.binary(max_size=300), st.integers(min_value=-5, max_value=400))
def test_it_never_raises(data: bytes, offset: int) -> None:
    """Any bytes, any offset: a path starting with $."""
    assert path_at(data, offset).startswith("$")
