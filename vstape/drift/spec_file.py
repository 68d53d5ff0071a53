"""Reading an OpenAPI document once, and finding the line a spec pointer is declared at.

The document is YAML or JSON, read with PyYAML's C safe loader (no tags, no code); a
file that cannot be read, does not parse (the message names the line PyYAML stopped at)
or has no ``paths`` mapping is a :class:`~vstape.drift.spec_shapes.SpecError`. Lines are
found in the text (a component's or a path's key at its indentation): no second parse.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from vstape.drift.spec_shapes import SpecError

__all__ = ["SpecLines", "load_spec"]

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_spec(path: str | Path) -> tuple[dict[str, Any], str]:
    """The OpenAPI document at ``path`` (YAML or JSON) and its text; else a :class:`SpecError`."""
    where = Path(path)
    try:
        data = where.read_bytes()
    except OSError as err:
        raise SpecError(f"{where}: cannot read the spec: {err.strerror or err}") from None
    try:
        document = yaml.load(data, Loader=_Loader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise SpecError(f"{where}{line}: not YAML or JSON: {problem}") from None
    except RecursionError:
        raise SpecError(f"{where}: nested too deeply to read") from None
    if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
        raise SpecError(
            f"{where}: not an OpenAPI document (no top-level `paths` mapping); pass the "
            "OpenAI spec, e.g. openai-openapi.yaml from github.com/openai/openai-openapi"
        )
    return document, data.decode("utf-8", "replace")


class SpecLines:
    """The line of a spec pointer in the file's text (its component, path or operation)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.cache: dict[str, int] = {}

    def of(self, pointer: str) -> int:
        parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
        if len(parts) < 2 or parts[0] not in ("components", "paths"):
            return 1
        depth = 3 if parts[0] == "components" else 2
        key = "/".join(parts[:depth])
        if key not in self.cache:
            self.cache[key] = self._find(parts[:depth])
        return self.cache[key]

    def _find(self, parts: list[str]) -> int:
        start = 0
        for indent, part in enumerate(parts):
            quoted = re.escape(part)
            pattern = rf"^{' ' * (2 * indent)}(?:{quoted}|\"{quoted}\"|'{quoted}'):"
            found = re.compile(pattern, re.M).search(self.text, start)
            if found is None:
                return 1
            start = found.start()
        return self.text.count("\n", 0, start) + 1
