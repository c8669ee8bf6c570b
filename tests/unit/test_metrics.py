"""Trade analytics: hand-worked examples, edge cases, and random trade lists compared with
the loop-based reference in tests/support/metrics_reference.py."""

from __future__ import annotations

import itertools
import math
from dataclasses import asdict
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import metrics_reference as ref
from tests.support.metrics_reference import RefTrade
from trendedge.domain.breakdowns import (
    Group,
    breakdown,
    by_hour_of_entry,
    by_weekday,
    daily_summary,
    r_histogram,
    weekly_summary,
)
from trendedge.domain.metrics import Summary, equity_curve, summary
from trendedge.domain.trade_arrays import TradeArrays

NAN = math.nan
T0 = datetime(2026, 3, 2, 14, 30)  # a Monday, naive UTC


def arrays(trades: list[RefTrade], *, derive_risk: bool = False) -> TradeArrays:
    return TradeArrays.from_columns(
        entry_time=np.array([t.entry_time for t in trades], dtype="datetime64[us]"),
        exit_time=np.array([t.exit_time for t in trades], dtype="datetime64[us]"),
        net_pnl=[t.net_pnl for t in trades],
        commission=[t.commission for t in trades],
        r_multiple=[t.r_multiple for t in trades],
        risk=None if derive_risk else [t.risk for t in trades],
        mae=[t.mae for t in trades],
        mfe=[t.mfe for t in trades],
        direction=[t.direction for t in trades],
        playbook_id=[t.playbook_id for t in trades],
        instrument=[t.instrument for t in trades],
        account=[t.account for t in trades],
    )


def close(actual: Any, expected: Any) -> bool:
    if expected is None or actual is None:
        return actual is None and expected is None
    if isinstance(expected, float) and math.isinf(expected):
        return actual == expected
    return math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-6)


