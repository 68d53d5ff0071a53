"""Run the validating, recording proxy in front of an upstream (default: the emulator).

Examples:
  vstape record --cassette-dir cassettes/recorded     # reverse proxy, emulator upstream
  vstape record --upstream https://api.openai.com --cassette run.yaml
  vstape record --mode forward --cassette run.yaml    # forward proxy: each request to its host
  vstape record --mode forward --upstream emulator    # forward proxy, the emulator answers
  vstape record --fault 'get_vector_store:rate_limited:every 2' --cassette faults.yaml

Reverse mode (the default) sends everything to --upstream (the embedded emulator unless
a URL is given). Forward mode is a plain forward proxy: each request goes to the host it
names (HTTPS through mitmproxy's CA), unless --upstream emulator says the emulator answers.

What cannot be recorded is refused before the proxy listens (exit 2): a --cassette or
--cassette-dir that cannot be created or written, a folder given as a file or a file as
a folder, an existing file that is not a loadable cassette. An interaction that could not
be written later on (disk full...) is counted in the shutdown summary and the reports,
and the exit status is 1. Needs mitmproxy: pip install 'vstape[proxy]'.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

NEEDS = ("mitmproxy",)
"""What the command cannot run without (checked by :mod:`vstape.cli.main`)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``vstape record``."""
    parser.add_argument(
        "--upstream",
        default=None,
        metavar="URL|emulator",
        help="reverse mode: the upstream URL, or 'emulator' (default); forward mode: each "
        "request goes to its own host, unless 'emulator' is given",
    )
    parser.add_argument(
        "--listen",
        default="127.0.0.1:8080",
        help="HOST:PORT (default 127.0.0.1:8080; port 0 picks a free one)",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--cassette",
        default="",
        help="record every interaction into this one file (.yaml or .json)",
    )
    where.add_argument(
        "--cassette-dir", default="", help="record into this folder, one cassette per route"
    )
    parser.add_argument(
        "--split",
        choices=("route", "family", "none"),
        default="route",
        help="how --cassette-dir splits (default: route)",
    )
    parser.add_argument(
        "--format",
        choices=("yaml", "json"),
        default="yaml",
        help="cassette format for --cassette-dir",
    )
    parser.add_argument(
        "--mode",
        choices=("reverse", "forward"),
        default="reverse",
        help="reverse (base_url points at the proxy) or forward (HTTPS_PROXY + mitmproxy's CA)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="answer invalid requests with a 400 and treat drift as an error",
    )
    parser.add_argument(
        "--keep-host",
        action="store_true",
        help="keep the real host instead of https://api.openai.com",
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
    parser.add_argument("--report-json", default="", help="write the run report as JSON here")
    parser.add_argument("--junit", default="", help="write the run report as JUnit XML here")
    parser.add_argument(
        "--confdir", default=None, help="mitmproxy's folder for its CA (default ~/.mitmproxy)"
    )
    parser.add_argument(
        "--seed", type=int, default=None, help="emulator upstream: deterministic mode"
    )
    parser.add_argument(
        "--polls",
        type=int,
        default=1,
        metavar="N",
        help="emulator upstream: in_progress answers a file or batch gets before it completes",
    )
    add_fault_arguments(parser)
    parser.add_argument("--quiet", action="store_true", help="no line per flow")


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
    """``--stall-ms -1: must be >= 0`` for each count flag given a negative value.

    Checked before the proxy starts, so the message names the flag the user typed, not
    the mitmproxy option behind it. Covers the fault flags and, for ``record``, ``--polls``.
    """
    flags = {"--stall-ms": "stall_ms", "--latency-ms": "latency_ms", "--polls": "polls"}
    return [
        f"{flag} {value}: must be >= 0"
        for flag, attr in flags.items()
        if isinstance(value := getattr(args, attr, None), int) and value < 0
    ]


def fault_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The vstape_fault* mitmproxy options for these arguments."""
    return {
        "vstape_faults": args.fault,
        "vstape_fault_seed": args.fault_seed,
        "vstape_fault_stall_ms": args.stall_ms,
        "vstape_fault_latency_ms": args.latency_ms,
    }


