"""``vstape drift spec``: vstape's route table and schemas against an OpenAPI document.

For each route of :mod:`vstape.api.routes` the operation with the same method and path
template is looked up under ``paths``; then its request body (JSON, or the upload form
minus its ``file`` part, which :mod:`vstape.validation.forms` reads), its query
parameters, its path parameters, its ``200`` response, its error responses (each an
``ErrorResponse``, at a status the failure catalog knows) and their headers are compared
with vstape's (:mod:`vstape.drift.compare`). Operations under ``/vector_stores`` and
``/files`` that no route has are reported, and routes the spec no longer has.

One operation is compared by :mod:`vstape.drift.spec_operation`; a difference met on
several routes (the vector store object is the answer of five) is reported once, at
the spec pointer where it is declared, with every route it touches.
:mod:`vstape.drift.known` marks the documented ones.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from vstape.api.routes import ROUTES
from vstape.drift import known as known_differences
from vstape.drift.model import Drift, DriftReport
from vstape.drift.spec_file import SpecLines, load_spec
from vstape.drift.spec_operation import OperationComparer
from vstape.drift.spec_shapes import SpecError, escape

__all__ = ["SpecError", "compare_document", "load_spec", "run"]

METHODS = ("get", "post", "put", "patch", "delete")
FAMILIES = ("/vector_stores", "/files")


def _in_family(template: str) -> bool:
    return any(template == f or template.startswith(f + "/") for f in FAMILIES)


def _operations(document: dict[str, Any]) -> dict[tuple[str, str], tuple[str, dict[str, Any]]]:
    """``(METHOD, template) -> (pointer, operation)`` for the vector-store and files paths."""
    out: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    for template, item in document["paths"].items():
        if not isinstance(template, str) or not _in_family(template) or not isinstance(item, dict):
            continue
        for method in METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                pointer = f"/paths/{escape(template)}/{method}"
                out[(method.upper(), _canonical(template))] = (pointer, operation)
    return out


def _canonical(template: str) -> str:
    """Path parameters renamed by position, so that a renamed parameter still pairs."""
    return re.sub(r"\{[^}]*\}", "{}", template)


def compare_document(document: dict[str, Any], file: str = "", text: str = "") -> list[Drift]:
    """Every difference between the document and vstape's routes and schemas, known marked."""
    comparer = OperationComparer(document, file, SpecLines(text))
    operations = _operations(document)
    ours = {(r.method, _canonical(r.template)): r for r in ROUTES}
    for route in ROUTES:
        found = operations.get((route.method, _canonical(route.template)))
        if found is None:
            comparer.simple(
                route,
                "operation_removed",
                f"{route.method} {route.template}",
                f"/paths/{escape(route.template)}",
                route.name,
                None,
                f"{route.method} {route.template} is not in the spec",
            )
            continue
        pointer, operation = found
        comparer.body(route, pointer, operation)
        comparer.query(route, pointer, operation)
        comparer.responses(route, pointer, operation)
    for (method, _), (pointer, operation) in operations.items():
        if (method, _) not in ours:
            template = pointer.split("/")[2].replace("~1", "/").replace("~0", "~")
            name = str(operation.get("operationId") or f"{method} {template}")
            comparer.simple(
                None,
                "operation_added",
                f"{method} {template}",
                pointer,
                None,
                name,
                f"new operation {method} {template} ({name})",
            )
    return [known_differences.mark(d) for d in comparer.found.values()]


def run(path: str | Path) -> DriftReport:
    """Read the spec at ``path`` once, compare, and say how long it took."""
    started = time.perf_counter()
    document, text = load_spec(path)
    read = time.perf_counter() - started
    items = compare_document(document, str(path), text)
    total = time.perf_counter() - started
    version = (
        document.get("info", {}).get("version", "?")
        if isinstance(document.get("info"), dict)
        else "?"
    )
    report = DriftReport(checks=["spec"], items=items, inputs={"spec": [str(path)]})
    report.notes.append(
        f"spec {path} (version {version}, OpenAPI {document.get('openapi', '?')}): "
        f"read in {read:.2f}s, compared in {total - read:.2f}s"
    )
    return report
