"""Print where the installed vstape keeps what the README points at.

Examples:
  vstape where                                     # every location, one per line
  vstape replay "$(vstape where cassettes)"/*/ok.yaml --match route
  mitmdump --listen-host 127.0.0.1 -p 8080 -s "$(vstape where addon)"

cassettes: the shipped cassettes, <route>/<scenario>.yaml; addon: the mitmproxy script
with the validator and recorder; emulator-addon: the emulator as a mitmproxy script;
docs: the README (`vstape docs SECTION` prints one section).
"""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

from vstape.cassettes.shipped import shipped_dir
from vstape.docs import readme_path
from vstape.reports.text import aligned

WHAT = ("cassettes", "addon", "emulator-addon", "docs")
"""The names of the locations, known without looking (``--help`` never looks for a face)."""


def locations() -> dict[str, Path]:
    """Name -> path of each thing vstape ships (found without importing mitmproxy)."""
    spec = importlib.util.find_spec("vstape_mitmproxy")
    assert spec is not None and spec.submodule_search_locations is not None
    addons = Path(next(iter(spec.submodule_search_locations)))
    paths = (shipped_dir(), addons / "addons.py", addons / "emulator.py", readme_path())
    return dict(zip(WHAT, paths, strict=True))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``vstape where``."""
    parser.add_argument(
        "what",
        nargs="?",
        choices=WHAT,
        help="print only this path (for $(...) in a shell)",
    )


def run(args: argparse.Namespace) -> int:
    """Print the locations."""
    found = locations()
    if args.what:
        print(found[args.what])
        return 0
    print("\n".join(aligned([(name, str(path)) for name, path in found.items()])))
    return 0
