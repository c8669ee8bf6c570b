"""Trendline detector: hand-built series, contracts as properties, and line_events."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trendedge.domain.line_events import line_events
from trendedge.domain.pivots import average_true_range, swing_highs, swing_lows
from trendedge.domain.synthetic import planted_series
from trendedge.domain.trendlines import (
    DetectorParams,
    Trendline,
    detect_trendlines,
    touch_tolerances,
)

FAST = DetectorParams(pivot_window=2, min_span=6)


def bars_from_closes(
    close: np.ndarray, wick: float = 0.2
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """High, low, close with open = previous close and fixed wicks."""
    opn = np.concatenate(([close[0]], close[:-1]))
    return np.maximum(opn, close) + wick, np.minimum(opn, close) - wick, close


def zigzag(knots: list[tuple[int, float]]) -> np.ndarray:
    t, v = zip(*knots, strict=True)
    return np.interp(np.arange(t[-1] + 1), t, v)


# A rising support: closes bounce at bars 20, 60, 100 on the line 100.5 + 0.05 t (lows on
# 100.3 + 0.05 t, since the wick is 0.2), with highs in between.
SUPPORT_KNOTS = [(0, 110.0), (20, 101.5), (40, 112), (60, 103.5), (80, 114), (100, 105.5)]
SUPPORT_KNOTS += [(120, 118.0)]


def support_series() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return bars_from_closes(zigzag(SUPPORT_KNOTS))


def test_finds_a_planted_support_line() -> None:
    high, low, close = support_series()
    lines = [x for x in detect_trendlines(high, low, close) if x.kind == "support"]
    assert lines, "the three-touch support must be found"
    best = lines[0]
    assert (best.i1, best.i2) == (20, 100)
    assert best.touches == (20, 60, 100)
    assert best.slope == pytest.approx(0.05)
    assert best.price_at(60) == pytest.approx(low[60])
    assert best.p1 == low[20] and best.p2 == low[100]


def test_finds_the_mirrored_resistance_line() -> None:
    high, low, close = support_series()
    lines = detect_trendlines(-low, -high, -close)
    res = [x for x in lines if x.kind == "resistance"]
    assert res[0].touches == (20, 60, 100)
    assert res[0].slope == pytest.approx(-0.05)
    assert res[0].price_at(100) == pytest.approx(-low[100])


def test_a_close_below_the_line_between_anchors_rejects_it() -> None:
    high, low, close = support_series()
    line = next(x for x in detect_trendlines(high, low, close) if x.kind == "support")
    tol = touch_tolerances(high, low, close)
    close = close.copy()
    close[50] = line.price_at(50) - tol[50] - 1.0  # one close breaks through
    low[50] = min(low[50], close[50])
    found = detect_trendlines(high, low, close)
    assert not any(x.kind == "support" and x.i1 <= 50 <= x.i2 for x in found)


def test_two_touches_are_not_a_line() -> None:
    high, low, close = bars_from_closes(zigzag(SUPPORT_KNOTS[:5]))  # touches at 20 and 60
    assert not [x for x in detect_trendlines(high, low, close) if x.kind == "support"]
    two = DetectorParams(min_touches=2)
    assert [x for x in detect_trendlines(high, low, close, two) if x.kind == "support"]


def test_short_or_flat_series_give_no_lines() -> None:
    assert detect_trendlines([1.0, 2.0], [0.5, 1.0], [0.8, 1.5]) == []
    flat = np.full(100, 5.0)
    assert detect_trendlines(flat, flat, flat) == []


@pytest.mark.parametrize(
    "args",
    [
        ([1.0, 2.0], [1.0], [1.0, 2.0]),
        ([[1.0]], [[1.0]], [[1.0]]),
        ([1.0, np.nan], [1.0, 1.0], [1.0, 1.0]),
    ],
)
def test_bad_inputs_are_refused(args: tuple[list[float], ...]) -> None:
    with pytest.raises(ValueError):
        detect_trendlines(*args)


@pytest.mark.parametrize(
    "field,value",
    [
        ("pivot_window", 0),
        ("min_touches", 1),
        ("touch_tolerance", -0.1),
        ("max_lines_per_side", 0),
        ("min_span", 0),
        ("weight_span", float("nan")),
    ],
)
def test_bad_params_are_refused(field: str, value: float) -> None:
    with pytest.raises(ValueError):
        dataclasses.replace(DetectorParams(), **{field: value})


def test_max_lines_per_side_caps_each_side() -> None:
    s = planted_series(3)
    one = dataclasses.replace(DetectorParams(), max_lines_per_side=1)
    lines = detect_trendlines(s.high, s.low, s.close, one)
    assert sorted(x.kind for x in lines) == ["resistance", "support"]


def test_five_thousand_bars_stay_fast() -> None:
    rng = np.random.default_rng(7)
    high, low, close = bars_from_closes(1000 + np.cumsum(rng.normal(0, 1, 5000)), 0.5)
    detect_trendlines(high, low, close)
    start = time.perf_counter()
    detect_trendlines(high, low, close)
    assert time.perf_counter() - start < 1.0  # ~25 ms here; catches an O(n^3) regression


# --- properties ------------------------------------------------------------------------


def check_contracts(
    high: np.ndarray, low: np.ndarray, close: np.ndarray, params: DetectorParams
) -> list[Trendline]:
    """Every documented guarantee of detect_trendlines, checked on one series."""
    lines = detect_trendlines(high, low, close, params)
    tol = params.touch_tolerance * average_true_range(high, low, close, params.atr_period)
    scores = [x.score for x in lines]
    assert scores == sorted(scores, reverse=True)
    for kind in ("support", "resistance"):
        assert sum(x.kind == kind for x in lines) <= params.max_lines_per_side
    for line in lines:
        prices, pivots = (
            (low, swing_lows(low, params.pivot_window))
            if line.kind == "support"
            else (high, swing_highs(high, params.pivot_window))
        )
        assert line.i2 - line.i1 >= params.min_span
        assert (line.p1, line.p2) == (prices[line.i1], prices[line.i2])
        assert len(line.touches) >= params.min_touches
        assert line.touches[0] == line.i1 and line.touches[-1] == line.i2
        assert list(line.touches) == sorted(set(line.touches))
        for t in line.touches:
            assert t in pivots
            assert abs(prices[t] - line.price_at(t)) <= tol[t]
        span = np.arange(line.i1, line.i2 + 1)
        level = line.intercept + line.slope * span
        if line.kind == "support":
            assert np.all(close[span] >= level - tol[span])
        else:
            assert np.all(close[span] <= level + tol[span])
    return lines


walks = st.lists(
    st.tuples(st.floats(-2, 2), st.floats(0, 1), st.floats(0, 1)), min_size=20, max_size=300
)


def ohlc_from_walk(steps: list[tuple[float, float, float]]) -> tuple[np.ndarray, ...]:
    move, up, down = (np.array(x) for x in zip(*steps, strict=True))
    close = 100 + np.cumsum(move)
    opn = np.concatenate(([100.0], close[:-1]))
    return np.maximum(opn, close) + up, np.minimum(opn, close) - down, close


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=walks)
def test_contracts_hold_on_random_walks(steps: list[tuple[float, float, float]]) -> None:
    check_contracts(*ohlc_from_walk(steps), FAST)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), tolerance=st.sampled_from([0.1, 0.3, 1.0]))
def test_contracts_hold_on_planted_series(seed: int, tolerance: float) -> None:
    s = planted_series(seed, segments=2)
    params = dataclasses.replace(DetectorParams(), touch_tolerance=tolerance)
    assert check_contracts(s.high, s.low, s.close, params)


def same_lines(a: list[Trendline], b: list[Trendline], factor: float) -> None:
    assert [(x.kind, x.i1, x.i2, x.touches) for x in a] == [
        (x.kind, x.i1, x.i2, x.touches) for x in b
    ]
    for x, y in zip(a, b, strict=True):
        assert y.score == pytest.approx(x.score, rel=1e-9, abs=1e-9)
        assert y.slope == pytest.approx(x.slope * factor, rel=1e-9, abs=1e-12)
        assert y.price_at(x.i2) == pytest.approx(x.price_at(x.i2) * factor, rel=1e-9)


@settings(max_examples=100, deadline=None)
@given(steps=walks, power=st.integers(-8, 12))
def test_power_of_two_scaling_changes_nothing_but_prices(
    steps: list[tuple[float, float, float]], power: int
) -> None:
    # Multiplying by 2**k is exact in floating point, so every comparison is unchanged.
    high, low, close = ohlc_from_walk(steps)
    factor = 2.0**power
    base = detect_trendlines(high, low, close, FAST)
    same_lines(base, detect_trendlines(high * factor, low * factor, close * factor, FAST), factor)


@pytest.mark.parametrize("factor", [0.013, 3.7, 1234.5])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_any_scale_gives_the_same_lines_on_planted_series(seed: int, factor: float) -> None:
    # Other factors round differently; planted series have no knife-edge comparisons.
    s = planted_series(seed)
    base = detect_trendlines(s.high, s.low, s.close)
    scaled = detect_trendlines(s.high * factor, s.low * factor, s.close * factor)
    same_lines(base, scaled, factor)


# --- line_events -----------------------------------------------------------------------


def flat_line(kind: str, level: float = 100.0) -> Trendline:
    return Trendline(kind, 0, 10, level, level, 0.0, level, (0, 5, 10), 3.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kind,bar,expected",
    [
        ("support", (101.0, 100.1, 100.8), "touch"),  # low within tolerance above
        ("support", (101.0, 99.5, 100.5), "touch"),  # wick through, close back above
        ("support", (100.2, 99.2, 99.8), "touch"),  # close below, not by the threshold
        ("support", (100.0, 98.0, 98.5), "break"),  # close 1.5 below > 1.0
        ("support", (104.0, 102.0, 103.0), None),  # far above
        ("resistance", (100.2, 99.0, 99.5), "touch"),
        ("resistance", (102.0, 100.5, 101.5), "break"),
        ("resistance", (98.0, 96.0, 97.0), None),
        ("resistance", (101.0, 100.2, 100.6), "touch"),  # closes above, not by the threshold
        ("resistance", (101.0, 100.4, 100.6), None),  # wholly beyond, yet not a break
    ],
)
def test_line_events(kind: str, bar: tuple[float, float, float], expected: str | None) -> None:
    h, lo, c = ([x] * 3 for x in bar)
    assert line_events(flat_line(kind), h, lo, c, 2, tolerance=0.3, break_threshold=1.0) == (
        expected
    )


def test_line_events_follow_a_sloped_line_and_break_wins() -> None:
    line = Trendline("support", 0, 10, 100.0, 110.0, 1.0, 100.0, (0, 5, 10), 3.0)
    high, low, close = [121.0], [119.9], [120.5]
    # At bar 20 the line is at 120: a touch. With a break threshold of 0.1, a close at
    # 119.8 is a break even though the bar also touches.
    assert line_events(line, high * 21, low * 21, close * 21, 20, 0.3, 1.0) == "touch"
    assert line_events(line, high * 21, [119.0] * 21, [119.8] * 21, 20, 0.3, 0.1) == "break"


def test_line_events_refuses_an_index_outside_the_series() -> None:
    with pytest.raises(IndexError):
        line_events(flat_line("support"), [1.0], [1.0], [1.0], 1, 0.1, 0.1)


def test_first_break_finds_the_first_close_beyond_the_threshold() -> None:
    from trendedge.domain.line_events import first_break

    support = Trendline(
        kind="support",
        i1=0,
        i2=10,
        p1=100.0,
        p2=110.0,
        slope=1.0,
        intercept=100.0,
        touches=(0, 5, 10),
        score=1.0,
    )
    close = np.array([100.0 + i + 2 for i in range(20)])
    atr = np.ones(20)
    close[14] = 114 - 0.4  # inside the threshold: not a break
    close[16] = 116 - 0.6  # beyond 0.5 ATR: the break
    close[18] = 118 - 5
    assert first_break(support, close, atr, 0.5, 11) == 16
    assert first_break(support, close, atr, 0.5, 17) == 18
    assert first_break(support, close, atr, 10.0, 11) is None
    resistance = Trendline(
        kind="resistance",
        i1=0,
        i2=10,
        p1=100.0,
        p2=110.0,
        slope=1.0,
        intercept=100.0,
        touches=(0, 5, 10),
        score=1.0,
    )
    assert first_break(resistance, close + 4, atr, 0.5, 11) == 11
    assert first_break(support, close, atr, 0.5, 20) is None