def assert_matches(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    assert actual.keys() >= expected.keys()
    bad = {k: (actual[k], v) for k, v in expected.items() if not close(actual[k], v)}
    assert not bad, bad


# --------------------------------------------------------------------------- worked example

# Seven trades (listed here in exit order; passed to the code shuffled), starting balance
# 10,000. Trade i is held i minutes. Risk is derived from R (commission 0): |pnl / r|.
#
#   #  net   R     equity  peak   drawdown  outcome
#   1  +100  1.0   10100  10100     0       W
#   2  +200  2.0   10300  10300     0       W
#   3     0  NaN   10300  10300     0       S   (scratch: breaks the win streak)
#   4  +250  NaN   10550  10550     0       W
#   5   -50 -0.5   10500  10550    50       L
#   6  -300 -3.0   10200  10550   350       L
#   7  -100 -1.0   10100  10550   450       L
EXAMPLE_PNL = [100.0, 200.0, 0.0, 250.0, -50.0, -300.0, -100.0]
EXAMPLE_R = [1.0, 2.0, NAN, NAN, -0.5, -3.0, -1.0]
EXAMPLE_MAE = [20.0, NAN, NAN, NAN, NAN, 320.0, NAN]
EXAMPLE_MFE = [150.0, 250.0, NAN, NAN, NAN, 40.0, NAN]


def example_trades() -> list[RefTrade]:
    out = []
    for i, (pnl, r, mae, mfe) in enumerate(
        zip(EXAMPLE_PNL, EXAMPLE_R, EXAMPLE_MAE, EXAMPLE_MFE, strict=True)
    ):
        exit_time = T0 + timedelta(hours=i)
        out.append(
            RefTrade(
                entry_time=exit_time - timedelta(minutes=i + 1),
                exit_time=exit_time,
                net_pnl=pnl,
                r_multiple=r,
                mae=mae,
                mfe=mfe,
                direction=1 if i % 2 == 0 else -1,
                playbook_id=[1, 1, 2, -1, 2, 1, -1][i],
            )
        )
    return out


def shuffled(trades: list[RefTrade]) -> list[RefTrade]:
    return [trades[i] for i in (4, 0, 6, 2, 5, 1, 3)]


def test_summary_worked_example() -> None:
    s = summary(arrays(shuffled(example_trades()), derive_risk=True), starting_balance=10_000)
    assert (s.trades, s.wins, s.losses, s.scratches) == (7, 3, 3, 1)
    assert s.net_pnl == 100.0  # 550 - 450
    assert s.gross_profit == 550.0  # 100 + 200 + 250
    assert s.gross_loss == -450.0  # -50 - 300 - 100
    assert s.win_rate == pytest.approx(3 / 7)  # the scratch counts in the denominator
    assert s.profit_factor == pytest.approx(550 / 450)
    assert s.expectancy == pytest.approx(100 / 7)
    assert s.expectancy_r == pytest.approx(-0.3)  # (1 + 2 - 0.5 - 3 - 1) / 5 known R
    assert s.avg_r == s.expectancy_r
    assert s.r_known == 5
    assert s.avg_win == pytest.approx(550 / 3)
    assert s.avg_loss == pytest.approx(-150.0)
    assert (s.largest_win, s.largest_loss) == (250.0, -300.0)
    assert s.max_drawdown == pytest.approx(450.0)  # 10550 -> 10100
    assert s.max_drawdown_pct == pytest.approx(100 * 450 / 10550)  # 4.2654...%
    assert (s.longest_win_streak, s.longest_loss_streak) == (2, 3)  # W W S W L L L
    assert s.avg_hold_seconds == pytest.approx(240.0)  # mean(1..7) = 4 minutes
    assert s.avg_mae == pytest.approx(170.0)  # (20 + 320) / 2
    assert s.avg_mfe == pytest.approx(440 / 3)  # (150 + 250 + 40) / 3
    # risk = |pnl / r| = 100 for trades 1, 2 and 6: MAE (20, 320) / 100, MFE (150, 250, 40) / 100
    assert s.avg_mae_r == pytest.approx(1.7)
    assert s.avg_mfe_r == pytest.approx(4.4 / 3)


def test_equity_curve_worked_example() -> None:
    curve = equity_curve(arrays(shuffled(example_trades())), 10_000)
    times, equity, drawdown = curve  # unpacks as a 3-tuple
    assert times.tolist() == [T0 + timedelta(hours=i) for i in range(7)]
    assert equity.tolist() == [10100, 10300, 10300, 10550, 10500, 10200, 10100]
    assert drawdown.tolist() == [0, 0, 0, 0, 50, 350, 450]


def test_breakdown_worked_example() -> None:
    trades = arrays(shuffled(example_trades()))
    groups = breakdown(trades, key="playbook")
    # playbook -1: trades 4 (+250) and 7 (-100, R -1); 1: trades 1, 2, 6; 2: trades 3, 5
    assert [g.code for g in groups] == [-1, 1, 2]
    none, one, two = groups
    assert none == Group(
        code=-1,
        trades=2,
        wins=1,
        losses=1,
        net=150.0,
        gross_profit=250.0,
        gross_loss=-100.0,
        win_rate=0.5,
        profit_factor=2.5,
        expectancy=75.0,
        avg_r=-1.0,
        r_known=1,
    )
    assert (one.trades, one.net, one.profit_factor, one.avg_r) == (3, 0.0, 1.0, 0.0)
    assert (two.trades, two.net, two.win_rate, two.profit_factor) == (2, -50.0, 0.0, 0.0)

    (long_,) = breakdown(trades, [1], key="direction")  # trades 1, 3, 5, 7
    assert (long_.code, long_.trades, long_.net) == (1, 4, -50.0)

    # explicit codes: order kept, unknown code gives an empty group, others left out
    nine, two_again = breakdown(trades, [9, 2], key="playbook")
    assert nine == Group(9, 0, 0, 0, 0.0, 0.0, 0.0, None, None, None, None, 0)
    assert two_again == two


def test_breakdown_custom_key_array() -> None:
    trades = arrays(example_trades())
    groups = breakdown(trades, key=np.array([0, 0, 0, 0, 1, 1, 1]))
    assert [(g.code, g.trades, g.net) for g in groups] == [(0, 4, 550.0), (1, 3, -450.0)]
    with pytest.raises(ValueError, match="parallel"):
        breakdown(trades, key=np.array([0, 1]))
    with pytest.raises(ValueError, match="repeat"):
        breakdown(trades, [1, 1], key="playbook")
    assert breakdown(trades, [], key="playbook") == []


def test_daily_and_weekly_with_offset() -> None:
    sunday_late = datetime(2026, 3, 1, 23, 30)  # Sunday 23:30 UTC
    monday = datetime(2026, 3, 2, 15, 0)
    next_monday = datetime(2026, 3, 9, 3, 0)  # Monday 03:00 UTC = Sunday 22:00 at -300
    trades = arrays(
        [
            RefTrade(sunday_late, sunday_late, 10.0),
            RefTrade(monday, monday, -4.0),
            RefTrade(monday, monday, 6.0),
            RefTrade(next_monday, next_monday, 1.0),
        ]
    )
    d = daily_summary(trades)
    assert d.date.tolist() == [date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 9)]
    assert (d.trades.tolist(), d.net.tolist(), d.wins.tolist()) == (
        [1, 2, 1],
        [10, 2, 1],
        [1, 1, 1],
    )
    # +60 minutes: Sunday 23:30 UTC becomes Monday 00:30 local
    d = daily_summary(trades, offset_minutes=60)
    assert d.date.tolist() == [date(2026, 3, 2), date(2026, 3, 9)]
    assert d.trades.tolist() == [3, 1]

    w = weekly_summary(trades)  # weeks start on Monday
    assert w.date.tolist() == [date(2026, 2, 23), date(2026, 3, 2), date(2026, 3, 9)]
    assert w.net.tolist() == [10.0, 2.0, 1.0]
    w = weekly_summary(trades, offset_minutes=-300)  # next Monday 03:00 UTC is Sunday local
    assert w.date.tolist() == [date(2026, 2, 23), date(2026, 3, 2)]
    assert (w.trades.tolist(), w.net.tolist(), w.wins.tolist()) == ([1, 3], [10, 3], [1, 2])


