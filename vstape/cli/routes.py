"""Print the route table: name, method, path and the SDK method that calls it.

Examples:
  vstape routes
  vstape routes | grep file_batch

The route names are the one key everywhere: cassette folders, fixtures, reports.
"""

from __future__ import annotations

import argparse

from vstape.api.routes import ROUTES
from vstape.reports.text import aligned


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options."""


def run(args: argparse.Namespace) -> int:
    """Print one line per route, in aligned columns."""
    rows = [(r.name, r.method, f"/v1{r.template}", r.sdk_method) for r in ROUTES]
    print("\n".join(aligned(rows)))
    return 0
