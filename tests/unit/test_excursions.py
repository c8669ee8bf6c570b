"""MAE / MFE over bars: hand-worked long and short trades, coverage rules, and random
trades against a per-trade loop."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from trendedge.domain.excursions import bar_windows, trade_excursions

T0 = datetime(2026, 3, 2, 14, 0)
MIN5 = 300.0
# Five 5-minute bars 14:00 .. 14:20: (low, high)
LOWS = [100.0, 98.0, 99.0, 97.5, 101.0]
HIGHS = [101.0, 102.0, 104.0, 103.0, 106.0]
TS = np.array([T0 + timedelta(minutes=5 * i) for i in range(5)], dtype="datetime64[us]")


def one(
    entry: datetime,
    exit_: datetime,
    *,
    direction: int,
    entry_price: float,
    exit_price: float,
    multiplier: float,
) -> tuple[float, float]:
    result = trade_excursions(
        bar_ts=TS,
        bar_low=LOWS,
        bar_high=HIGHS,
        bar_seconds=MIN5,
        entry_time=np.array([entry], dtype="datetime64[us]"),
        exit_time=np.array([exit_], dtype="datetime64[us]"),
        entry_price=[entry_price],
        exit_price=[exit_price],
        direction=[direction],
        multiplier=[multiplier],
    )
    return float(result.mae[0]), float(result.mfe[0])


def test_long_trade_hand_computed() -> None:
    # Entry 14:06 (bar 1) at 100, exit 14:12 (bar 2) at 103; 2 contracts x $20.
    # Window bars 1..2: lowest low 98, highest high 104.
    mae, mfe = one(
        T0 + timedelta(minutes=6),
        T0 + timedelta(minutes=12),
        direction=1,
        entry_price=100.0,
        exit_price=103.0,
        multiplier=40.0,
    )
    assert mae == (98.0 - 100.0) * 40  # -80
    assert mfe == (104.0 - 100.0) * 40  # 160


def test_short_trade_hand_computed() -> None:
    # Short from 14:11 (bar 2) at 101 to 14:19 (bar 3) at 99; 1 x $50.
    # Window bars 2..3: highest 104 (adverse 3 points), lowest 97.5 (favourable 3.5).
    mae, mfe = one(
        T0 + timedelta(minutes=11),
        T0 + timedelta(minutes=19),
        direction=-1,
        entry_price=101.0,
        exit_price=99.0,
        multiplier=50.0,
    )
    assert mae == -150.0
    assert mfe == 175.0


def test_never_adverse_means_zero_mae_and_exit_price_bounds_the_extremes() -> None:
    # Long at 97 in bar 3 (low 97.5 is above the entry): MAE 0, not positive.
    # Exit at 107 above bar 4's high (slippage): MFE counts the exit price.
    mae, mfe = one(
        T0 + timedelta(minutes=16),
        T0 + timedelta(minutes=21),
        direction=1,
        entry_price=97.0,
        exit_price=107.0,
        multiplier=1.0,
    )
    assert mae == 0.0
    assert mfe == 10.0


def test_coverage_needs_the_entry_and_the_exit_bar() -> None:
    entries = np.array(
        [
            T0 - timedelta(minutes=1),  # before the first bar: not covered
            T0 + timedelta(minutes=2),  # covered (bars 0..4)
            T0 + timedelta(minutes=21),  # entry in the last bar, exit after it ends
        ],
        dtype="datetime64[us]",
    )
    exits = np.array(
        [
            T0 + timedelta(minutes=3),
            T0 + timedelta(minutes=24, seconds=59),
            T0 + timedelta(minutes=25),  # the last bar covers [14:20, 14:25)
        ],
        dtype="datetime64[us]",
    )
    windows = bar_windows(TS, MIN5, entries, exits)
    assert windows.covered.tolist() == [False, True, False]
    assert (windows.first[1], windows.last[1]) == (0, 4)
    empty = bar_windows(TS[:0], MIN5, entries, exits)
    assert not empty.covered.any()


def test_uncovered_trades_are_nan() -> None:
    mae, mfe = one(
        T0 - timedelta(hours=1),
        T0 + timedelta(minutes=1),
        direction=1,
        entry_price=100.0,
        exit_price=100.0,
        multiplier=1.0,
    )
    assert math.isnan(mae) and math.isnan(mfe)


@settings(max_examples=60, deadline=None)
@given(
    bars=st.lists(
        st.tuples(st.floats(50, 150), st.floats(0, 10), st.integers(1, 3)), min_size=1, max_size=30
    ),
    trades=st.lists(
        st.tuples(
            st.integers(-10, 200),  # entry minute
            st.integers(0, 120),  # holding minutes
            st.sampled_from([1, -1]),
            st.floats(50, 150),
            st.floats(50, 150),
            st.floats(0.5, 100),
        ),
        max_size=20,
    ),
)
def test_vectorised_equals_a_loop(bars, trades) -> None:
    # Bars every 5 minutes with gaps (step 1..3 bars), each [ts, ts+5min).
    ts_list, lows, highs = [], [], []
    minute = 0
    for low, span, step in bars:
        ts_list.append(T0 + timedelta(minutes=minute))
        lows.append(low)
        highs.append(low + span)
        minute += 5 * step
    entries = [T0 + timedelta(minutes=m) for m, *_ in trades]
    exits = [e + timedelta(minutes=h) for e, (_, h, *_) in zip(entries, trades, strict=True)]
    result = trade_excursions(
        bar_ts=np.array(ts_list, dtype="datetime64[us]"),
        bar_low=lows,
        bar_high=highs,
        bar_seconds=MIN5,
        entry_time=np.array(entries, dtype="datetime64[us]"),
        exit_time=np.array(exits, dtype="datetime64[us]"),
        entry_price=[t[3] for t in trades],
        exit_price=[t[4] for t in trades],
        direction=[t[2] for t in trades],
        multiplier=[t[5] for t in trades],
    )
    for i, (_, _, side, entry_price, exit_price, mult) in enumerate(trades):
        inside = [j for j, start in enumerate(ts_list) if start + timedelta(minutes=5) > entries[i]]
        window = [j for j in inside if ts_list[j] <= exits[i]]
        entry_bar = [j for j in window if ts_list[j] <= entries[i]]
        exit_bar = [j for j in window if ts_list[j] + timedelta(minutes=5) > exits[i]]
        if not entry_bar or not exit_bar:
            assert math.isnan(result.mae[i]) and math.isnan(result.mfe[i])
            continue
        lo = min([lows[j] for j in window] + [entry_price, exit_price])
        hi = max([highs[j] for j in window] + [entry_price, exit_price])
        if side > 0:
            mae, mfe = min(lo - entry_price, 0) * mult, max(hi - entry_price, 0) * mult
        else:
            mae, mfe = min(entry_price - hi, 0) * mult, max(entry_price - lo, 0) * mult
        assert math.isclose(result.mae[i], mae, abs_tol=1e-9)
        assert math.isclose(result.mfe[i], mfe, abs_tol=1e-9)
        gross = (exit_price - entry_price) * side * mult
        assert result.mae[i] - 1e-9 <= gross <= result.mfe[i] + 1e-9