def test_weekday_and_hour_of_entry() -> None:
    trades = arrays(example_trades())  # entries Monday 14:29 .. 20:23 UTC
    days = by_weekday(trades)
    assert [g.code for g in days] == list(range(7))
    assert [g.trades for g in days] == [7, 0, 0, 0, 0, 0, 0]
    assert days[1].win_rate is None and days[1].profit_factor is None
    hours = by_hour_of_entry(trades)
    assert [g.code for g in hours] == list(range(24))
    # entry = T0 + i h - (i + 1) min: 14:29, 15:28, 16:27, ... 20:23
    assert [g.trades for g in hours[14:21]] == [1] * 7
    assert sum(g.trades for g in hours) == 7
    # -15 hours: Monday 14:29 UTC is Sunday 23:29 local
    days = by_weekday(trades, offset_minutes=-15 * 60)
    assert (days[6].trades, days[0].trades) == (1, 6)
    assert by_hour_of_entry(trades, offset_minutes=-15 * 60)[23].trades == 1


def test_r_histogram() -> None:
    trades = arrays(example_trades())  # known R: 1, 2, -0.5, -3, -1
    h = r_histogram(trades, [-2, -1, 0, 1, 2])
    # [-2,-1): none; [-1,0): -1, -0.5; [0,1): none; [1,2]: 1, 2 (last bin closed); -3 dropped
    assert h.counts.tolist() == [0, 2, 0, 2]
    assert h.edges.tolist() == [-2, -1, 0, 1, 2]
    assert h.unknown == 2
    assert r_histogram(trades, [-2, -1, 0, 1, 2], clip=True).counts.tolist() == [1, 2, 0, 2]
    h = r_histogram(trades, 5)  # equal width over [-3, 2]
    assert h.counts.tolist() == [1, 0, 2, 0, 2]
    assert h.counts.sum() == 5


# --------------------------------------------------------------------------- edge cases


