"""Loading a 10,000-interaction cassette: vstape's YAML (yaml-rs) and JSON vs PyYAML and vcrpy.

The cassette is made the way the recorder writes it (every shipped route's ``ok``
interaction in turn, each with its own request id) as YAML and as JSON. Contenders, in
interleaved rounds (bench._common.interleave), each a whole load and validation:

- vstape YAML: :func:`vstape.cassettes.io.load` (yaml-rs where it is sure, else PyYAML);
- vstape YAML, PyYAML only: the same with :mod:`vstape.cassettes.yaml_rs_gate` off (the
  loader before yaml-rs: PyYAML's C safe loader, then the same validation);
- PyYAML's C loader alone: ``yaml.load(text, CSafeLoader)``, no validation;
- vcrpy's loader: its filesystem persister with its YAML serializer (the stock path);
- vstape JSON: :func:`vstape.cassettes.io.load` on the JSON twin.

Target: the YAML cassette loads >= 5x faster than before (vstape YAML vs PyYAML only).

    .venv/bin/python -m bench.load              # 10,000 interactions
    .venv/bin/python -m bench.load --n 2000     # a quicker look
"""

from __future__ import annotations

import argparse
import functools
import gc
import tempfile
from collections.abc import Callable
from pathlib import Path

import msgspec
import yaml
from vcr.persisters.filesystem import FilesystemPersister
from vcr.serializers import yamlserializer

from bench._common import figure, interleave, ratio_of, timed
from vstape.api.routes import ROUTES
from vstape.cassettes import yaml_rs_gate
from vstape.cassettes.io import dump, load
from vstape.cassettes.model import Cassette, Interaction
from vstape.cassettes.shipped import shipped_path

ROUNDS = 3


def interactions(count: int) -> list[Interaction]:
    """``count`` interactions: every shipped route's ok interaction in turn, fresh request ids."""
    samples = [load(shipped_path(route.name)).interactions[0] for route in ROUTES]
    out = []
    for i in range(count):
        item = samples[i % len(samples)]
        headers = dict(item.response.headers, **{"x-request-id": [f"req_bench_{i:09d}"]})
        out.append(
            msgspec.structs.replace(
                item, response=msgspec.structs.replace(item.response, headers=headers)
            )
        )
    return out


def _pyyaml_only(path: Path) -> Cassette:
    saved = yaml_rs_gate.available
    yaml_rs_gate.available = False
    try:
        return load(path)
    finally:
        yaml_rs_gate.available = saved


def _pyyaml_raw(path: Path) -> object:
    return yaml.load(path.read_bytes(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _vcrpy(path: Path) -> object:
    return FilesystemPersister.load_cassette(str(path), yamlserializer)


def _collected(fn: Callable[[], object]) -> Callable[[], float]:
    """A contender timed from an emptied garbage collector (the last load's objects gone)."""
    run = timed(fn)

    def round_() -> float:
        gc.collect()
        return run()

    return round_


def main() -> None:
    """Write the cassettes, load each in interleaved rounds, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="interactions (default 10,000)")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vstape-load-") as tmp:
        items = interactions(args.n)
        yaml_path, json_path = Path(tmp) / "big.yaml", Path(tmp) / "big.json"
        dump(Cassette(items), yaml_path)
        dump(Cassette(items), json_path)
        if not yaml_rs_gate.available:
            print("yaml-rs is not installed (or not the expected version): PyYAML only")
        assert load(yaml_path) == _pyyaml_only(yaml_path) == load(json_path)
        size = yaml_path.stat().st_size / 1e6
        print(
            f"{args.n:,} interactions: YAML {size:.1f} MB, JSON {json_path.stat().st_size / 1e6:.1f} MB"
        )
        contenders: dict[str, Callable[[], object]] = {
            "vstape YAML": functools.partial(load, yaml_path),
            "vstape YAML, PyYAML only": functools.partial(_pyyaml_only, yaml_path),
            "PyYAML C loader": functools.partial(_pyyaml_raw, yaml_path),
            "vcrpy loader": functools.partial(_vcrpy, yaml_path),
            "vstape JSON": functools.partial(load, json_path),
        }
        seconds = interleave(
            {name: _collected(fn) for name, fn in contenders.items()},
            rounds=args.rounds,
        )
    ms = {name: spread.map(lambda s: s * 1000) for name, spread in seconds.items()}
    for name, spread in ms.items():
        print(f"{name:<26} {spread.median:>9,.0f} ms  ({spread.lo:,.0f}-{spread.hi:,.0f})")
    n = f"{args.n:,}"
    rows = [
        ("vstape YAML", "vstape YAML, PyYAML only", ">= 5x"),
        ("vstape YAML", "PyYAML C loader", ""),
        ("vstape YAML", "vcrpy loader", ""),
        ("vstape JSON", "vstape YAML", ""),
        ("vstape JSON", "vcrpy loader", ">= 10x"),
    ]
    for ours, anchor, target in rows:
        figure(
            f"load {n}-interaction cassette, {ours}",
            ms[ours],
            "ms",
            anchor,
            ms[anchor],
            ratio_of(ms[anchor], ms[ours]),
            target,
        )


if __name__ == "__main__":
    main()
