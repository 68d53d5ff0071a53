"""Export cassettes as one HAR 1.2 file for browser devtools, mitmweb and HAR viewers.

Examples:
  vstape export cassettes/ --har vstape.har
  vstape export recorded.yaml other.json --har - | jq '.log.entries | length'

One HAR entry per interaction (one HAR page per cassette), timings as the cassette knows
them (duration_ms) or zero, and the cassette's vstape: record (route, verdict,
violations, scenario, fault) in a custom _vstape field of each entry, so that
`vstape import` of the export gives back the same cassettes. Bodies that are not text
are base64. Secrets a foreign cassette may hold are redacted on the way out.

Exit status: 0 written; 2 nothing written: a cassette that cannot be loaded (file and
line in the message), no interactions at all, or a --har that cannot be written. The
file is replaced atomically; --har - writes to stdout.
"""

from __future__ import annotations

import argparse
import sys

from vstape.cassettes.io import write_atomic
from vstape.cassettes.model import CassetteError, Interaction
from vstape.cassettes.stream import iter_interactions
from vstape.cli import _cassette_paths as cassette_paths
from vstape.interop import har_write
from vstape.recording import target as record_target
from vstape.replay.replayer import cassette_files

PREFIX = "vstape export"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``vstape export``."""
    cassette_paths.add_argument(parser)
    parser.add_argument(
        "--har", required=True, metavar="FILE", help="the HAR file to write ('-': stdout)"
    )


def _fail(message: str) -> int:
    print(f"{PREFIX}: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    """Load every cassette, then write the HAR (or nothing)."""
    to_stdout = args.har == "-"
    if not to_stdout:
        problems = record_target.probe_file("--har", args.har, cassette=False, example="out.har")
        for problem in problems:
            print(f"{PREFIX}: {problem}", file=sys.stderr)
        if problems:
            return 2
    try:
        files = cassette_files(args.paths)
        cassettes: list[tuple[str, list[Interaction]]] = [
            (str(path), [item for _, item in iter_interactions(path)]) for path in files
        ]
    except CassetteError as err:
        return _fail(f"{err}; nothing was written")
    total = sum(len(items) for _, items in cassettes)
    if not total:
        return _fail(f"no interactions in {', '.join(args.paths)}; nothing was written")
    data = har_write.dumps(har_write.document(cassettes))
    summary = f"{PREFIX}: {total} interactions from {len(cassettes)} cassettes -> {args.har}"
    if to_stdout:
        sys.stdout.buffer.write(data)
        print(summary, file=sys.stderr)
        return 0
    try:
        write_atomic(args.har, data)
    except OSError as err:
        return _fail(f"cannot write --har {args.har}: {err}; nothing was written")
    print(summary)
    return 0