def test_no_trades() -> None:
    empty = TradeArrays.empty()
    assert len(empty) == 0
    s = summary(empty, starting_balance=10_000)
    assert (s.trades, s.net_pnl, s.gross_profit, s.gross_loss) == (0, 0.0, 0.0, 0.0)
    assert s.win_rate is None and s.profit_factor is None and s.expectancy is None
    assert s.expectancy_r is None and s.avg_win is None and s.avg_loss is None
    assert s.largest_win is None and s.largest_loss is None
    assert s.max_drawdown == 0.0 and s.max_drawdown_pct is None
    assert (s.longest_win_streak, s.longest_loss_streak) == (0, 0)
    assert s.avg_hold_seconds is None and s.avg_mae is None and s.avg_mae_r is None
    curve = equity_curve(empty, 10_000)
    assert curve.times.size == curve.equity.size == curve.drawdown.size == 0
    assert daily_summary(empty).date.size == 0
    assert weekly_summary(empty).trades.size == 0
    assert breakdown(empty, key="account") == []
    assert all(g.trades == 0 for g in by_weekday(empty) + by_hour_of_entry(empty))
    assert r_histogram(empty, 4).counts.tolist() == [0, 0, 0, 0]


def one(pnl: float, minutes: int = 0, r: float = NAN) -> RefTrade:
    t = T0 + timedelta(minutes=minutes)
    return RefTrade(t, t, pnl, r_multiple=r)


def test_no_losses_profit_factor_is_infinite() -> None:
    s = summary(arrays([one(5.0), one(0.0, 1), one(7.0, 2)]), starting_balance=100)
    assert s.profit_factor == math.inf
    assert s.avg_loss is None and s.largest_loss is None
    assert s.longest_win_streak == 1  # the scratch breaks W S W
    assert s.max_drawdown == 0.0 and s.max_drawdown_pct == 0.0


def test_only_scratches_profit_factor_undefined() -> None:
    s = summary(arrays([one(0.0), one(0.0, 1)]), starting_balance=100)
    assert s.profit_factor is None and s.win_rate == 0.0 and s.scratches == 2
    assert (s.longest_win_streak, s.longest_loss_streak) == (0, 0)


def test_all_losses() -> None:
    s = summary(arrays([one(-10.0), one(-30.0, 1), one(-20.0, 2)]), starting_balance=100)
    assert s.profit_factor == 0.0 and s.win_rate == 0.0 and s.longest_loss_streak == 3
    assert s.max_drawdown == 60.0 and s.max_drawdown_pct == pytest.approx(60.0)


def test_drawdown_peak_includes_starting_balance() -> None:
    # a first losing trade is already a drawdown from the starting balance
    s = summary(arrays([one(-25.0), one(10.0, 1)]), starting_balance=1000)
    assert s.max_drawdown == 25.0 and s.max_drawdown_pct == pytest.approx(2.5)
    # with no positive peak the percentage is undefined
    s = summary(arrays([one(-25.0)]), starting_balance=0)
    assert s.max_drawdown == 25.0 and s.max_drawdown_pct is None


def test_ties_in_exit_time_keep_input_order() -> None:
    s = summary(arrays([one(1.0), one(-1.0), one(1.0)]), starting_balance=0)
    assert (s.longest_win_streak, s.longest_loss_streak) == (1, 1)


def test_unsorted_ties_keep_input_order() -> None:
    # exits at minutes 1, 0, 1, 0: time order is trades 2, 4 (minute 0) then 1, 3 (minute 1)
    trades = arrays([one(1.0, 1), one(-2.0, 0), one(4.0, 1), one(-8.0, 0)])
    times, equity, _ = equity_curve(trades, 100)
    assert equity.tolist() == [98, 90, 91, 95]  # -2, -8, +1, +4
    assert times.tolist() == [T0, T0, T0 + timedelta(minutes=1), T0 + timedelta(minutes=1)]
    ordered = trades.sorted_by_exit()
    assert ordered.net_pnl.tolist() == [-2, -8, 1, 4]
    assert ordered.sorted_by_exit() is ordered
    s = summary(trades, starting_balance=100)
    assert (s.longest_win_streak, s.longest_loss_streak, s.max_drawdown) == (2, 2, 10.0)


