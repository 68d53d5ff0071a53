"""Catch API drift: vstape's schemas vs an OpenAPI spec, cassettes vs the schemas, the live API vs the cassettes.

Examples:
  vstape drift spec openai-openapi.yaml
  vstape drift live cassettes/ --upstream https://api.openai.com/v1          # dry run
  OPENAI_API_KEY=sk-... vstape drift live cassettes/ --upstream https://api.openai.com/v1 --yes
  vstape drift all cassettes/ --spec openai-openapi.yaml --markdown > drift.md
  vstape drift all cassettes/ --spec openai-openapi.yaml --upstream https://api.openai.com/v1 --yes

spec: compares the route table and the schemas with the document (properties, types,
enums, required fields, limits, operations under /vector_stores and /files, responses and
their headers); the differences README "Known differences from the spec" documents are
shown as known, not as drift.
live: re-sends each cassette's requests in order to --upstream, remapping ids as it goes
(a create's new id replaces the recorded one in every later request), and compares each
answer with the recorded one by shape (fields added or missing, types, enum values the
schemas do not list, status codes, headers), never by value; live answers are validated
too. Without --yes it only prints what it would send; with --yes it sends, then deletes
what it created (each deletion reported). The key is read from $OPENAI_API_KEY (or the
variable --api-key-env names), never from the command line.
all: the spec (--spec, else $VSTAPE_OPENAPI), the cassettes against the schemas (the
check of `vstape validate --strict`), and live when --upstream is given, in one report.

Output: terminal (default), --json, --markdown (an issue body: starts with the line
<!-- vstape drift -->), --sarif (GitHub code scanning; known differences suppressed).
Exit status: 0 no drift, 1 drift, 2 unusable input (a spec that does not parse, a
cassette that does not load, an upstream that does not answer or refuses the key).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from vstape.cli import _needs as needs
from vstape.drift.model import Drift, DriftReport, merged


def _common(parser: argparse.ArgumentParser) -> None:
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the report as JSON")
    output.add_argument(
        "--markdown", action="store_true", help="print the report as Markdown (an issue body)"
    )
    output.add_argument(
        "--sarif", action="store_true", help="print the report as SARIF 2.1.0 (code scanning)"
    )
    parser.add_argument(
        "--list-known",
        action="store_true",
        help="terminal: list each known difference (default: one line per documented key)",
    )


def _live_options(parser: argparse.ArgumentParser, required: bool) -> None:
    parser.add_argument(
        "--upstream",
        required=required,
        metavar="URL",
        help="the API to re-send to, e.g. https://api.openai.com/v1 or http://127.0.0.1:8000/v1",
    )
    parser.add_argument(
        "--yes",
        action="store_true",
        help="really send (creates, modifies and deletes objects upstream), then clean up",
    )
    parser.add_argument(
        "--api-key-env",
        default="OPENAI_API_KEY",
        metavar="NAME",
        help="the environment variable holding the API key (default OPENAI_API_KEY)",
    )
    parser.add_argument(
        "--timeout", type=float, default=60.0, metavar="SECONDS", help="per request (default 60)"
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``vstape drift spec|live|all``."""
    sub = parser.add_subparsers(dest="check", metavar="CHECK", required=True)
    spec = sub.add_parser("spec", help="vstape's schemas and routes vs an OpenAPI document")
    spec.add_argument("openapi", metavar="OPENAPI", help="the spec (YAML or JSON)")
    _common(spec)
    live = sub.add_parser("live", help="re-send cassettes to a live upstream, compare by shape")
    live.add_argument("paths", nargs="+", metavar="CASSETTE", help="cassette files or folders")
    _live_options(live, required=True)
    _common(live)
    every = sub.add_parser("all", help="spec, cassettes vs schemas, and live (with --upstream)")
    every.add_argument("paths", nargs="*", metavar="CASSETTE", help="cassette files or folders")
    every.add_argument(
        "--spec", default="", metavar="OPENAPI", help="the spec (default $VSTAPE_OPENAPI)"
    )
    _live_options(every, required=False)
    _common(every)


def _fail(message: str) -> int:
    print(f"vstape drift: {message}", file=sys.stderr)
    return 2


def _spec(path: str) -> DriftReport:
    from vstape.drift import spec

    try:
        return spec.run(path)
    except spec.SpecError as err:
        return DriftReport(
            checks=["spec"],
            items=[Drift(check="spec", kind="unusable", message=str(err), file=path)],
            inputs={"spec": [path]},
        )


def _print(report: DriftReport, args: argparse.Namespace) -> int:
    from vstape.drift import render
    from vstape.drift.sarif import as_sarif

    if args.json:
        sys.stdout.buffer.write(render.as_json(report))
    elif args.sarif:
        sys.stdout.buffer.write(as_sarif(report, Path.cwd()))
    elif args.markdown:
        sys.stdout.write(render.as_markdown(report))
    else:
        sys.stdout.write(render.as_text(report, every_known=args.list_known))
    for item in report.unusable:  # on stderr whatever the format: a CI log shows it
        print(f"vstape drift: {item.message}", file=sys.stderr)
    return report.exit_code()


def _live(args: argparse.Namespace, cassettes: list[object]) -> DriftReport | int:
    from vstape.drift import live

    try:
        upstream = live.base_url(args.upstream)
    except ValueError as err:
        return _fail(str(err))
    if not args.timeout > 0:  # nan too
        return _fail(f"--timeout {args.timeout:g}: must be more than 0 seconds")
    chosen = [c for c in cassettes if isinstance(c, live.Cassette)]
    if not args.yes:
        from vstape.drift.render import plan_json, plan_text

        plan = live.plan(chosen)
        if args.check == "all":  # the rest of the report still comes; the plan goes to stderr
            sys.stderr.write(plan_text(plan, upstream))
            note = f"live: dry run, nothing sent to {upstream} (add --yes to send)"
            return DriftReport(notes=[note])
        if args.json:
            sys.stdout.buffer.write(plan_json(plan, upstream))
        else:
            sys.stdout.write(plan_text(plan, upstream))
        return 0
    key = os.environ.get(args.api_key_env, "")
    return live.run(chosen, upstream, send=live.http_send(args.timeout), api_key=key)


def run(args: argparse.Namespace) -> int:
    """Run the check asked for, print one report; 0 no drift, 1 drift, 2 unusable input."""
    from vstape.drift.cassettes import check_cassettes, load_cassettes

    if args.check in ("spec", "all"):
        refused = needs.check(f"vstape drift {args.check}", ("referencing",))
        if refused is not None:
            return refused
    if args.check == "spec":
        return _print(_spec(args.openapi), args)
    reports: list[DriftReport] = []
    if args.check == "all":
        spec_path = args.spec or os.environ.get("VSTAPE_OPENAPI", "")
        if not spec_path:
            return _fail(
                "drift all needs the spec: --spec openai-openapi.yaml (or set VSTAPE_OPENAPI); "
                "the latest is at https://github.com/openai/openai-openapi"
            )
        reports.append(_spec(spec_path))
        if not args.paths and not args.upstream:
            return _print(merged(reports), args)
    if not args.paths:
        return _fail("no cassettes given: name cassette files or folders")
    cassettes, problems = load_cassettes(args.paths)
    reports.append(DriftReport(checks=[], items=problems))
    if args.check == "all":
        reports.append(check_cassettes(cassettes))
    if args.upstream and cassettes and not problems:  # nothing is sent on unusable input
        live_report = _live(args, list(cassettes))
        if isinstance(live_report, int):
            return live_report
        reports.append(live_report)
    return _print(merged(reports), args)