FLAGS = {
    "vstape_cassette": "--cassette",
    "vstape_cassette_dir": "--cassette-dir",
    "vstape_split": "--split",
    "vstape_format": "--format",
    "vstape_strict": "--strict",
    "vstape_keep_host": "--keep-host",
    "vstape_redact_headers": "--redact-header",
    "vstape_redact_json_paths": "--redact-json-path",
    "vstape_report_json": "--report-json",
    "vstape_junit": "--junit",
    "vstape_quiet": "--quiet",
    "vstape_faults": "--fault",
    "vstape_fault_seed": "--fault-seed",
    "vstape_fault_stall_ms": "--stall-ms",
    "vstape_fault_latency_ms": "--latency-ms",
    "vstape_emulator_seed": "--seed",
    "vstape_emulator_polls": "--polls",
}
"""The flag behind each mitmproxy option, so that errors name what the user typed."""


def settings_of(args: argparse.Namespace) -> dict[str, Any]:
    """The vstape_* mitmproxy options for these arguments."""
    return {
        "vstape_cassette": args.cassette,
        "vstape_cassette_dir": args.cassette_dir,
        "vstape_split": args.split,
        "vstape_format": args.format,
        "vstape_strict": args.strict,
        "vstape_keep_host": args.keep_host,
        "vstape_redact_headers": args.redact_header,
        "vstape_redact_json_paths": args.redact_json_path,
        "vstape_report_json": args.report_json,
        "vstape_junit": args.junit,
        "vstape_quiet": args.quiet,
        **fault_settings(args),
    }


def run(args: argparse.Namespace) -> int:
    """Start the proxy; stop on SIGINT/SIGTERM and print the report."""
    from vstape.emulator import Emulator
    from vstape_mitmproxy import chains
    from vstape_mitmproxy.serve import parse_listen, warn_if_exposed
    from vstape_mitmproxy.serve import run as serve

    try:
        host, _ = parse_listen(args.listen)
    except ValueError as err:
        print(f"vstape record: {err}", file=sys.stderr)
        return 2
    warn_if_exposed(host, "vstape record")
    forward = args.mode == "forward"
    upstream: str | None = args.upstream
    if upstream is not None and upstream != "emulator":
        if not upstream.startswith(("http://", "https://")):
            print(
                f"vstape record: --upstream {upstream!r}: expected 'emulator' or an http(s):// URL",
                file=sys.stderr,
            )
            return 2
        if forward:
            print(
                f"vstape record: --upstream {upstream!r}: forward mode sends each request to its "
                "own host; --upstream URL is for reverse mode (use --mode reverse --upstream URL, "
                "or drop --upstream)",
                file=sys.stderr,
            )
            return 2
    # reverse mode: the emulator unless a URL is given; forward mode: only when asked for
    emulated = upstream == "emulator" or (upstream is None and not forward)
    problems = negative_counts(args)
    for problem in problems:
        print(f"vstape record: {problem}", file=sys.stderr)
    if problems:
        return 2
    addons = chains.record(
        Emulator(seed=args.seed, polls_to_complete=args.polls) if emulated else None
    )
    if forward:
        mode = "regular"
    else:
        mode = "reverse:" + ("http://127.0.0.1:9" if emulated else str(upstream))
    target = (
        args.cassette
        or args.cassette_dir
        or "nowhere (no --cassette or --cassette-dir: validating only)"
    )

    def announce(bound_host: str, port: int) -> None:
        if emulated:
            answered_by = "the emulator"
        elif forward:
            answered_by = "each request's own host"
        else:
            answered_by = str(upstream)
        kind = "forward proxy" if forward else "reverse proxy"
        where = f"http://{bound_host}:{port}" + ("" if forward else "/v1")
        print(
            f"vstape record: {kind} at {where} -> {answered_by}; recording to {target}", flush=True
        )

    return serve(
        listen=args.listen,
        mode=mode,
        addons=addons,
        announce=announce,
        confdir=args.confdir,
        extra=settings_of(args),
        command="vstape record",
        flags=FLAGS,
    )
