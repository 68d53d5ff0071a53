"""Regenerate or check the shipped cassettes (cassettes/<route>/<scenario>.yaml).

Examples:
  vstape cassettes check                  # every route has its ok cassette, every cassette validates
  vstape cassettes regenerate --out my-cassettes    # record them again, from the emulator
  vstape cassettes regenerate             # in a checkout: the repository's cassettes/
  vstape cassettes normalize cassettes/ run.yaml   # stable placeholders and times, in place

regenerate runs vstape record in front of the emulator (deterministic seeds), drives
the official SDK through every route, then through every catalog scenario of every route
(asked for with the x-vstape-fault header, injected by the proxy's fault addon and
recorded by its recorder), and keeps for each route one ok interaction (the last one
for the polled routes: their finished state) and, per scenario, the interactions labelled
with it (all of them for sequences). An installed vstape never writes into its own
package: give --out. regenerate needs mitmproxy and the official SDK:
pip install 'vstape[proxy]' openai

Nothing is lost on the way: regenerate writes into a staging folder next to the target
(.vstape-regenerate-<hash of its path>-*, same filesystem; a fixed-length name whatever
the target's) and only once everything was recorded and
written swaps each route folder in (the old one renamed away, then removed). A failure or
Ctrl-C part-way leaves the old cassettes as they were.

normalize PATH... gives any cassettes (files, or folders sharing one numbering) the
recorder's stable placeholders for server-assigned ids and times shifted onto one epoch,
in place and idempotently; --check only says which would change (exit 1), --per-file
numbers each file on its own. See `vstape docs reviewing-cassette-changes`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

import msgspec

from vstape.api.routes import ROUTES, Route
from vstape.cassettes.io import dump, load
from vstape.cassettes.locks import hashed_name
from vstape.cassettes.model import Cassette, Interaction
from vstape.cassettes.shipped import installed, shipped_dir, shipped_path
from vstape.cli import _needs as needs
from vstape.cli import _shipped_record as shipped_record
from vstape.cli import cassettes_normalize as normalize
from vstape.cli._shipped_check import check, expected_files, meta_of
from vstape.faults.catalog import scenarios_for


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``vstape cassettes``."""
    parser.add_argument("action", choices=("regenerate", "check", "normalize"))
    parser.add_argument(
        "--out",
        default=None,
        help="folder to write or check (default: the shipped cassettes; regenerate needs it "
        "for an installed vstape)",
    )
    normalize.add_arguments(parser)  # vstape cassettes normalize PATH...


def _ok_interaction(route: Route, items: list[Interaction]) -> Interaction:
    oks = [i for i in items if 200 <= i.response.status.code < 300 and meta_of(i).scenario is None]
    if not oks:
        raise RuntimeError(f"no successful {route.name} exchange was recorded")
    # A list page that says has_more would make a route-matched replay paginate forever.
    complete = [i for i in oks if b'"has_more": true' not in i.response.body.bytes]
    oks = complete or oks
    return oks[-1] if route.polled else oks[0]


def _without_timings(item: Interaction) -> Interaction:
    """The interaction without when and how fast it was recorded: regenerating is byte-stable."""
    meta = msgspec.structs.replace(meta_of(item), recorded_at=None, duration_ms=None)
    return msgspec.structs.replace(item, vstape=meta)


def regenerate(out: Path) -> list[Path]:
    """Record every route's ``ok`` and scenario cassettes into ``out``; returns the files."""
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        shipped_record.record(Path(tmp))
        for route in ROUTES:
            items = load(Path(tmp) / f"{route.name}.yaml").interactions
            chosen = {"ok": [_ok_interaction(route, items)]}
            for scenario in scenarios_for(route, shipped_only=True):
                mine = [i for i in items if meta_of(i).scenario == scenario.name]
                if not mine:
                    raise RuntimeError(f"no {route.name} exchange was recorded for {scenario.name}")
                chosen[scenario.name] = mine if scenario.steps else mine[:1]
            for name, interactions in chosen.items():
                target = out / route.name / f"{name}.yaml"
                dump(Cassette([_without_timings(i) for i in interactions]), target)
                written.append(target)
    return written


def _swap_in(staging: Path, folder: Path) -> None:
    """Move each route folder of ``staging`` into ``folder``, the old one renamed away first.

    ``staging`` and ``folder`` share a parent (one filesystem): every move is a rename. The
    old route folders wait in ``staging/.old`` until all new ones are in, then go with it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    old = staging / ".old"
    old.mkdir()
    for route in ROUTES:
        new, target = staging / route.name, folder / route.name
        if not new.is_dir():
            continue
        if target.exists():
            os.replace(target, old / route.name)
        os.replace(new, target)


def regenerate_in_place(folder: Path) -> list[Path]:
    """:func:`regenerate` into a staging folder next to ``folder``, then swap the routes in.

    Returns the files as they are under ``folder``. On any failure (or Ctrl-C) the staging
    folder is removed and ``folder`` is left exactly as it was.
    """
    folder = folder.resolve()
    folder.parent.mkdir(parents=True, exist_ok=True)
    prefix = hashed_name(str(folder), prefix=".vstape-regenerate-", length=12) + "-"
    staging = Path(tempfile.mkdtemp(prefix=prefix, dir=folder.parent))
    try:
        written = regenerate(staging)
        _swap_in(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [folder / path.relative_to(staging) for path in written]


def run(args: argparse.Namespace) -> int:
    """Regenerate or check."""
    if args.action == "normalize" or normalize.misused(args):
        return normalize.run(args)
    folder = Path(args.out) if args.out else shipped_dir()
    if args.action == "regenerate":
        refused = needs.check("vstape cassettes regenerate", ("mitmproxy", "openai"))
        if refused is not None:
            return refused
        if args.out is None and installed():
            print(
                f"vstape cassettes regenerate: the shipped cassettes ({folder}) belong to the "
                "installed package and are not rewritten; give --out FOLDER, e.g. "
                "--out cassettes",
                file=sys.stderr,
            )
            return 2
        try:
            written = regenerate_in_place(folder)
        except KeyboardInterrupt:
            print(f"vstape cassettes: interrupted; {folder} is unchanged", file=sys.stderr)
            raise
        except Exception as err:  # whatever broke the run, the old set must be kept
            print(
                f"vstape cassettes: regenerate failed, {folder} is unchanged: "
                f"{type(err).__name__}: {err}\n"
                "  fix the cause and run `vstape cassettes regenerate` again",
                file=sys.stderr,
            )
            return 1
        print(f"vstape cassettes: wrote {len(written)} cassettes under {folder}")
        return 0
    problems = check(folder)
    for line in problems:
        print(line)
    print(
        f"vstape cassettes: {len(ROUTES)} routes, {len(expected_files(folder))} cassettes checked, "
        f"{len(problems)} problems"
    )
    return 1 if problems else 0


__all__ = ["check", "expected_files", "regenerate", "regenerate_in_place", "shipped_path"]
