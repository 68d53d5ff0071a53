"""The official spec, read once per test session, and modified copies of it built on the fly.

The spec is found as tests/unit/api/test_crosscheck.py finds it (``$VSTAPE_OPENAPI``, else
``../shared`` next to the checkout, else ``/work/shared``); it is never copied into the
repository. :func:`patched` copies only the mappings on the way to the node it changes,
so each modified copy costs microseconds, not a deep copy of 3 MB.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import pytest

from tests.unit.api.test_crosscheck import SPEC
from vstape.drift.spec import load_spec

needs_spec = pytest.mark.skipif(not SPEC.is_file(), reason=f"the official spec is not at {SPEC}")


@cache
def official() -> tuple[dict[str, Any], str]:
    """The official spec's document and text (read once)."""
    return load_spec(SPEC)


def patched(document: dict[str, Any], path: tuple[str, ...], change: Callable[[Any], Any]) -> Any:
    """A copy of ``document`` where the node at ``path`` is ``change(copy of the node)``."""
    if not path:
        node = document
        copied = (
            dict(node) if isinstance(node, dict) else list(node) if isinstance(node, list) else node
        )
        return change(copied)
    head, rest = path[0], path[1:]
    out: Any = dict(document) if isinstance(document, dict) else list(document)
    key: Any = int(head) if isinstance(out, list) else head
    out[key] = patched(document[key], rest, change)
    return out


def setting(key: str, value: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A change that sets ``node[key] = value``."""

    def change(node: dict[str, Any]) -> dict[str, Any]:
        node[key] = value
        return node

    return change


def dropping(key: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A change that removes ``node[key]``."""

    def change(node: dict[str, Any]) -> dict[str, Any]:
        del node[key]
        return node

    return change
