"""mitmproxy addon: validate /v1/vector_stores traffic against vstape's schemas.

Usage:
    mitmdump -s proxy_addons/vstape_mitmproxy/addons.py --set vstape_strict=true

One line per flow (route, status, ms, OK or the violations with JSON paths); invalid
flows are marked and commented for mitmweb. The verdict goes to
``flow.metadata["vstape"]`` (:data:`vstape_mitmproxy._flow.VERDICT`) for the recorder.
In strict mode an invalid request is answered with a 400 in OpenAI's error envelope and
is not forwarded.

A response that the fault injector broke on purpose (``flow.metadata["vstape_fault"]``
names a ``body`` scenario such as ``malformed_json``) is not validated: its line and the
run report say it was broken on purpose instead of counting violations. Its request is
validated as usual.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from mitmproxy import ctx, http

from vstape.api import routes
from vstape.faults.catalog import breaks_body
from vstape.http import error_body
from vstape.recording.interaction import violation_lines
from vstape.recording.redact import scrub_text
from vstape.reports import json, junit, text
from vstape.reports.run import RunReport
from vstape.validation.validate import validate_request, validate_response
from vstape.validation.violations import Violation
from vstape_mitmproxy import options as opts
from vstape_mitmproxy._flow import VERDICT, exchange_of, fault_of

logger = logging.getLogger("vstape")


def _family_path(flow: http.HTTPFlow) -> str | None:
    path = flow.request.path
    return path if routes.is_known_family(path) else None


def broken_on_purpose(flow: http.HTTPFlow) -> str | None:
    """The ``body`` scenario the fault injector broke this response with, if any."""
    step = fault_of(flow).get("step")
    return step if isinstance(step, str) and breaks_body(step) else None


class Validator:
    """Checks requests and responses; owns the run report."""

    def __init__(self) -> None:
        self.settings = opts.Settings()
        self.report = RunReport()

    def load(self, loader: Any) -> None:
        """Declare the vstape_* options (once, for every vstape addon)."""
        opts.declare(loader)

    def configure(self, updated: set[str]) -> None:
        """Parse the options into a typed record."""
        if any(name.startswith("vstape_") for name in updated):
            self.settings = opts.parse(ctx.options)

    def request(self, flow: http.HTTPFlow) -> None:
        """Validate the request; in strict mode answer an invalid one with a 400."""
        path = _family_path(flow)
        if path is None:
            return
        found = routes.match(flow.request.method, path)
        body = flow.request.get_content(strict=False) or b""
        violations = validate_request(
            flow.request.method,
            path,
            dict(flow.request.headers.items()),
            body,
            strict=self.settings.strict,
        )
        flow.metadata[VERDICT] = {
            "route": found.route.name if found else None,
            "family": found.route.family if found else "vector_stores",
            "request": violations,
            "started": time.monotonic(),
        }
        errors = [v for v in violations if v.severity == "error"]
        if self.settings.strict and errors:
            message = "vstape strict mode: invalid request, not forwarded: " + "; ".join(
                f"{v.path}: {v.message}" for v in errors
            )
            param = errors[0].path.removeprefix("$.").removeprefix("query.")
            flow.response = http.Response.make(
                400,
                error_body(message, "invalid_request_error", param, "vstape_invalid_request"),
                {"content-type": "application/json", "x-vstape-strict": "rejected"},
            )

    def responseheaders(self, flow: http.HTTPFlow) -> None:
        """Stream server-sent events straight through: never buffered, validated or recorded."""
        if flow.metadata.get(VERDICT) is None or flow.response is None:
            return
        if "text/event-stream" in flow.response.headers.get("content-type", "").lower():
            flow.response.stream = True

    def response(self, flow: http.HTTPFlow) -> None:
        """Validate the response, annotate the flow, print one line."""
        meta = flow.metadata.get(VERDICT)
        if meta is None or flow.response is None:
            return
        path = flow.request.path
        response = flow.response
        body = response.get_content(strict=False) or b""
        violations: list[Violation] = meta["request"]
        broken = broken_on_purpose(flow)
        meta["broken_on_purpose"] = broken
        if not response.stream and broken is None:
            violations = violations + validate_response(
                flow.request.method,
                path,
                response.status_code,
                dict(response.headers.items()),
                body,
                strict=self.settings.strict,
            )
        meta["violations"] = violations
        elapsed_ms = (time.monotonic() - meta["started"]) * 1000
        meta["duration_ms"] = elapsed_ms
        lines = (
            violation_lines(exchange_of(flow), violations, self.settings.policy)
            if violations
            else []
        )
        errors = [line for v, line in zip(violations, lines, strict=True) if v.severity == "error"]
        warnings = [
            line for v, line in zip(violations, lines, strict=True) if v.severity != "error"
        ]
        route = meta["route"] or "unknown_route"
        self.report.add(
            route, response.status_code, errors, warnings, broken_on_purpose=broken is not None
        )
        notes = [] if broken is None else [f"response broken on purpose ({broken}): not validated"]
        if errors:
            flow.marked = ":exclamation:"
            flow.comment = scrub_text("\n".join(errors + warnings + notes))
        elif warnings or notes:
            flow.comment = scrub_text("\n".join(warnings + notes))
        if not self.settings.quiet:
            verdict = "; ".join(errors + warnings + notes) or "OK"
            print(
                scrub_text(f"vstape {route} {response.status_code} {elapsed_ms:.0f}ms {verdict}"),
                flush=True,
            )

    def done(self) -> None:
        """Print the report and write the JSON / JUnit files asked for."""
        if self.report.total:
            print(text.run(self.report), flush=True)
        if self.settings.report_json is not None:
            self.settings.report_json.parent.mkdir(parents=True, exist_ok=True)
            self.settings.report_json.write_bytes(json.run(self.report))
        if self.settings.junit is not None:
            self.settings.junit.parent.mkdir(parents=True, exist_ok=True)
            self.settings.junit.write_bytes(junit.run(self.report))
