"""Helpers shared by the bench scripts: interleaved rounds, medians, the FIGURE line."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_time(fn: Callable[[], object], *, rounds: int = 7, inner: int = 1) -> float:
    """Median wall time of ``inner`` calls of ``fn`` over ``rounds`` rounds, per call (s)."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - start) / inner)
    return statistics.median(samples)


def figure(
    name: str,
    value: float,
    unit: str,
    anchor: str = "",
    anchor_value: float | None = None,
    ratio: float | None = None,
    target: str = "",
) -> None:
    """Print one FIGURE line for ``bench/run_all.py`` (ratio: times better than the anchor)."""
    cells = [
        "FIGURE",
        name,
        f"{value:,.3g}" if value < 1000 else f"{value:,.0f}",
        unit,
        anchor,
        ""
        if anchor_value is None
        else (f"{anchor_value:,.3g}" if anchor_value < 1000 else f"{anchor_value:,.0f}"),
        "" if ratio is None else f"{ratio:.2f}x",
        target,
    ]
    print("\t".join(cells), flush=True)
