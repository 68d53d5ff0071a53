"""Helpers shared by the bench scripts: interleaved rounds, medians with spreads, FIGURE lines.

A shared 2-core machine drifts: a contender measured in its own block of time can look
faster or slower than another only because the machine was busier then. So every
contender runs once per round, in turn (A, B, C, A, B, C, ...), and each figure carries
its median and its spread (min-max over the rounds)::

    results = interleave({"ours": timed(ours, inner=200), "anchor": timed(anchor, inner=50)}, rounds=15)
    figure("validate", results["ours"], "s/page", "anchor", results["anchor"],
           ratio_of(results["anchor"], results["ours"]), ">= 4x")

A contender is any callable that runs one round and returns that round's figure (seconds
per call with :func:`timed`, or req/s, or a child process's answer). :func:`ratio_of`
pairs the rounds (round i of one over round i of the other), so a ratio has a spread too.
:func:`figure` flags a figure whose spread is larger than the gap it claims (``NOISY``):
some round fell on the other side of its target, or, without a target, ranked the
contender and its anchor the other way round.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

__all__ = [
    "Spread",
    "figure",
    "interleave",
    "median_time",
    "noisy",
    "ratio_of",
    "straddles",
    "threshold_of",
    "timed",
]


@dataclass(frozen=True)
class Spread:
    """The values of one figure over the rounds (in round order)."""

    values: tuple[float, ...]

    def __post_init__(self) -> None:
        if not self.values:
            raise ValueError("a Spread needs at least one value")

    @property
    def median(self) -> float:
        """The median over the rounds: the figure reported."""
        return statistics.median(self.values)

    @property
    def lo(self) -> float:
        """The smallest value of any round."""
        return min(self.values)

    @property
    def hi(self) -> float:
        """The largest value of any round."""
        return max(self.values)

    def map(self, fn: Callable[[float], float]) -> Spread:
        """``fn`` of every round's value (``lambda s: 1e6 * s`` for microseconds, say)."""
        return Spread(tuple(fn(v) for v in self.values))

    @property
    def width(self) -> float:
        """``hi - lo``: how far apart the rounds were."""
        return self.hi - self.lo


def timed(fn: Callable[[], object], *, inner: int = 1) -> Callable[[], float]:
    """A contender: one round = ``inner`` calls of ``fn``; its figure = seconds per call."""

    def round_() -> float:
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        return (time.perf_counter() - start) / inner

    return round_


def interleave(
    contenders: Mapping[str, Callable[[], float]], *, rounds: int, warmup: int = 0
) -> dict[str, Spread]:
    """Each contender once per round, in turn (A, B, C, A, B, C, ...); the Spread of each.

    ``warmup`` rounds run first, the same way, and are not counted.
    """
    if rounds < 1:
        raise ValueError("rounds must be at least 1")
    for _ in range(warmup):
        for fn in contenders.values():
            fn()
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, fn in contenders.items():
            samples[name].append(float(fn()))
    return {name: Spread(tuple(values)) for name, values in samples.items()}


def ratio_of(numerator: Spread, denominator: Spread) -> Spread:
    """``numerator / denominator`` round by round (paired: both measured in the same round).

    Spreads of different lengths cannot be paired: the ratio of the medians, bounded by the
    extreme ratios (``lo / hi`` to ``hi / lo``), is returned instead.
    """
    if len(numerator.values) == len(denominator.values):
        return Spread(
            tuple(a / b for a, b in zip(numerator.values, denominator.values, strict=True))
        )
    return Spread(
        (
            numerator.lo / denominator.hi,
            numerator.median / denominator.median,
            numerator.hi / denominator.lo,
        )
    )


def median_time(fn: Callable[[], object], *, rounds: int = 7, inner: int = 1) -> float:
    """Median wall time of ``inner`` calls of ``fn`` over ``rounds`` rounds, per call (s)."""
    return interleave({"fn": timed(fn, inner=inner)}, rounds=rounds)["fn"].median


def noisy(value: Spread, anchor: Spread, ratio: Spread | None = None) -> bool:
    """Whether the spread is larger than the gap the figure claims: the ordering is not shown.

    With a paired ratio of more than one round: some round's ratio lies on the other side
    of parity (1.0) from the median's, so that round ranked the two the other way round.
    Without one: the min-max ranges of the value and its anchor overlap.
    """
    if ratio is not None and len(ratio.values) > 1:
        return straddles(ratio, 1.0)
    return value.lo <= anchor.hi and anchor.lo <= value.hi


def straddles(spread: Spread, threshold: float) -> bool:
    """Whether the rounds fall on both sides of ``threshold`` (or on it)."""
    return spread.lo <= threshold <= spread.hi


_THRESHOLD = re.compile(r"(?:>=|<=|<|>)\s*([0-9][0-9,]*(?:\.[0-9]+)?)")


def threshold_of(target: str) -> float | None:
    """The number a target such as ``>= 0.85x`` or ``10k/100 time <= 2x`` compares with."""
    found = _THRESHOLD.search(target)
    return float(found.group(1).replace(",", "")) if found else None


def _number(value: float) -> str:
    return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def _cell(value: float | Spread | None, suffix: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, Spread):
        if len(value.values) == 1:
            return _number(value.median) + suffix
        return f"{_number(value.median)}{suffix} ({_number(value.lo)}–{_number(value.hi)})"
    return _number(value) + suffix


def figure(
    name: str,
    value: float | Spread,
    unit: str,
    anchor: str = "",
    anchor_value: float | Spread | None = None,
    ratio: float | Spread | None = None,
    target: str = "",
) -> None:
    """Print one FIGURE line for ``bench/run_all.py`` (ratio: times better than the anchor).

    Cells: name, value, unit, anchor, anchor value, ratio, target, flag. A Spread prints as
    ``median (min–max)``. The flag is ``NOISY: spread > gap`` when the rounds do not show
    what the figure claims: with a target (``>= 0.85x``, ``<= 2x``), the figure (the ratio,
    or the value when there is no ratio) has rounds on both sides of it; without one, the
    value and its anchor are Spreads and :func:`noisy` says the rounds do not show which
    is ahead.
    """
    flag = ""
    threshold = threshold_of(target)
    claimed = ratio if ratio is not None else value
    if threshold is not None and isinstance(claimed, Spread):
        noisy_figure = straddles(claimed, threshold)
    elif isinstance(value, Spread) and isinstance(anchor_value, Spread):
        noisy_figure = noisy(value, anchor_value, ratio if isinstance(ratio, Spread) else None)
    else:
        noisy_figure = False
    if noisy_figure:
        flag = "NOISY: spread > gap"
    cells = [
        "FIGURE",
        name,
        _cell(value),
        unit,
        anchor,
        _cell(anchor_value),
        _cell(ratio, "x"),
        target,
        flag,
    ]
    print("\t".join(c.replace("\t", " ") for c in cells), flush=True)
