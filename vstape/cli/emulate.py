"""Serve the stateful Vector Stores API emulator: point any client's base URL at it.

Examples:
  vstape emulate --listen 127.0.0.1:8000
  OPENAI_BASE_URL=http://127.0.0.1:8000/v1 OPENAI_API_KEY=sk-anything python my_app.py
  vstape emulate --listen 127.0.0.1:8000 --seed 7    # deterministic ids and clock

Needs mitmproxy: pip install 'vstape[proxy]'.
"""

from __future__ import annotations

import argparse

from vstape.cli import _proxy_command as proxy

NEEDS = proxy.NEEDS
"""What the command cannot run without (checked by :mod:`vstape.cli.main`)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``vstape emulate``."""
    proxy.add_listen(parser, 8000)
    parser.add_argument(
        "--seed", type=int, default=None, help="deterministic mode: seeded ids and a fixed clock"
    )
    parser.add_argument(
        "--processing-ms",
        type=int,
        default=0,
        help="wall-clock time a file takes to process (default 0)",
    )
    parser.add_argument(
        "--poll-after-ms",
        type=int,
        default=100,
        help="openai-poll-after-ms header on in-progress objects (default 100)",
    )
    proxy.add_confdir(parser)


def run(args: argparse.Namespace) -> int:
    """Start mitmproxy in reverse mode with the emulator addon answering everything."""
    from vstape.emulator import Emulator
    from vstape_mitmproxy import chains
    from vstape_mitmproxy.serve import run as serve

    if proxy.listen_host("vstape emulate", args) is None:
        return 2
    emulator = Emulator(
        seed=args.seed, processing_ms=args.processing_ms, poll_after_ms=args.poll_after_ms
    )

    def announce(bound_host: str, port: int) -> None:
        mode = (
            f"deterministic, seed {args.seed}"
            if args.seed is not None
            else "random ids, wall clock"
        )
        print(
            f"vstape emulate: serving the Vector Stores API emulator at http://{bound_host}:{port}/v1 ({mode})",
            flush=True,
        )

    return serve(
        listen=args.listen,
        mode="reverse:http://127.0.0.1:9",
        addons=chains.emulate(emulator),
        announce=announce,
        confdir=args.confdir,
        command="vstape emulate",
    )
