"""The demo trader's script and bars (pure): valid bars, valid alerts, one trade at a time."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, time
from decimal import Decimal

import pytest

from trendedge.domain.bars import validate_bar
from trendedge.domain.demo_bars import (
    INSTRUMENTS,
    SESSION_TZ,
    bar_rows,
    session_times,
    synthetic_bars,
    weekdays,
)
from trendedge.domain.demo_script import AccountPlan, DemoScript, build_script
from trendedge.domain.signals import TradingViewAlert, plan_order

END = date(2026, 11, 20)
ACCOUNTS = [
    AccountPlan("futures", ("ES", "NQ"), (1, 2, 3)),
    AccountPlan("micro", ("MES", "MNQ"), (2, 4, 5, 10)),
]


def script(seed: int) -> DemoScript:
    times = session_times(weekdays(END, 120))
    bars = {root: synthetic_bars(seed, spec, times) for root, spec in INSTRUMENTS.items()}
    ticks = {root: spec.tick for root, spec in INSTRUMENTS.items()}
    return build_script(seed=seed, bars=bars, ticks=ticks, accounts=ACCOUNTS)


def test_bars_are_valid_session_bars_on_ticks_and_micros_track_their_contract() -> None:
    days = weekdays(END, 120)
    assert all(d.weekday() < 5 for d in days) and days[-1] == END and len(days) == 86
    times = session_times(days)
    es = synthetic_bars(7, INSTRUMENTS["ES"], times)
    mes = synthetic_bars(7, INSTRUMENTS["MES"], times)
    nq = synthetic_bars(7, INSTRUMENTS["NQ"], times)
    rows = bar_rows(es, 0.25)
    assert len(rows) == 86 * 26
    assert all(not validate_bar(row) for row in rows)
    assert all(row.close % Decimal("0.25") == 0 for row in rows)
    local = [row.ts.astimezone(SESSION_TZ) for row in rows]
    assert all(time(9, 30) <= t.time() < time(16, 0) for t in local)
    assert (es.close == mes.close).all() and not (es.close == nq.close).all()
    assert es.close.min() > 4000 and es.close.max() < 8000


def test_same_seed_same_script() -> None:
    assert script(3) == script(3)
    assert script(3).trades != script(4).trades


@pytest.mark.parametrize("seed", [1, 2, 2026])
def test_alerts_open_reduce_and_close_one_position_at_a_time(seed: int) -> None:
    planned = script(seed)
    assert 280 <= len(planned.trades) <= 420
    held: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    open_trade: dict[str, int | None] = defaultdict(lambda: None)
    for signal in planned.signals:
        alert = TradingViewAlert.model_validate(signal.payload)
        key = (signal.account, alert.ticker)
        order = plan_order(alert, held[key])
        assert order is not None
        held[key] += order.quantity * order.side.sign
        trade = planned.trades[signal.trade]
        if not signal.closes:
            assert open_trade[signal.account] is None, "a second trade opened before an exit"
            assert abs(held[key]) == trade.quantity and alert.stop and alert.target
            open_trade[signal.account] = signal.trade
        else:
            assert open_trade[signal.account] == signal.trade
            if held[key] == 0:
                open_trade[signal.account] = None
        at = signal.at.astimezone(SESSION_TZ)
        assert at.weekday() < 5 and time(9, 30) < at.time() <= time(16, 0)
    assert all(quantity == 0 for quantity in held.values())
    assert len({s.payload["id"] for s in planned.signals}) == len(planned.signals)
    scaled = {s.trade for s in planned.signals if s.payload["id"].endswith("-scale")}
    assert scaled and all(planned.trades[i].quantity >= 2 for i in scaled)


@pytest.mark.parametrize("seed", [1, 2, 3, 2026])
def test_results_look_like_a_real_trader(seed: int) -> None:
    planned = script(seed)
    trades = planned.trades
    wins = sum(1 for t in trades if t.r_result > 0) / len(trades)
    assert 0.42 <= wins <= 0.58, wins
    assert {t.playbook for t in trades} >= {
        "Opening Range Breakout",
        "Trendline Bounce",
        "VWAP Pullback",
        None,
    }
    journaled = sum(1 for t in trades if t.journal is not None) / len(trades)
    assert 0.3 <= journaled <= 0.5
    assert len(planned.days) == 20 and len({day for day, _ in planned.days}) == 20
    winners = [t for t in trades if t.r_result > 0 and t.playbook]
    losers = [t for t in trades if t.r_result <= 0 and t.playbook]
    share = [
        sum(len(t.rules_followed) for t in group) / (4 * len(group)) for group in (winners, losers)
    ]
    assert share[0] > share[1]
