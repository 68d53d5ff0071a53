"""The ``vstape`` command: a thin dispatcher over one module per subcommand.

Each subcommand lives in ``vstape/cli/<name>.py`` and exposes
``add_arguments(parser)`` and ``run(args) -> int``; its module docstring is its ``--help``
text, printed as written (examples on their own lines). Subcommands that need mitmproxy
import it inside ``run`` so that ``vstape --help`` works without it, and declare it in
``NEEDS``: without it they say what to install and exit 2 (:mod:`vstape.cli._needs`).

A reader that stops early (``vstape faults | head -5``) ends the command quietly with
status 141 (128 + SIGPIPE, what other Unix tools report), not with a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from vstape.cli import _needs as needs

# name -> one-line help; the module is vstape.cli.<name with - as _>
COMMANDS: dict[str, str] = {
    "routes": "print the route table",
    "demo": "record the official SDK driving every route through the proxy, then report",
    "emulate": "serve the stateful Vector Stores emulator on 127.0.0.1",
    "record": "run the validating, recording proxy in front of an upstream",
    "replay": "serve cassettes as a fake API to any HTTP client",
    "validate": "validate every interaction of vcrpy cassettes against the schemas",
    "lint": "find secrets and unreplayable interactions in cassettes",
    "coverage": "which routes x statuses x scenarios a set of cassettes exercises",
    "import": "import HAR files and mitmproxy flow dumps as validated, redacted cassettes",
    "export": "export cassettes as a HAR file for browser devtools, mitmweb and HAR viewers",
    "diff": "compare two cassettes or cassette folders, interaction by interaction",
    "drift": "catch API drift: schemas vs an OpenAPI spec, cassettes vs schemas, live vs cassettes",
    "cassettes": "regenerate or check the shipped cassettes; normalize any cassettes",
    "faults": "print the failure catalog (what each scenario sends, what the SDK raises)",
    "where": "print where the shipped cassettes, the mitmproxy addon script and the docs are",
    "docs": "print a section of the README shipped with vstape",
}

EPILOG = """\
emulate, record, replay, demo and cassettes regenerate need mitmproxy:
  pip install 'vstape[proxy]'
Documentation: vstape docs (sections of the README shipped with vstape)."""


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="vstape",
        description="Record, validate and replay OpenAI Vector Stores API traffic.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, summary in COMMANDS.items():
        module = importlib.import_module(f"vstape.cli.{name.replace('-', '_')}")
        cmd = sub.add_parser(
            name,
            help=summary,
            description=module.__doc__,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(cmd)
        cmd.set_defaults(_run=module.run, _needs=getattr(module, "NEEDS", ()))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``vstape`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    refused = needs.check(f"vstape {args.command}", args._needs)
    if refused is not None:
        return refused
    try:
        code: int = args._run(args)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return SIGPIPE_EXIT
    return code


SIGPIPE_EXIT = 141  # 128 + SIGPIPE


def _silence_stdout() -> None:
    """Point stdout at /dev/null: whatever is still buffered goes nowhere, quietly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout is not a real file (captured, closed)
        pass


if __name__ == "__main__":
    sys.exit(main())
