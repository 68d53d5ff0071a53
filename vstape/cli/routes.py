"""Print the route table: name, method, path and the SDK method that calls it.

Examples:
  vstape routes
  vstape routes | grep file_batch

The route names are the one key everywhere: cassette folders, fixtures, reports.
"""

from __future__ import annotations

import argparse

from vstape.api.routes import ROUTES


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options."""


def run(args: argparse.Namespace) -> int:
    """Print one line per route."""
    width = max(len(r.name) for r in ROUTES)
    for route in ROUTES:
        print(
            f"{route.name:<{width}}  {route.method:<6}  /v1{route.template:<62}  {route.sdk_method}"
        )
    return 0
