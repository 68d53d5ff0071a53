"""Validate every interaction of vcrpy cassettes (YAML or JSON, ours or not) against the schemas.

    vstape validate cassettes/ out/demo/cassettes --strict --junit report.xml --json report.json

Exit status: 0 clean, 1 violations, 2 unusable input (a cassette that cannot be loaded:
the message names the file and the line).
"""

from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import msgspec

from vstape.cassettes import CassetteError, load
from vstape.recording import Exchange, check
from vstape.replay_server import cassette_files


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``vstape validate``."""
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="cassette files or folders (searched recursively)"
    )
    parser.add_argument(
        "--strict", action="store_true", help="drift (unknown fields) is an error too"
    )
    parser.add_argument("--json", default="", metavar="FILE", help="write the findings as JSON")
    parser.add_argument(
        "--junit", default="", metavar="FILE", help="write the findings as JUnit XML"
    )


def _exchange(item: object) -> Exchange:
    request, response = item.request, item.response  # type: ignore[attr-defined]
    body = request.body.encode() if isinstance(request.body, str) else (request.body or b"")
    return Exchange(
        method=request.method,
        url=request.uri,
        request_headers=[(k, v) for k, values in request.headers.items() for v in values],
        request_body=body,
        status=response.status.code,
        reason=response.status.message,
        response_headers=[(k, v) for k, values in response.headers.items() for v in values],
        response_body=response.body.bytes,
    )


def run(args: argparse.Namespace) -> int:
    """Validate, print one line per finding, write the reports asked for."""
    try:
        files = cassette_files(args.paths)
    except CassetteError as err:
        print(f"vstape validate: {err}", file=sys.stderr)
        return 2
    findings: dict[str, list[str]] = {}
    unusable = 0
    for path in files:
        try:
            interactions = load(path).interactions
        except CassetteError as err:
            print(str(err), file=sys.stderr)
            unusable += 1
            continue
        lines = findings.setdefault(str(path), [])
        for index, item in enumerate(interactions):
            for violation in check(_exchange(item), strict=args.strict):
                if violation.severity == "error" or args.strict:
                    lines.append(
                        f"interaction {index}: {item.request.method} {item.request.uri}: {violation.line()}"
                    )
    errors = sum(len(v) for v in findings.values())
    for name, lines in findings.items():
        for line in lines:
            print(f"{name}: {line}")
    print(f"vstape validate: {len(files)} cassettes, {errors} violations, {unusable} unusable")
    if args.json:
        Path(args.json).write_bytes(msgspec.json.format(msgspec.json.encode(findings), indent=2))
    if args.junit:
        suite = ET.Element(
            "testsuite",
            name="vstape-validate",
            tests=str(len(findings)),
            failures=str(sum(1 for v in findings.values() if v)),
        )
        for name, lines in findings.items():
            case = ET.SubElement(suite, "testcase", classname="vstape.cassettes", name=name)
            if lines:
                ET.SubElement(case, "failure", message=f"{len(lines)} violations").text = "\n".join(
                    lines
                )
        ET.ElementTree(suite).write(args.junit, encoding="utf-8", xml_declaration=True)
    if unusable:
        return 2
    return 1 if errors else 0
