"""The hand-built node tree dumps to exactly PyYAML's bytes, for every shipped cassette and odd values."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
import yaml

from vstape.cassettes import io
from vstape.cassettes.shipped import shipped_dir
from vstape.cassettes.yaml_dump import dump_node, node_of


def _pyyaml(value: Any) -> str:
    text: str = yaml.dump(
        value, Dumper=io._Dumper, sort_keys=True, allow_unicode=True, width=1 << 16
    )
    return text


def test_every_shipped_interaction_dumps_byte_for_byte_as_pyyaml() -> None:
    """All shipped cassettes' items (every route, every scenario): the same text as yaml.dump."""
    paths = sorted(shipped_dir().rglob("*.yaml"))
    assert len(paths) > 100
    checked = 0
    for path in paths:
        for interaction in io.load(path).interactions:
            item = msgspec.to_builtins(interaction, builtin_types=(bytes,))
            assert dump_node(node_of([item])) == _pyyaml([item]), path
            checked += 1
    assert checked > len(paths)


@pytest.mark.parametrize(
    "value",
    [
        {
            "s": [
                "yes",
                "no",
                "null",
                "~",
                "123",
                "1.5",
                "0x1F",
                "2026-12-02",
                "",
                " lead",
                "trail ",
            ]
        },
        {"s": ["a: b", "- x", "#c", "'q'", '"dq"', "@at", "`bt", "%p", "!t", "&a", "*b", "|", ">"]},
        {"multi": "line one\nline two\n", "trailing": "ends in blank lines\n\n", "tab": "a\tb"},
        {"unicode": "żółw 🐢", "ctrl": "bell\x07", "nel": "x\x85y", "bom": "\ufeffz"},
        {"n": [0, -1, 10**30, True, False, None, 1.5, float("inf"), b"\xff\x00bytes"]},
        {"empty": {}, "none": [], "nested": [[{"a": [{}]}]], "long": "x" * 70_000},
        {1: "int key", "b": 2},  # keys of mixed types: kept in order, as PyYAML does
    ],
)
def test_odd_values_dump_as_pyyaml(value: dict[Any, Any]) -> None:
    """Scalars PyYAML quotes, blocks, unicode, numbers, bytes, empties: the same text."""
    assert dump_node(node_of([value])) == _pyyaml([value])
