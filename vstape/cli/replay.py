"""Serve cassettes as a fake Vector Stores API to any HTTP client.

Examples:
  vstape replay cassettes/ --listen 127.0.0.1:8081
  curl -H "Authorization: Bearer sk-x" http://127.0.0.1:8081/v1/vector_stores/vs_abc
  vstape replay cassettes/ --fault 'search_vector_store:rate_limited:every 2'
  vstape replay "$(vstape where cassettes)"/*/ok.yaml --match route

A cassette that cannot be loaded, a folder holding no cassette and a cassette holding no
interactions stop the server before it starts (exit 2; --allow-empty serves empty
cassettes). A request with no recording gets a 404 whose message shows the nearest
recording (at most 64 KB). Needs mitmproxy: pip install 'vstape[proxy]'.
"""

from __future__ import annotations

import argparse
import sys

from vstape.cli import _cassette_paths as cassette_paths
from vstape.cli import _proxy_command as proxy

NEEDS = proxy.NEEDS
"""What the command cannot run without (checked by :mod:`vstape.cli.main`)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``vstape replay``."""
    cassette_paths.add_argument(parser)
    proxy.add_listen(parser, 8081)
    parser.add_argument(
        "--exhausted",
        choices=("repeat-last", "fail"),
        default="repeat-last",
        help="identical requests beyond their recordings: repeat the last answer, or miss",
    )
    parser.add_argument(
        "--match",
        choices=("exact", "route"),
        default="exact",
        help="exact (method, path, query, body) or route (any ids: the shipped cassettes' rule)",
    )
    parser.add_argument(
        "--no-fast-forward",
        action="store_true",
        help="keep recorded openai-poll-after-ms / retry-after delays",
    )
    proxy.add_fault_arguments(parser)
    parser.add_argument(
        "--allow-empty",
        action="store_true",
        help="serve even when a folder holds no cassette or a cassette no interactions "
        "(by default both stop the server before it starts, exit 2)",
    )
    parser.add_argument("--quiet", action="store_true", help="log misses only")


def run(args: argparse.Namespace) -> int:
    """Load the cassettes, then serve until SIGINT/SIGTERM."""
    from vstape.cassettes.model import CassetteError
    from vstape.replay.replayer import Replayer
    from vstape_mitmproxy import chains
    from vstape_mitmproxy.serve import run as serve

    if proxy.listen_host("vstape replay", args) is None:
        return 2
    try:
        replayer = Replayer(
            args.paths,
            exhausted=args.exhausted,
            fast_forward_delays=not args.no_fast_forward,
            match=args.match,
            allow_empty=args.allow_empty,
        )
    except (ValueError, CassetteError) as err:
        print(f"vstape replay: {err}", file=sys.stderr)
        return 2
    if args.match == "route":
        for line in replayer.merged_scenarios():
            print(
                f"vstape replay: WARNING: --match route serves several scenarios of {line} "
                "in one sequence (file order); serve one scenario per route, e.g. "
                "cassettes/<route>/ok.yaml",
                file=sys.stderr,
                flush=True,
            )

    def announce(bound_host: str, port: int) -> None:
        print(
            f"vstape replay: serving {len(replayer.interactions)} interactions from {len(replayer.files)} "
            f"cassettes at http://{bound_host}:{port}/v1",
            flush=True,
        )

    return serve(
        listen=args.listen,
        mode="reverse:http://127.0.0.1:9",
        addons=chains.replay(replayer, quiet=args.quiet),
        announce=announce,
        extra=proxy.options_of(args, proxy.FAULT_FLAGS),
        command="vstape replay",
        flags=proxy.FLAGS,
    )
