"""What the proxy commands (``emulate``, ``record``, ``replay``) share: options and start-up checks.

Each runs mitmproxy through :func:`vstape_mitmproxy.serve.run`, imported lazily (inside the
function that needs it), so that ``vstape --help`` and ``vstape validate`` work without
mitmproxy. :data:`FLAGS` names the flag behind each ``vstape_*`` mitmproxy option a
command sets, so that an option error names what the user typed; :func:`options_of`
reads those options' values from the parsed arguments.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from typing import Any

NEEDS = ("mitmproxy",)
"""What a proxy command cannot run without (checked by :mod:`vstape.cli.main`)."""

RECORDER_FLAGS = {
    "vstape_cassette": "--cassette",
    "vstape_cassette_dir": "--cassette-dir",
    "vstape_split": "--split",
    "vstape_format": "--format",
    "vstape_strict": "--strict",
    "vstape_keep_host": "--keep-host",
    "vstape_keep_ids": "--keep-ids",
    "vstape_redact_headers": "--redact-header",
    "vstape_redact_json_paths": "--redact-json-path",
    "vstape_report_json": "--report-json",
    "vstape_junit": "--junit",
    "vstape_quiet": "--quiet",
    "vstape_durability": "--durability",
}
FAULT_FLAGS = {
    "vstape_faults": "--fault",
    "vstape_fault_seed": "--fault-seed",
    "vstape_fault_stall_ms": "--stall-ms",
    "vstape_fault_latency_ms": "--latency-ms",
}
EMULATOR_FLAGS = {"vstape_emulator_seed": "--seed", "vstape_emulator_polls": "--polls"}
FLAGS = {**RECORDER_FLAGS, **FAULT_FLAGS, **EMULATOR_FLAGS}
"""The flag behind each mitmproxy option, so that errors name what the user typed."""

COUNT_FLAGS = ("--stall-ms", "--latency-ms", "--polls", "--processing-ms", "--poll-after-ms")
"""Flags that take a count of something (milliseconds, polls): never negative."""


def _dest(flag: str) -> str:
    return flag.removeprefix("--").replace("-", "_")


def options_of(args: argparse.Namespace, flags: Mapping[str, str]) -> dict[str, Any]:
    """The value of each mitmproxy option in ``flags``, read from the flag behind it."""
    return {option: getattr(args, _dest(flag)) for option, flag in flags.items()}


def add_listen(parser: argparse.ArgumentParser, port: int) -> None:
    """``--listen HOST:PORT`` (default ``127.0.0.1:port``)."""
    parser.add_argument(
        "--listen",
        default=f"127.0.0.1:{port}",
        help=f"HOST:PORT to listen on (default 127.0.0.1:{port}; port 0 picks a free one)",
    )


def add_confdir(parser: argparse.ArgumentParser) -> None:
    """``--confdir``: mitmproxy's own folder."""
    parser.add_argument(
        "--confdir",
        default=None,
        help="mitmproxy's configuration folder, with its CA (default ~/.mitmproxy)",
    )


def add_fault_arguments(parser: argparse.ArgumentParser) -> None:
    """``--fault`` and its companions (shared by ``record`` and ``replay``)."""
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="ROUTE:SCENARIO[:every N|:rate P]",
        help="inject a catalog failure (repeatable; ROUTE may be *); see `vstape faults`",
    )
    parser.add_argument(
        "--fault-seed", type=int, default=-1, help="seed for ':rate P' faults (default: random)"
    )
    parser.add_argument(
        "--stall-ms",
        type=int,
        default=610_000,
        help="read_timeout/connect_timeout hold a request until the client gives up, at most "
        "this long (default 610000: past the SDK's 600 s default timeout)",
    )
    parser.add_argument(
        "--latency-ms", type=int, default=2000, help="delay of slow_response (default 2000)"
    )


def negative_counts(args: argparse.Namespace) -> list[str]:
    """``--stall-ms -1: must be >= 0`` for each count flag the command has, given a negative value.

    Checked before the proxy starts, so the message names the flag the user typed, not
    the mitmproxy option behind it.
    """
    return [
        f"{flag} {value}: must be >= 0"
        for flag in COUNT_FLAGS
        if isinstance(value := getattr(args, _dest(flag), None), int) and value < 0
    ]


def listen_host(command: str, args: argparse.Namespace) -> str | None:
    """The ``--listen`` host once the start-up checks pass; None: refused (each problem printed).

    Checks ``--listen`` and the count flags, then warns when the host is not loopback.
    """
    from vstape_mitmproxy.serve import parse_listen, warn_if_exposed

    problems = negative_counts(args)
    try:
        host, _ = parse_listen(args.listen)
    except ValueError as err:
        problems.insert(0, str(err))
    for problem in problems:
        print(f"{command}: {problem}", file=sys.stderr)
    if problems:
        return None
    warn_if_exposed(host, command)
    return host
