"""bench._common: contenders interleaved round by round, spreads, paired ratios, the NOISY flag."""

from __future__ import annotations

import pytest

from bench._common import Spread, figure, interleave, noisy, ratio_of, threshold_of, timed


def test_contenders_run_in_turn_round_by_round() -> None:
    calls: list[str] = []

    def contender(name: str, value: float) -> object:
        return lambda: calls.append(name) or value

    results = interleave(
        {"a": contender("a", 1.0), "b": contender("b", 2.0), "c": contender("c", 3.0)},
        rounds=3,
        warmup=1,
    )
    assert calls == ["a", "b", "c"] * 4  # one warm-up round, then three counted
    assert {name: spread.values for name, spread in results.items()} == {
        "a": (1.0,) * 3,
        "b": (2.0,) * 3,
        "c": (3.0,) * 3,
    }


def test_spread_reports_median_and_min_max() -> None:
    spread = Spread((5.0, 1.0, 3.0, 9.0, 4.0))
    assert (spread.median, spread.lo, spread.hi, spread.width) == (4.0, 1.0, 9.0, 8.0)
    assert spread.map(lambda v: v * 10).values == (50.0, 10.0, 30.0, 90.0, 40.0)
    with pytest.raises(ValueError):
        Spread(())


def test_timed_returns_seconds_per_call() -> None:
    count = 0

    def work() -> None:
        nonlocal count
        count += 1

    seconds = timed(work, inner=50)()
    assert count == 50 and 0 < seconds < 1


def test_ratio_pairs_the_rounds() -> None:
    # round 2 was slow for both: paired, the ratio stays 2 in every round
    ours, anchor = Spread((1.0, 3.0, 1.1)), Spread((2.0, 6.0, 2.2))
    ratio = ratio_of(anchor, ours)
    assert ratio.values == pytest.approx((2.0, 2.0, 2.0))
    assert not noisy(ours, anchor, ratio)  # the ranges overlap, but every round agrees
    assert noisy(ours, anchor)  # unpaired, the overlap is all one can say


def test_unpaired_ratio_is_bounded_by_the_extremes() -> None:
    ratio = ratio_of(Spread((4.0, 6.0)), Spread((1.0, 2.0, 4.0)))
    assert (ratio.lo, ratio.median, ratio.hi) == (1.0, 2.5, 6.0)


def test_a_round_ranking_the_other_way_is_noisy() -> None:
    ours, anchor = Spread((1.0, 1.0, 1.0)), Spread((1.2, 0.9, 1.3))
    assert noisy(ours, anchor, ratio_of(anchor, ours))
    assert not noisy(Spread((1.0, 1.1)), Spread((2.0, 2.1)))


def test_figure_line_carries_spreads_and_the_flag(capsys: pytest.CaptureFixture[str]) -> None:
    ours, anchor = Spread((100.0, 120.0, 110.0)), Spread((105.0, 100.0, 130.0))
    figure("x", ours, "us", "anchor", anchor, ratio_of(anchor, ours), "faster")
    figure("y", 5.0, "ms")
    first, second = capsys.readouterr().out.splitlines()
    cells = first.split("\t")
    assert cells[:4] == ["FIGURE", "x", "110 (100–120)", "us"]
    assert cells[5] == "105 (100–130)"
    assert cells[6].endswith(")") and cells[7] == "faster"
    assert cells[8] == "NOISY: spread > gap"
    assert second.split("\t")[:3] == ["FIGURE", "y", "5"] and second.endswith("\t")


def test_with_a_target_the_claim_is_the_target(capsys: pytest.CaptureFixture[str]) -> None:
    """A ratio near parity is not noisy against `<= 2x` when every round meets it."""
    small, large = Spread((1.0, 1.2, 0.9)), Spread((1.1, 1.0, 1.0))
    ratio = ratio_of(large, small)
    assert noisy(large, small, ratio)  # no ordering shown between the two stores...
    figure("a", large, "us", "small", small, ratio, "10k/100 time <= 2x")
    figure("b", large, "us", "small", small, ratio, ">= 1.05x")  # ...nor this target
    figure("c", Spread((1.1, 1.3)), "x", target="<= 1.5x")  # no ratio: the value is the claim
    lines = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert [cells[8] for cells in lines] == ["", "NOISY: spread > gap", ""]
    assert threshold_of(">= 20x at 1,000") == 20.0
    assert threshold_of("< 300 MB") == 300.0
    assert threshold_of("") is None