def test_risk_derivation_uses_gross_pnl() -> None:
    # R is measured before commission: gross = -52 + 2 = -50 at -0.5R -> risk 100
    trades = TradeArrays.from_columns(
        entry_time=[T0, T0],
        exit_time=[T0, T0],
        net_pnl=[-52.0, -2.0],
        commission=[2.0, 2.0],
        r_multiple=[-0.5, 0.0],  # the second: gross 0 at 0R, risk unrecoverable
        mae=[80.0, 10.0],
    )
    assert np.isnan(trades.risk[1]) and trades.risk[0] == pytest.approx(100.0)
    assert summary(trades, starting_balance=0).avg_mae_r == pytest.approx(0.8)


def test_from_sql_style_columns() -> None:
    aware = datetime(2026, 3, 2, 9, 30, tzinfo=timezone(timedelta(hours=-5)))
    trades = TradeArrays.from_columns(
        entry_time=[aware],
        exit_time=[aware + timedelta(minutes=5)],
        net_pnl=[Decimal("12.50")],
        commission=[Decimal("2.10")],
        r_multiple=[None],
        mae=[None],
        mfe=[Decimal("20")],
        direction=["short"],
        playbook_id=[None],
        instrument=[3],
    )
    assert trades.entry_time[0] == np.datetime64("2026-03-02T14:30:00", "us")
    assert trades.net_pnl.dtype == np.float64 and trades.net_pnl[0] == 12.5
    assert np.isnan(trades.r_multiple[0]) and np.isnan(trades.mae[0])
    assert trades.direction.tolist() == [-1]
    assert (trades.playbook_id[0], trades.instrument[0], trades.account[0]) == (-1, 3, -1)
    assert summary(trades, starting_balance=0).avg_hold_seconds == 300.0


def test_trade_arrays_validation() -> None:
    good = arrays(example_trades())
    with pytest.raises(ValueError, match="dtype"):
        TradeArrays(**{**_fields(good), "net_pnl": good.net_pnl.astype(np.float32)})
    with pytest.raises(ValueError, match="length"):
        TradeArrays(**{**_fields(good), "mae": good.mae[:3]})
    with pytest.raises(ValueError, match="finite"):
        TradeArrays(**{**_fields(good), "net_pnl": np.full(7, np.nan)})
    with pytest.raises(ValueError, match="precede"):
        TradeArrays(**{**_fields(good), "entry_time": good.exit_time + np.timedelta64(1, "s")})
    with pytest.raises(ValueError, match="direction"):
        TradeArrays(**{**_fields(good), "direction": np.zeros(7, np.int8)})


def _fields(t: TradeArrays) -> dict[str, Any]:
    return {name: getattr(t, name) for name in TradeArrays.__dataclass_fields__}


# --------------------------------------------------------------------------- vs reference

cents = st.integers(-100_000, 100_000).map(lambda c: c / 100)
maybe_nan = st.one_of(st.just(NAN), st.floats(-5, 5, allow_nan=False))


@st.composite
def trade(draw: st.DrawFn) -> RefTrade:
    exit_time = T0 + timedelta(minutes=draw(st.integers(0, 60 * 24 * 21)))  # ties likely
    pnl = draw(st.one_of(st.just(0.0), cents))
    return RefTrade(
        entry_time=exit_time - timedelta(seconds=draw(st.integers(0, 86_400))),
        exit_time=exit_time,
        net_pnl=pnl,
        commission=draw(st.sampled_from([0.0, 2.5, 4.1])),
        r_multiple=draw(maybe_nan),
        risk=draw(st.one_of(st.just(NAN), st.just(0.0), st.floats(1, 500))),
        mae=draw(st.one_of(st.just(NAN), st.floats(0, 1000))),
        mfe=draw(st.one_of(st.just(NAN), st.floats(0, 1000))),
        direction=draw(st.sampled_from([1, -1])),
        playbook_id=draw(st.integers(-1, 3)),
        instrument=draw(st.integers(-1, 2)),
        account=draw(st.sampled_from([-1, 7, 1_000_000])),
    )


