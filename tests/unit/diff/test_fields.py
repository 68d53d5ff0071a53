"""json_changes: JSON values compared field by field, by value or by shape."""

from __future__ import annotations

from typing import Any

import pytest

from vstape.diff.fields import MISSING, Change, json_changes, json_path, kind_of

CASES = [
    ({"a": 1}, {"a": 1}, []),
    ({"a": 1, "b": 2}, {"b": 2, "a": 1}, []),  # key order is not a change
    ({"a": 1}, {"a": 1.0}, []),  # one JSON number
    ({"a": 1}, {"a": True}, [("$.a", "changed")]),  # true is never 1
    ({"a": None}, {"a": 0}, [("$.a", "changed")]),
    ({"a": 1}, {}, [("$.a", "removed")]),
    ({}, {"a": 1}, [("$.a", "added")]),
    ({"a": {"b": [1, 2]}}, {"a": {"b": [1, 3]}}, [("$.a.b[1]", "changed")]),
    ([1, 2, 3], [1], [("$[1]", "removed"), ("$[2]", "removed")]),
    ([1], [1, {"x": 2}], [("$[1]", "added")]),
    ({"a": [1]}, {"a": {"0": 1}}, [("$.a", "changed")]),  # another kind: one change, not many
    ("text", "other", [("$", "changed")]),
    ({"odd key": 1}, {"odd key": 2}, [('$["odd key"]', "changed")]),
]


@pytest.mark.parametrize(("old", "new", "expected"), CASES)
def test_changes_by_value(old: Any, new: Any, expected: list[tuple[str, str]]) -> None:
    """Each difference once, at its JSON path, with its kind."""
    assert [(c.path, c.kind) for c in json_changes(old, new)] == expected


def test_a_change_carries_both_values_and_missing_for_the_absent_side() -> None:
    """Old and new values are the decoded ones; the absent side is MISSING."""
    assert json_changes({"a": "x"}, {"a": "y", "b": None}) == [
        Change(("a",), "x", "y"),
        Change(("b",), MISSING, None),
    ]


def test_shape_mode_ignores_values_and_lengths_but_not_kinds_or_keys() -> None:
    """By shape: another value or array length is the same shape; another kind or key is not."""
    old = {"id": "vs_1", "n": 1, "data": [{"x": 1}, {"x": 2}], "gone": 1}
    new = {"id": "vs_2", "n": 9, "data": [{"x": "1"}], "extra": True}
    assert [(c.path, c.kind) for c in json_changes(old, new, shape=True)] == [
        ("$.data[0].x", "changed"),
        ("$.gone", "removed"),
        ("$.extra", "added"),
    ]


def test_same_declares_close_scalars_equal() -> None:
    """The tolerance hook gets the path and both values; equal means no change."""
    near = json_changes(
        {"t": 100, "u": 100}, {"t": 101, "u": 101}, same=lambda parts, a, b: parts == ("t",)
    )
    assert [c.path for c in near] == ["$.u"]


def test_paths_and_kinds() -> None:
    """Paths quote what is not a plain name; kinds are JSON's."""
    assert json_path(("data", 0, "file-counts", 'a"b')) == '$.data[0].file-counts["a\\"b"]'
    assert [kind_of(v) for v in (None, True, 1, 1.5, "", [], {})] == [
        "null",
        "boolean",
        "number",
        "number",
        "string",
        "array",
        "object",
    ]
