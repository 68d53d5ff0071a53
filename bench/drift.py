"""What `vstape drift spec` costs on the official spec, against reading the file at all.

The spec (3 MB of YAML) is read once per run; the floor is PyYAML's C safe loader
reading the same bytes, which any tool comparing against the spec pays. Measured in
interleaved rounds (floor, drift, floor, drift...), medians printed, with the comparison
alone (the document already loaded) as a third figure. Skipped, saying so, when the spec
is not there (``$VSTAPE_OPENAPI``, ``../shared/openapi/openai-openapi.yaml``, ``/work/shared``).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from bench._common import figure
from vstape.drift.spec import compare_document, run
from vstape.drift.spec_file import load_spec

ROUNDS = 5
ROOT = Path(__file__).resolve().parents[1]


def _spec() -> Path | None:
    relative = Path("shared") / "openapi" / "openai-openapi.yaml"
    for candidate in (
        os.environ.get("VSTAPE_OPENAPI", ""),
        ROOT.parent / relative,
        Path("/work") / relative,
    ):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    """Print the three figures (or why there are none)."""
    spec = _spec()
    if spec is None:
        print("drift: the official spec is not here; nothing measured")
        return
    data = spec.read_bytes()
    document, text = load_spec(spec)
    floor: list[float] = []
    whole: list[float] = []
    compare: list[float] = []
    for _ in range(ROUNDS):
        floor.append(_timed(lambda: yaml.load(data, Loader=yaml.CSafeLoader)))
        whole.append(_timed(lambda: run(spec)))
        compare.append(_timed(lambda: compare_document(document, str(spec), text)))
    f, w, c = (statistics.median(x) for x in (floor, whole, compare))
    print(
        f"drift spec on {spec} ({len(data) / 1e6:.1f} MB), medians of {ROUNDS} interleaved rounds:"
    )
    print(f"  PyYAML CSafeLoader load alone  {f:.2f} s")
    print(f"  vstape drift spec (read + compare)  {w:.2f} s")
    print(f"  the comparison alone  {c:.2f} s")
    figure("drift spec, official spec", w, "s", "PyYAML CSafeLoader load", f, f / w)
    figure("drift spec, comparison alone", c, "s", "PyYAML CSafeLoader load", f, f / c)


if __name__ == "__main__":
    main()
