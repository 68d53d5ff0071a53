"""``vstape cassettes normalize PATH...``: stable placeholders and times in existing cassettes.

Registered by :mod:`vstape.cli.cassettes` (its ``action`` choices, :func:`add_arguments`
and one dispatch line in its ``run``).

Each PATH is a scope: a cassette alone, or a folder whose cassettes (searched
recursively) share one numbering, as they are replayed together; ``--per-file`` makes
each file its own scope. The rules are the recorder's (:mod:`vstape.recording.stable`):
server-assigned ids become numbered placeholders, answers' timestamps move onto one
epoch, ``recorded_at`` and ``duration_ms`` go. Idempotent: a normalized cassette is left
untouched (not even rewritten). A cassette is rewritten atomically, in its own format
and layout; every cassette is loaded before any is written, so an unusable one (exit 2)
changes nothing. ``--check`` writes nothing and exits 1 when a cassette would change.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from vstape.cassettes.io import assemble, dump_item, dumps, format_of, read_bytes, write_atomic
from vstape.cassettes.model import Cassette, CassetteError, Interaction
from vstape.cassettes.writer import APPENDABLE_HEAD
from vstape.cli._cassette_sides import Scope, load_scope
from vstape.recording.stable import normalize_scope

__all__ = ["add_arguments", "run"]


class _FlagAndPaths(argparse.Action):
    """A flag that may be followed by paths (``normalize --check PATH...``).

    argparse hands ``vstape cassettes``'s positionals out in one go: paths after a flag
    would be "unrecognized arguments" unless the flag takes them.
    """

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[object] | None,
        option_string: str | None = None,
    ) -> None:
        setattr(namespace, self.dest, True)
        given = [str(v) for v in values or ()]
        namespace.paths = [*(getattr(namespace, "paths", None) or []), *given]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options ``normalize`` adds to ``vstape cassettes``."""
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="normalize: cassettes or folders to normalize in place",
    )
    parser.add_argument(
        "--per-file",
        nargs="*",
        action=_FlagAndPaths,
        default=False,
        metavar="PATH",
        help="normalize: each cassette its own scope (default: a folder shares one numbering)",
    )
    parser.add_argument(
        "--check",
        nargs="*",
        action=_FlagAndPaths,
        default=False,
        metavar="PATH",
        help="normalize: write nothing; exit 1 if a cassette is not normalized",
    )


def _encoded(path: Path, items: list[Interaction], original: bytes) -> bytes:
    """The cassette in its format, in the layout it had (the recorder's appendable one too)."""
    fmt = format_of(path)
    if fmt == "yaml" and original.startswith(APPENDABLE_HEAD):
        return APPENDABLE_HEAD + b"".join(dump_item(i) for i in items)
    if fmt == "yaml" and not items:
        return assemble([])
    return dumps(Cassette(items), fmt=fmt)


def _plan(scope: Scope, per_file: bool) -> list[tuple[Path, bytes | None]]:
    """(path, new bytes or None when unchanged) for each cassette of the scope."""
    names = list(scope.items)
    groups = [[n] for n in names] if per_file else [names]
    plan: list[tuple[Path, bytes | None]] = []
    for group in groups:
        stable = normalize_scope([scope.items[n] for n in group])
        for name, items in zip(group, stable, strict=True):
            path = scope.paths[name]
            if items == scope.items[name]:
                plan.append((path, None))
            else:
                plan.append((path, _encoded(path, items, read_bytes(path))))
    return plan


def misused(args: argparse.Namespace) -> bool:
    """Whether normalize's arguments were given to another action (refused by :func:`run`)."""
    return bool(args.paths or args.per_file or args.check)


def run(args: argparse.Namespace) -> int:
    """Normalize the cassettes named; 0 done (or normalized already), 1 --check found work, 2 unusable."""
    if args.action != "normalize":
        print(
            f"vstape cassettes {args.action}: PATH, --per-file and --check belong to "
            f"`vstape cassettes normalize`; `{args.action}` works on --out FOLDER",
            file=sys.stderr,
        )
        return 2
    if not args.paths:
        print(
            "vstape cassettes normalize: name the cassettes or folders to normalize, e.g. "
            "`vstape cassettes normalize cassettes/`",
            file=sys.stderr,
        )
        return 2
    try:
        plans = [_plan(load_scope(raw), args.per_file) for raw in args.paths]
        for raw, plan in zip(args.paths, plans, strict=True):
            if not plan:
                raise CassetteError(f"{raw}: no cassettes found under it (*.yaml, *.yml, *.json)")
    except CassetteError as err:
        print(f"vstape cassettes normalize: {err}; nothing was written", file=sys.stderr)
        return 2
    every = [entry for plan in plans for entry in plan]
    changed = [(path, data) for path, data in every if data is not None]
    for path, data in changed:
        if args.check:
            print(f"{path}: not normalized (run `vstape cassettes normalize {path}`)")
            continue
        try:
            write_atomic(path, data)
        except OSError as err:
            print(
                f"vstape cassettes normalize: cannot write {path}: {err.strerror or err}; "
                "it is unchanged, as are the cassettes not yet written",
                file=sys.stderr,
            )
            return 2
        print(f"{path}: normalized")
    verb = "would change" if args.check else "normalized"
    print(
        f"vstape cassettes normalize: {len(every)} cassettes, {len(changed)} {verb}, "
        f"{len(every) - len(changed)} already normalized"
    )
    return 1 if args.check and changed else 0
