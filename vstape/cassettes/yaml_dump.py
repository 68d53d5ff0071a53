"""PyYAML's own output for a cassette item, ~1.5x faster: the node tree built by hand.

``yaml.dump`` spends most of an item's time in its generic representer (type dispatch
through the MRO, alias bookkeeping per value). For the builtins a cassette item is made
of (dict, list, str, int, bool, None), :func:`node_of` builds the very nodes
``yaml.dump(..., sort_keys=True)`` would (same tags, styles, key order, flow style), any
other value (bytes, float, ...) through PyYAML's own representer, and :func:`dump_node`
hands them to the same C emitter. The bytes are the same as ``yaml.dump``'s
(``tests/unit/cassettes/test_yaml_dump.py`` checks every shipped cassette).
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"
MAP = "tag:yaml.org,2002:map"
SEQ = "tag:yaml.org,2002:seq"


def _represent_str(dumper: Any, value: str) -> ScalarNode:
    """Multi-line strings (pretty JSON bodies) as literal blocks; others as PyYAML picks."""
    if "\n" in value:
        return dumper.represent_scalar(STR, value, style="|")  # type: ignore[no-any-return]
    return dumper.represent_scalar(STR, value)  # type: ignore[no-any-return]


class _Representer(yaml.representer.SafeRepresenter):
    """The representer ``yaml.dump`` uses here, for the values :func:`node_of` leaves to it."""


_Representer.add_representer(str, _represent_str)
_REPRESENTER = _Representer(default_style=None, default_flow_style=False, sort_keys=True)


def _other(value: Any) -> Node:
    node: Node = _REPRESENTER.represent_data(value)
    _REPRESENTER.represented_objects = {}
    _REPRESENTER.object_keeper = []
    _REPRESENTER.alias_key = None
    return node


def node_of(value: Any) -> Node:
    """The node ``yaml.dump(value, sort_keys=True, default_flow_style=False)`` represents."""
    kind = type(value)
    if kind is str:
        return ScalarNode(STR, value, style="|" if "\n" in value else None)
    if kind is dict:
        items = list(value.items())
        try:
            items = sorted(items)
        except TypeError:  # keys of mixed types: PyYAML keeps the dict's order then
            pass
        return MappingNode(MAP, [(node_of(k), node_of(v)) for k, v in items], flow_style=False)
    if kind is list:
        return SequenceNode(SEQ, [node_of(item) for item in value], flow_style=False)
    if kind is bool:
        return ScalarNode(BOOL, "true" if value else "false")
    if kind is int:
        return ScalarNode(INT, str(value))
    if value is None:
        return ScalarNode(NULL, "null")
    return _other(value)


class FastDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """The safe C dumper with the string representer above."""


FastDumper.add_representer(str, _represent_str)


def dump_node(node: Node) -> str:
    """The YAML text of ``node``, as ``yaml.dump(..., allow_unicode=True, width=1 << 16)`` writes it."""
    text: str = yaml.serialize(node, Dumper=FastDumper, allow_unicode=True, width=1 << 16)
    return text
