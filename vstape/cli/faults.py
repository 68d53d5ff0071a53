"""Print the failure catalog: every scenario, what goes over the wire, what the SDK raises.

Examples:
  vstape faults                       # the whole catalog
  vstape faults --route get_vector_store
  vstape faults --json
"""

from __future__ import annotations

import argparse
import sys

import msgspec

from vstape.api.routes import BY_NAME
from vstape.faults.catalog import CATALOG, scenarios_for
from vstape.faults.plan import HEADER
from vstape.faults.scenario import Scenario


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``vstape faults``."""
    parser.add_argument("--route", default="", help="only the scenarios of this route")
    parser.add_argument("--json", action="store_true", help="the catalog as JSON")
    parser.add_argument(
        "--markdown", action="store_true", help="the catalog as the README's Markdown table"
    )


def catalog_markdown() -> str:
    """The README's catalog table, generated from :data:`vstape.faults.catalog.CATALOG`."""
    lines = [
        "| scenario | kind | on the wire | the SDK raises | retried | routes |",
        "|---|---|---|---|---|---|",
    ]
    for s in CATALOG:
        wire = s.summary.replace("|", "\\|")
        raises = f"`{s.exception}`" if s.exception else "(succeeds)"
        lines.append(
            f"| `{s.name}` | {s.kind} | {wire} | {raises} | {'yes' if s.retried else 'no'} | {len(s.routes)} |"
        )
    return "\n".join(lines) + "\n"


def _row(scenario: Scenario) -> dict[str, object]:
    return {
        "name": scenario.name,
        "kind": scenario.kind,
        "status": scenario.status,
        "error_type": scenario.error_type,
        "error_code": scenario.error_code,
        "headers": dict(scenario.headers),
        "sdk_exception": scenario.exception or None,
        "retried_by_sdk": scenario.retried,
        "transport_error": scenario.transport_error,
        "steps": list(scenario.steps),
        "shipped": scenario.shipped,
        "routes": [r.name for r in scenario.routes],
        "summary": scenario.summary,
    }


def run(args: argparse.Namespace) -> int:
    """Print the table (or JSON)."""
    if args.route and args.route not in BY_NAME:
        print(
            f"vstape faults: unknown route {args.route!r}; valid routes: {', '.join(BY_NAME)}",
            file=sys.stderr,
        )
        return 2
    chosen = scenarios_for(args.route) if args.route else list(CATALOG)
    if args.markdown:
        sys.stdout.write(catalog_markdown())
        return 0
    if args.json:
        sys.stdout.write(
            msgspec.json.format(msgspec.json.encode([_row(s) for s in chosen])).decode()
        )
        print()
        return 0
    width = max(len(s.name) for s in chosen)
    print(f"{'scenario':<{width}}  {'kind':<9}  {'status':<6}  {'SDK raises':<30}  routes  what")
    for s in chosen:
        status = str(s.status) if s.status else "-"
        raises = (s.exception or "(succeeds)") + (" *" if s.retried else "")
        print(
            f"{s.name:<{width}}  {s.kind:<9}  {status:<6}  {raises:<30}  {len(s.routes):>6}  {s.summary}"
        )
    print(
        "* retried by the SDK before it raises. Inject with --fault ROUTE:SCENARIO or the header "
        f"{HEADER}: SCENARIO."
    )
    return 0
