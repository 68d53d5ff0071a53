"""Any node of the spec's vector-store part replaced by any JSON value: a report or a SpecError.

The official spec cut down to its `/vector_stores` and `/files` paths (and every
component), then 60 single-node mutations (a fixed seed) among the operations and the
schemas they use: `compare_document` never raises anything but a SpecError, whose
message names a spec pointer.
"""

from __future__ import annotations

import random
from typing import Any

from tests.unit.drift.spec_copy import needs_spec, official, patched
from vstape.drift.spec import SpecError, compare_document

pytestmark = needs_spec

VALUES: list[Any] = [
    None,
    [],
    "x",
    1,
    True,
    {},
    {"$ref": 5},
    {"$ref": "#/nowhere"},
    {"$ref": "#"},
    {"type": 7},
    {"enum": "ab"},
    {"properties": []},
    {"anyOf": {}},
    {"allOf": [None]},
    {"$recursiveRef": "#"},
]
COMPONENTS = (
    "VectorStoreObject",
    "VectorStoreFileObject",
    "Metadata",
    "CompoundFilter",
    "OpenAIFile",
)


def _nodes(node: Any, path: tuple[Any, ...], out: list[tuple[Any, ...]], depth: int = 0) -> None:
    if depth > 9:
        return
    out.append(path)
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in ("x-oaiMeta", "description", "example", "examples"):
                _nodes(value, (*path, key), out, depth + 1)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _nodes(value, (*path, str(index)), out, depth + 1)


def test_no_mutation_escapes_as_anything_but_a_spec_error() -> None:
    document = official()[0]
    paths = {
        k: v for k, v in document["paths"].items() if k.startswith(("/vector_stores", "/files"))
    }
    small = {"openapi": document["openapi"], "paths": paths, "components": document["components"]}
    nodes: list[tuple[Any, ...]] = []
    _nodes(paths, ("paths",), nodes)
    for name in COMPONENTS:
        _nodes(document["components"]["schemas"][name], ("components", "schemas", name), nodes)
    _nodes(document["components"]["responses"], ("components", "responses"), nodes)
    chosen = random.Random(17)
    errors = 0
    for _ in range(60):
        where, value = chosen.choice(nodes[1:]), chosen.choice(VALUES)
        mutated = patched(small, where[:-1], lambda node, k=where[-1], v=value: _set(node, k, v))
        try:
            compare_document(mutated)
        except SpecError as err:
            errors += 1
            assert str(err).startswith("#/"), str(err)
    assert errors < 60, "most mutations are still a readable spec"


def _set(node: Any, key: str, value: Any) -> Any:
    node[int(key) if isinstance(node, list) else key] = value
    return node
