"""One operation of the spec against one route of vstape's: body, parameters, responses, headers.

:class:`OperationComparer` holds one run's differences, keyed by where the spec declares
them (pointer, kind, both sides), so a difference met again on another route only adds
that route. The request body is the JSON body, or the upload form minus its ``file``
part (read by :mod:`vstape.validation.forms`); an empty body counts as ``{}`` when the
route's Struct accepts ``{}``. Responses: the ``200`` against the route's Struct, an
error status the failure catalog knows (or ``default``, ``4XX``, ``5XX``) against the
error envelope, any other status is new; headers against :data:`vstape.drift.our_shapes.HEADERS`.
A part of the operation that is not what OpenAPI says it is (``responses`` that is not a
mapping...) is a :class:`~vstape.drift.spec_shapes.SpecError` naming its pointer.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import msgspec

from vstape.api.routes import Route
from vstape.api.schemas import ErrorResponse
from vstape.drift import our_shapes
from vstape.drift.compare import Difference, compare
from vstape.drift.model import Drift
from vstape.drift.shape import Shape
from vstape.drift.spec_file import SpecLines
from vstape.drift.spec_shapes import SpecError, SpecShapes, escape
from vstape.faults.catalog import CATALOG

__all__ = ["ERROR_STATUSES", "OperationComparer"]

ERROR_STATUSES = frozenset(str(s.status) for s in CATALOG if s.status and s.status >= 400)


class OperationComparer:
    """One run over one document: the differences, keyed by where they are declared."""

    def __init__(self, document: dict[str, Any], file: str, lines: SpecLines) -> None:
        self.shapes = SpecShapes(document)
        self.file = file
        self.lines = lines
        self.found: dict[tuple[str, str, str, str], Drift] = {}

    def add(self, route: Route | None, diff: Difference, prefix: str = "") -> None:
        body_path = "" if prefix and diff.path == "$" else diff.path  # the root: the prefix says it
        path = " ".join(p for p in (prefix, body_path) if p)
        key = (diff.pointer, diff.kind, repr(diff.ours), repr(diff.theirs))
        name = route.name if route else None
        old = self.found.get(key)
        if old is not None:
            if name and name not in old.routes:
                self.found[key] = msgspec.structs.replace(old, routes=(*old.routes, name))
            return
        self.found[key] = Drift(
            check="spec",
            kind=diff.kind,
            message=diff.message,
            route=name,
            path=path,
            where="#" + diff.pointer,
            file=self.file,
            line=self.lines.of(diff.pointer),
            ours=_plain(diff.ours),
            theirs=_plain(diff.theirs),
            routes=(name,) if name else (),
        )

    def shape(self, node: Any, pointer: str) -> Shape:
        return self.shapes.shape(node, pointer)

    def body(self, route: Route, pointer: str, operation: dict[str, Any]) -> None:
        request, where = self.shapes.resolve(operation.get("requestBody"), f"{pointer}/requestBody")
        media = "multipart/form-data" if route.multipart else "application/json"
        if not isinstance(request, dict):
            if route.body is not None:
                self.simple(
                    route,
                    "property_removed",
                    "requestBody",
                    where,
                    "a body",
                    None,
                    "vstape reads a request body; the spec declares none",
                )
            return
        content = _mapping(request.get("content"), f"{where}/content")
        schema = _mapping(content.get(media), f"{where}/content/{escape(media)}").get("schema")
        if route.body is None:
            self.simple(
                route,
                "property_added",
                "requestBody",
                where,
                None,
                sorted(content),
                f"the spec declares a request body ({', '.join(sorted(content))})",
            )
            return
        if schema is None:
            self.simple(
                route,
                "header_changed",
                "requestBody",
                f"{where}/content",
                media,
                sorted(content),
                f"the spec's request body is not {media}",
            )
            return
        theirs = self.shape(schema, f"{where}/content/{escape(media)}/schema")
        if route.multipart:  # the file part is checked by validation.forms
            properties = {k: v for k, v in theirs.properties.items() if k != "file"}
            theirs = replace(theirs, properties=properties, required=theirs.required - {"file"})
        for diff in compare(theirs, our_shapes.of(route.body)):
            self.add(route, diff, "request")
        spec_required = request.get("required") is True
        ours_required = _body_required(route.body)
        if spec_required != ours_required:
            self.simple(
                route,
                "required_added" if spec_required else "required_removed",
                "requestBody",
                where,
                ours_required,
                spec_required,
                "the spec requires a request body; vstape reads an empty one as {}"
                if spec_required
                else "vstape requires a request body; the spec does not",
            )

    def query(self, route: Route, pointer: str, operation: dict[str, Any]) -> None:
        theirs = Shape(types={"object"}, pointer=f"{pointer}/parameters")
        path_names: list[str] = []
        parameters = operation.get("parameters") or []
        if not isinstance(parameters, list):
            raise SpecError(f"#{pointer}/parameters: expected a list, got {_kind(parameters)}")
        for index, raw in enumerate(parameters):
            param, where = self.shapes.resolve(raw, f"{pointer}/parameters/{index}")
            if not isinstance(param, dict):
                continue
            name = str(param.get("name"))
            if param.get("in") == "path":
                path_names.append(name)
            elif param.get("in") == "query":
                theirs.properties[name] = self.shape(param.get("schema"), f"{where}/schema")
                if param.get("required") is True:
                    theirs.required.add(name)
        ours = our_shapes.of(route.query) if route.query is not None else Shape(types={"object"})
        for diff in compare(theirs, ours):
            name = diff.path.removeprefix("$").removeprefix(".")
            plain = Difference(diff.kind, "", diff.pointer, diff.ours, diff.theirs, diff.message)
            self.add(route, plain, f"query.{name}" if name else "query")
        if path_names != list(route.params):
            self.simple(
                route,
                "parameter_changed",
                "path",
                f"{pointer}/parameters",
                list(route.params),
                path_names,
                f"path parameters: vstape {list(route.params)}, the spec {path_names}",
            )

    def responses(self, route: Route, pointer: str, operation: dict[str, Any]) -> None:
        responses = _mapping(operation.get("responses"), f"{pointer}/responses")
        if "200" not in responses:
            self.simple(
                route,
                "response_removed",
                "status 200",
                f"{pointer}/responses",
                200,
                sorted(map(str, responses)),
                "the spec no longer documents a 200 answer",
            )
        for code, raw in responses.items():
            code = str(code)
            response, where = self.shapes.resolve(raw, f"{pointer}/responses/{escape(code)}")
            if not isinstance(response, dict):
                continue
            expected: Any = None
            if code == "200":
                expected = route.response
            elif code in ERROR_STATUSES or code in ("default", "4XX", "5XX"):
                expected = ErrorResponse
            else:
                self.simple(
                    route,
                    "response_added",
                    f"status {code}",
                    where,
                    None,
                    code,
                    f"the spec documents a {code} answer vstape does not model",
                )
            content = _mapping(response.get("content"), f"{where}/content")
            json_media = _mapping(
                content.get("application/json"), f"{where}/content/application~1json"
            )
            schema = json_media.get("schema")
            if expected is not None and schema is not None:
                theirs = self.shape(schema, f"{where}/content/application~1json/schema")
                for diff in compare(theirs, our_shapes.of(expected)):
                    self.add(route, diff, f"response {code}")
            elif expected is not None and content:
                self.simple(
                    route,
                    "header_changed",
                    f"response {code} content-type",
                    where,
                    "application/json",
                    sorted(content),
                    f"the {code} answer is not JSON in the spec: {sorted(content)}",
                )
            self.headers(route, code, _mapping(response.get("headers"), f"{where}/headers"), where)

    def headers(self, route: Route, code: str, headers: dict[str, Any], where: str) -> None:
        ours = our_shapes.HEADERS.get(code, {})
        spec_names = {str(n).lower(): n for n in headers}
        for lower, name in spec_names.items():
            header, at = self.shapes.resolve(headers[name], f"{where}/headers/{escape(str(name))}")
            path = f"response {code} header.{lower}"
            if lower not in ours:
                self.simple(
                    route,
                    "header_added",
                    path,
                    at,
                    None,
                    str(name),
                    f"the spec documents the header {name} on a {code}",
                )
                continue
            schema = header.get("schema") if isinstance(header, dict) else None
            theirs = self.shape(schema, f"{at}/schema")
            for diff in compare(theirs, ours[lower]):
                self.add(route, diff, path)
        for lower in ours:
            if lower not in spec_names:
                self.simple(
                    route,
                    "header_removed",
                    f"response {code} header.{lower}",
                    f"{where}/headers",
                    lower,
                    None,
                    f"the spec no longer documents {lower} on a {code}",
                )

    def simple(
        self,
        route: Route | None,
        kind: str,
        path: str,
        pointer: str,
        ours: Any,
        theirs: Any,
        message: str,
    ) -> None:
        self.add(route, Difference(kind, "", pointer, ours, theirs, message), path)


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _mapping(value: Any, pointer: str) -> dict[str, Any]:
    """``value`` when it is a mapping, ``{}`` when absent; else a :class:`SpecError` saying where."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SpecError(f"#{pointer}: expected a mapping, got {_kind(value)}; fix the spec there")
    return value


def _body_required(body: Any) -> bool:
    """Whether vstape refuses an empty body (it reads one as ``{}``)."""
    try:
        msgspec.json.decode(b"{}", type=body)
    except (msgspec.ValidationError, ValueError):
        return True
    return False


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, set):
        return sorted(value, key=repr)
    return value
