"""The options ``vstape record`` and ``vstape import`` share, declared once.

Both write what they take through the same pipeline (:mod:`vstape.recording`), so where
the cassettes go (``--cassette`` or ``--cassette-dir`` split by ``--split``, in
``--format``), what is kept out of them (``--keep-host``, ``--redact-header``,
``--redact-json-path``) and the run report files (``--report-json``, ``--junit``) are
spelled, defaulted and explained alike in both commands.
"""

from __future__ import annotations

import argparse

from vstape.recording import target as record_target


def add_target(parser: argparse.ArgumentParser, verb: str, *, required: bool) -> None:
    """``--cassette FILE`` | ``--cassette-dir DIR``, then ``--split`` and ``--format``."""
    where = parser.add_mutually_exclusive_group(required=required)
    where.add_argument(
        "--cassette",
        default="",
        metavar="FILE",
        help=f"{verb} every interaction into this one file (.yaml or .json)",
    )
    where.add_argument(
        "--cassette-dir",
        default="",
        metavar="DIR",
        help=f"{verb} into this folder, one cassette per route (see --split)",
    )
    parser.add_argument(
        "--split",
        choices=record_target.SPLITS,
        default="route",
        help="how --cassette-dir splits (default: route)",
    )
    parser.add_argument(
        "--format",
        choices=("yaml", "json"),
        default="yaml",
        help="cassette format for --cassette-dir",
    )


def add_redaction(parser: argparse.ArgumentParser) -> None:
    """``--keep-host``, ``--keep-ids``, ``--redact-header NAME``, ``--redact-json-path PATH``."""
    parser.add_argument(
        "--keep-host",
        action="store_true",
        help="keep the real host instead of https://api.openai.com",
    )
    parser.add_argument(
        "--keep-ids",
        action="store_true",
        help="keep the real ids, times and timings: no stable placeholders (vs_vstape0001...), "
        "no time shift (see `vstape docs reviewing-cassette-changes`)",
    )
    parser.add_argument(
        "--redact-header",
        action="append",
        default=[],
        metavar="NAME",
        help="extra header to redact (repeatable)",
    )
    parser.add_argument(
        "--redact-json-path",
        action="append",
        default=[],
        metavar="PATH",
        help="extra JSON path to redact, e.g. $.metadata.owner (repeatable)",
    )


def add_reports(parser: argparse.ArgumentParser) -> None:
    """``--report-json FILE`` and ``--junit FILE``: the run report, written at the end."""
    parser.add_argument(
        "--report-json", default="", metavar="FILE", help="write the run report as JSON"
    )
    parser.add_argument(
        "--junit", default="", metavar="FILE", help="write the run report as JUnit XML"
    )
