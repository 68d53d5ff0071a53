"""The positional ``PATH...`` of every command that reads cassettes, declared once.

``validate``, ``lint``, ``coverage``, ``export`` and ``replay`` all resolve it with
:func:`vstape.replay.replayer.cassette_files`, so it says the same everywhere: files, or
folders searched recursively.
"""

from __future__ import annotations

import argparse


def add_argument(parser: argparse.ArgumentParser) -> None:
    """``PATH [PATH ...]``: cassette files or folders (``args.paths``)."""
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="cassette files or folders (searched recursively; YAML or JSON)",
    )
