"""Run the validating, recording proxy in front of an upstream (default: the emulator).

Examples:
  vstape record --cassette-dir cassettes/recorded     # reverse proxy, emulator upstream
  vstape record --upstream https://api.openai.com --cassette run.yaml
  vstape record --mode forward --cassette run.yaml    # forward proxy: each request to its host
  vstape record --mode forward --upstream emulator    # forward proxy, the emulator answers
  vstape record --fault 'get_vector_store:rate_limited:every 2' --cassette faults.yaml
  vstape record --keep-ids --cassette raw.yaml        # real ids and times, not placeholders

Reverse mode (the default) sends everything to --upstream (the embedded emulator unless
a URL is given). Forward mode is a plain forward proxy: each request goes to the host it
names (HTTPS through mitmproxy's CA), unless --upstream emulator says the emulator answers.

What cannot be recorded is refused before the proxy listens (exit 2): a --cassette or
--cassette-dir that cannot be created or written, a folder given as a file or a file as
a folder, an existing file that is not a loadable cassette.

Cassettes get stable placeholders for the ids the server assigns (vs_vstape…0001,
numbered in order of first appearance, one numbering per --cassette file or per
--cassette-dir folder) and times shifted onto one epoch, so that re-recording gives a
tiny diff; the client still gets the real ids. Recording into an existing cassette
continues its numbering. --keep-ids writes the real values.

An interaction that could not be written later on (disk full...) is counted in the shutdown summary and the reports,
and the exit status is 1. Needs mitmproxy: pip install 'vstape[proxy]'.
"""

from __future__ import annotations

import argparse
import sys

from vstape.cli import _proxy_command as proxy
from vstape.cli import _recording_options as options

NEEDS = proxy.NEEDS
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
    proxy.add_listen(parser, 8080)
    options.add_target(parser, "record", required=False)
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
    options.add_redaction(parser)
    options.add_reports(parser)
    parser.add_argument(
        "--durability",
        choices=("sync", "flush"),
        default="sync",
        help="when a response goes back: sync (default: its interaction is synced to disk, "
        "it survives a machine crash) or flush (written to the OS: it survives kill -9 of "
        "the proxy, not a power loss; faster)",
    )
    proxy.add_confdir(parser)
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
    proxy.add_fault_arguments(parser)
    parser.add_argument("--quiet", action="store_true", help="no line per flow")


def upstream_problem(upstream: str | None, *, forward: bool) -> str | None:
    """What is wrong with ``--upstream`` in this mode, or None."""
    if upstream is None or upstream == "emulator":
        return None
    if not upstream.startswith(("http://", "https://")):
        return f"--upstream {upstream!r}: expected 'emulator' or an http(s):// URL"
    if forward:
        return (
            f"--upstream {upstream!r}: forward mode sends each request to its own host; "
            "--upstream URL is for reverse mode (use --mode reverse --upstream URL, "
            "or drop --upstream)"
        )
    return None


def run(args: argparse.Namespace) -> int:
    """Start the proxy; stop on SIGINT/SIGTERM and print the report."""
    from vstape.emulator import Emulator
    from vstape_mitmproxy import chains
    from vstape_mitmproxy.serve import run as serve

    if proxy.listen_host("vstape record", args) is None:
        return 2
    forward = args.mode == "forward"
    upstream: str | None = args.upstream
    refused = upstream_problem(upstream, forward=forward)
    if refused:
        print(f"vstape record: {refused}", file=sys.stderr)
        return 2
    # reverse mode: the emulator unless a URL is given; forward mode: only when asked for
    emulated = upstream == "emulator" or (upstream is None and not forward)
    # Faults are decided first and enacted last, after the recorder wrote what the client sees.
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
        extra=proxy.options_of(args, {**proxy.RECORDER_FLAGS, **proxy.FAULT_FLAGS}),
        command="vstape record",
        flags=proxy.FLAGS,
    )
