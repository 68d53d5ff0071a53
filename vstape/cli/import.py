"""Import HAR files and mitmproxy flow dumps as validated, redacted cassettes.

Examples:
  vstape import session.har --cassette-dir cassettes/imported
  vstape import flows.mitm devtools.har --cassette imported.yaml
  vstape import flows.mitm --cassette-dir out --split family --format json
  mitmdump -w flows.mitm --mode reverse:https://api.openai.com   # then: vstape import flows.mitm ...

SOURCE is a HAR 1.1/1.2 file (browser devtools, Playwright's record_har_path, Charles,
Insomnia, Postman, mitmproxy's HAR export) or a mitmproxy flow dump (mitmdump -w,
mitmweb's File > Save), told apart by its content. Only /v1/vector_stores and /v1/files
exchanges are taken; the others are counted, and entries without a response (aborted
requests) are listed and skipped. Each exchange goes through exactly what `vstape record`
does to a live one: validation (verdict and violations in the vstape: block), redaction
(cookies, Authorization, API keys, secret query parameters and JSON fields never reach
the cassette, the report or this output), decompression, normalization; and the same
files (--split, --format), appended to when they exist.

Exit status: 0 imported; 2 nothing imported and nothing written: a SOURCE that cannot be
read (the message names the file and the entry: HAR entries and flows count from 0), a
--cassette / --cassette-dir that cannot be written (checked first, as by vstape record),
no API exchange at all, or a write that failed (every cassette is left as it was). HAR
files need only vstape; flow dumps need mitmproxy: pip install 'vstape[proxy]'.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from vstape.cassettes.io import write_atomic
from vstape.cassettes.model import CassetteError
from vstape.cli import _needs as needs
from vstape.cli import _recording_options as options
from vstape.interop import har, importer
from vstape.interop.capture import Capture, CaptureError, sniff
from vstape.interop.commit import ImportWriteError
from vstape.recording import target as record_target
from vstape.recording.interaction import RecordPolicy
from vstape.recording.redact import RedactionPolicy
from vstape.reports import json as json_report
from vstape.reports import junit as junit_report
from vstape.reports import text as text_report
from vstape.reports.run import RunReport

PREFIX = "vstape import"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``vstape import`` (the recording ones are those of ``vstape record``)."""
    parser.add_argument(
        "sources", nargs="+", metavar="SOURCE", help="HAR files and mitmproxy flow dumps"
    )
    options.add_target(parser, "import", required=True)
    parser.add_argument(
        "--strict", action="store_true", help="drift (unknown fields) is an error in the verdicts"
    )
    options.add_redaction(parser)
    options.add_reports(parser)
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="no table, violation or per-cassette lines: what each source held, and the summary",
    )


def _fail(message: str) -> int:
    print(f"{PREFIX}: {message}", file=sys.stderr)
    return 2


def _startup_problems(args: argparse.Namespace, target: importer.Target) -> list[str]:
    """What ``vstape record`` would refuse before listening, and bad flag values."""
    problems = [
        f"--redact-json-path {path!r}: a JSON path starts with '$.', such as $.metadata.owner"
        for path in args.redact_json_path
        if not path.startswith("$.")
    ]
    problems += target.problems()
    for flag, value, example in (
        ("--report-json", args.report_json, "report.json"),
        ("--junit", args.junit, "report.xml"),
    ):
        if value:
            problems += record_target.probe_file(flag, value, cassette=False, example=example)
    return problems


def _read(source: str, keep_host: bool) -> Capture:
    """The capture in ``source``; CaptureError, or ImportError naming what to install."""
    if sniff(source) == "har":
        return har.read(source)
    try:
        from vstape_mitmproxy import dumpfile
    except ImportError as err:
        raise ImportError(
            f"{source} is a mitmproxy flow dump, and reading one needs mitmproxy, which cannot "
            f"be imported ({err}); install it with: {needs.INSTALL['mitmproxy']} "
            "(HAR files import without it)"
        ) from None
    return dumpfile.read(source, keep_host=keep_host)


def _describe(capture: Capture) -> list[str]:
    """What was taken from one source and what was not (and why), secrets kept out."""
    kind = "HAR file" if capture.kind == "har" else "mitmproxy flow dump"
    nouns = "entries" if capture.kind == "har" else "flows"
    reasons = Counter(item.reason for item in capture.skipped)
    line = f"{capture.source} ({kind}, {len(capture.entries)} {nouns}): {len(capture.taken)} taken"
    if reasons:
        line += (
            f", {sum(reasons.values())} skipped ("
            + ", ".join(f"{n} {reason}" for reason, n in reasons.most_common())
            + ")"
        )
    lines = [line]
    for item in capture.skipped:
        if item.detail:
            lines.append(f"{capture.source}: {capture.noun} {item.index}: {item.detail}; skipped")
    return lines


def run(args: argparse.Namespace) -> int:
    """Read every source, convert, then write every cassette or none."""
    target = importer.Target(
        cassette=Path(args.cassette) if args.cassette else None,
        cassette_dir=Path(args.cassette_dir) if args.cassette_dir else None,
        split=args.split,
        fmt=args.format,
    )
    problems = _startup_problems(args, target)
    for problem in problems:
        print(f"{PREFIX}: {problem}", file=sys.stderr)
    if problems:
        return 2
    policy = RecordPolicy(
        keep_host=args.keep_host,
        strict=args.strict,
        redaction=RedactionPolicy(
            headers=frozenset(h.lower() for h in args.redact_header),
            json_paths=tuple(args.redact_json_path),
        ),
    )
    captures = []
    for source in args.sources:
        try:
            captures.append(_read(source, args.keep_host))
        except (CaptureError, ImportError) as err:
            return _fail(f"{err}; nothing was written")
    for capture in captures:
        for line in _describe(capture):
            print(f"{PREFIX}: {line}", flush=True)
    planned = importer.plan(captures, target, policy)
    if not planned.imported:
        return _fail(
            "no /v1/vector_stores or /v1/files exchange with a response in "
            f"{', '.join(args.sources)}; nothing was written"
        )
    try:
        written = importer.commit(planned, keep_ids=args.keep_ids)
    except (ImportWriteError, CassetteError) as err:
        return _fail(str(err))
    if not args.quiet:
        nouns = {capture.source: capture.noun for capture in captures}
        for item in planned.imported:
            if item.errors or item.warnings:
                shown = "; ".join(item.errors + item.warnings)
                where = f"{item.source}: {nouns[item.source]} {item.index}"
                print(f"{PREFIX}: {where}: {item.route or 'unknown_route'}: {shown}")
        print(text_report.run(planned.report), flush=True)
        for cassette in written:
            before = f" (after the {cassette.kept} already there)" if cassette.kept else ""
            print(f"{PREFIX}: {cassette.added} interactions -> {cassette.path}{before}")
    verdicts = ", ".join(f"{n} {verdict}" for verdict, n in sorted(planned.verdicts.items()))
    print(
        f"{PREFIX}: {len(planned.imported)} interactions ({verdicts}) from "
        f"{len(captures)} sources -> {len(written)} cassettes"
    )
    writers: tuple[tuple[str, str, Callable[[RunReport], bytes]], ...] = (
        ("--report-json", args.report_json, json_report.run),
        ("--junit", args.junit, junit_report.run),
    )
    for option, path, render in writers:
        if path:
            try:
                write_atomic(path, render(planned.report))
            except OSError as err:
                return _fail(f"cannot write {option} {path}: {err}")
    return 0
