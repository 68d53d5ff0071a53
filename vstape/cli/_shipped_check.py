"""Check a folder of shipped cassettes against the catalog: present, labelled, valid.

Every route has its ``ok`` cassette and one per shipped catalog scenario that applies to
it (:func:`expected_files`), nothing else; every interaction is labelled with its file's
route and scenario; every response validates against its route's schema, except the
bodies a fault broke on purpose.
"""

from __future__ import annotations

from pathlib import Path

from vstape.api.routes import ROUTES
from vstape.cassettes.io import load
from vstape.cassettes.model import CassetteError, Interaction, InteractionMeta
from vstape.faults.catalog import breaks_body, scenarios_for
from vstape.http import path_of
from vstape.validation.validate import errors, validate_response


def meta_of(item: Interaction) -> InteractionMeta:
    """The interaction's ``vstape`` record (an empty one when it has none)."""
    return item.vstape if isinstance(item.vstape, InteractionMeta) else InteractionMeta()


def expected_files(folder: Path) -> list[Path]:
    """Every cassette the catalog says is shipped: ok plus each applicable scenario."""
    return [
        folder / route.name / f"{name}.yaml"
        for route in ROUTES
        for name in ["ok", *(s.name for s in scenarios_for(route, shipped_only=True))]
    ]


def _validated(path: Path, index: int, item: Interaction) -> list[str]:
    if breaks_body(meta_of(item).fault):
        return []  # broken on purpose: that is the scenario
    found = errors(
        validate_response(
            item.request.method,
            path_of(item.request.uri),
            item.response.status.code,
            {k: v[0] for k, v in item.response.headers.items() if v},
            item.response.body.bytes,
        )
    )
    return [f"{path} #{index}: {v.line()}" for v in found]


def _labelled(path: Path, index: int, item: Interaction) -> list[str]:
    meta = meta_of(item)
    label = "ok" if meta.scenario is None else meta.scenario
    problems = []
    if label != path.stem:
        problems.append(f"{path} #{index}: recorded as scenario {label!r}, not {path.stem!r}")
    if meta.route != path.parent.name:
        problems.append(f"{path} #{index}: recorded for route {meta.route!r}")
    return problems


def check(folder: Path) -> list[str]:
    """Problems with the shipped cassettes: missing or extra files, wrong labels, invalid responses."""
    problems = []
    expected = expected_files(folder)
    present = set(folder.glob("*/*.yaml"))
    for extra in sorted(present - set(expected)):
        problems.append(f"{extra}: not a catalog scenario of its route (remove it or regenerate)")
    for path in expected:
        if not path.exists():
            problems.append(f"{path}: missing (run `vstape cassettes regenerate`)")
            continue
        try:
            interactions = load(path).interactions
        except CassetteError as err:
            problems.append(str(err))
            continue
        if not interactions:
            problems.append(f"{path}: holds no interactions (run `vstape cassettes regenerate`)")
        for index, item in enumerate(interactions):
            problems += _labelled(path, index, item)
            problems += _validated(path, index, item)
    return problems