trade_lists = st.one_of(
    st.lists(trade(), max_size=60),
    st.lists(trade(), min_size=1, max_size=1),
    # all wins / all losses / scratch-heavy
    st.lists(trade().filter(lambda t: t.net_pnl > 0), max_size=20),
    st.lists(trade().filter(lambda t: t.net_pnl < 0), max_size=20),
    st.lists(st.one_of(trade(), st.builds(one, st.just(0.0))), max_size=30),
)
balances = st.one_of(st.just(0.0), st.floats(0, 100_000))
offsets = st.sampled_from([0, -300, -240, 60, 330, 13 * 60 + 45, -12 * 60])
SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)


@SETTINGS
@given(trade_lists, balances)
def test_summary_matches_reference(trades: list[RefTrade], balance: float) -> None:
    s = summary(arrays(trades), starting_balance=balance)
    assert isinstance(s, Summary)
    assert_matches(asdict(s), ref.summary(trades, balance))


@SETTINGS
@given(trade_lists, balances)
def test_equity_curve_matches_reference(trades: list[RefTrade], balance: float) -> None:
    times, equity, drawdown = equity_curve(arrays(trades), balance)
    expected = ref.equity_curve(trades, balance)
    assert times.tolist() == [e[0] for e in expected]
    assert all(close(a, e[1]) for a, e in zip(equity.tolist(), expected, strict=True))
    assert all(close(a, e[2]) for a, e in zip(drawdown.tolist(), expected, strict=True))
    assert (drawdown >= 0).all()


@SETTINGS
@given(trade_lists)
def test_breakdowns_match_reference(trades: list[RefTrade]) -> None:
    t = arrays(trades)
    for key, field in [
        ("playbook", "playbook_id"),
        ("instrument", "instrument"),
        ("account", "account"),
        ("direction", "direction"),
    ]:
        groups = [asdict(g) for g in breakdown(t, key=key)]  # type: ignore[arg-type]
        expected = ref.breakdown(trades, field)
        assert len(groups) == len(expected)
        for g, e in zip(groups, expected, strict=True):
            assert_matches(g, e)


@SETTINGS
@given(trade_lists, offsets)
def test_calendar_metrics_match_reference(trades: list[RefTrade], offset: int) -> None:
    t = arrays(trades)
    for actual_groups, expected_groups in [
        (by_weekday(t, offset_minutes=offset), ref.by_weekday(trades, offset)),
        (by_hour_of_entry(t, offset_minutes=offset), ref.by_hour(trades, offset)),
    ]:
        for g, e in zip(actual_groups, expected_groups, strict=True):
            assert_matches(asdict(g), e)
    for weekly, fn in [(False, daily_summary), (True, weekly_summary)]:
        p = fn(t, offset_minutes=offset)
        expected = ref.period_summary(trades, offset, weekly)
        assert p.date.tolist() == [e[0] for e in expected]
        assert p.trades.tolist() == [e[1] for e in expected]
        assert all(close(a, e[2]) for a, e in zip(p.net.tolist(), expected, strict=True))
        assert p.wins.tolist() == [e[3] for e in expected]


@SETTINGS
@given(trade_lists)
def test_r_histogram_matches_reference(trades: list[RefTrade]) -> None:
    edges = [-3.0, -1.0, 0.0, 1.0, 3.0]
    rs = [t.r_multiple for t in trades if ref.known(t.r_multiple)]

    def counts(values: list[float]) -> list[int]:
        # numpy.histogram bins: [lo, hi), the last one closed
        return [
            sum(1 for r in values if lo <= r < hi or (hi == edges[-1] and r == hi))
            for lo, hi in itertools.pairwise(edges)
        ]

    h = r_histogram(arrays(trades), edges)
    assert h.counts.tolist() == counts(rs)
    assert h.unknown == len(trades) - len(rs)
    clipped = [min(max(r, edges[0]), edges[-1]) for r in rs]
    assert r_histogram(arrays(trades), edges, clip=True).counts.tolist() == counts(clipped)
