"""Manual trades from legs (trendedge.domain.manual_trades): aggregation by hand-computed
values, one error per bad field, the default stop rule, and a property test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trendedge.domain.manual_trades import TradeInputError, build_manual_trade
from trendedge.domain.trade_values import read_utc_time


def leg(kind: str, minute: int, price: str, quantity: str = "1") -> dict[str, str]:
    return {
        "kind": kind,
        "time": f"2026-01-05T14:{minute:02d}",
        "price": price,
        "quantity": quantity,
    }


def values(**overrides: Any) -> dict[str, Any]:
    return {
        "symbol": "ES",
        "direction": "long",
        "legs": [leg("entry", 0, "5000"), leg("exit", 30, "5004")],
        "commission": "",
        "stop": "",
        "target": "",
        **overrides,
    }


def test_scale_in_and_out_long() -> None:
    # ES, 50 per point. Entries 1 @ 5000 and 2 @ 4997 -> avg 4998; exits 2 @ 5003, 1 @ 5006
    # -> avg 5004; gross = 6 * 3 * 50 = 900; commission 12.60; stop 4994 -> risk 4*3*50 = 600.
    trade = build_manual_trade(
        values(
            legs=[
                leg("entry", 0, "5000"),
                leg("entry", 5, "4997", "2"),
                leg("exit", 20, "5003", "2"),
                leg("exit", 45, "5006"),
            ],
            commission="12.60",
            stop="4994",
            target="5010",
        )
    )
    assert (trade.root, trade.currency, trade.quantity) == ("ES", "USD", D(3))
    assert (trade.entry_price, trade.exit_price) == (D("4998"), D("5004"))
    assert trade.entry_time == datetime(2026, 1, 5, 14, 0, tzinfo=UTC)
    assert trade.exit_time == datetime(2026, 1, 5, 14, 45, tzinfo=UTC)
    assert (trade.gross_pnl, trade.commission, trade.net_pnl) == (D(900), D("12.60"), D("887.40"))
    assert (trade.stop, trade.target, trade.risk, trade.r_multiple) == (
        D(4994),
        D(5010),
        D(600),
        D("1.5"),
    )
    assert [leg_.as_json()["time"] for leg_ in trade.legs][:2] == [
        "2026-01-05T14:00:00+00:00",
        "2026-01-05T14:05:00+00:00",
    ]


def test_short_profits_when_price_falls() -> None:
    # NQ, 20 per point: short 2 @ 18000, cover @ 17990 -> +10 * 2 * 20 = 400.
    trade = build_manual_trade(
        values(
            symbol="nq1!",
            direction="short",
            legs=[leg("entry", 0, "18000", "2"), leg("exit", 9, "17990", "2")],
            commission="4.50",
            stop="18005",
        )
    )
    assert (trade.symbol, trade.root) == ("NQ1!", "NQ")
    assert (trade.gross_pnl, trade.net_pnl) == (D(400), D("395.50"))
    assert (trade.risk, trade.r_multiple) == (D(200), D(2))  # 5 * 2 * 20; 10 / 5


def test_default_stop_rule_applies_only_without_a_stop() -> None:
    derived = build_manual_trade(values(), default_stop_ticks=8)
    assert derived.stop == D("4998")  # 5000 - 8 * 0.25
    assert (derived.risk, derived.r_multiple) == (D(100), D(2))  # 2 * 50; 4 / 2
    short = build_manual_trade(
        values(direction="short", legs=[leg("entry", 0, "5000"), leg("exit", 1, "4999")]),
        default_stop_ticks=8,
    )
    assert short.stop == D("5002")
    own = build_manual_trade(values(stop="4990"), default_stop_ticks=8)
    assert own.stop == D("4990")
    none = build_manual_trade(values())
    assert (none.stop, none.risk, none.r_multiple) == (None, None, None)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"symbol": ""}, "symbol"),
        ({"symbol": "NOPE1!"}, "symbol"),
        ({"direction": "sideways"}, "direction"),
        ({"commission": "-1"}, "commission"),
        ({"commission": "abc"}, "commission"),
        ({"stop": "0"}, "stop"),
        ({"stop": "5001"}, "stop"),  # a long's stop above its entry
        ({"stop": "5000"}, "stop"),  # ... or at it
        ({"target": "4990"}, "target"),  # a long's target below its entry
        ({"target": "x"}, "target"),
        ({"legs": []}, "legs"),
        ({"legs": [leg("entry", 0, "5000")]}, "legs"),
        ({"legs": [leg("entry", 0, "5000", "2"), leg("exit", 5, "5001")]}, "legs"),
        ({"legs": [leg("entry", 0, "5000"), leg("exit", 5, "-5")]}, "legs.1.price"),
        ({"legs": [leg("entry", 0, "5000"), leg("exit", 5, "5001", "0")]}, "legs.1.quantity"),
        ({"legs": [leg("entry", 0, "5000", "1.23456"), leg("exit", 5, "1")]}, "legs.0.quantity"),
        (
            {"legs": [{**leg("entry", 0, "5000"), "time": "noon"}, leg("exit", 5, "1")]},
            "legs.0.time",
        ),
        (
            {"legs": [{**leg("entry", 0, "5000"), "kind": "add"}, leg("exit", 5, "1")]},
            "legs.0.kind",
        ),
        ({"legs": [leg("exit", 0, "5000"), leg("entry", 5, "5001")]}, "legs.0.time"),
        (
            {
                "legs": [
                    leg("entry", 0, "5000"),
                    leg("exit", 5, "5001", "2"),  # more than the 1 held at 14:05
                    leg("entry", 10, "5002"),
                ]
            },
            "legs.1.quantity",
        ),
    ],
)
def test_each_error_names_its_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(TradeInputError) as caught:
        build_manual_trade(values(**overrides))
    assert field in caught.value.details, caught.value.details
    assert caught.value.details[field]


def test_all_errors_are_reported_together() -> None:
    with pytest.raises(TradeInputError) as caught:
        build_manual_trade(
            values(symbol="??", direction="", legs=[leg("entry", 0, "x")], commission="-2")
        )
    assert {"symbol", "direction", "legs.0.price", "commission"} <= set(caught.value.details)


def test_times_are_utc() -> None:
    assert read_utc_time("2026-01-05T14:30") == datetime(2026, 1, 5, 14, 30, tzinfo=UTC)
    assert read_utc_time("2026-01-05T15:30:00+01:00") == datetime(2026, 1, 5, 14, 30, tzinfo=UTC)
    assert read_utc_time("2026-01-05T14:30:15Z") == datetime(2026, 1, 5, 14, 30, 15, tzinfo=UTC)
    with pytest.raises(ValueError):
        read_utc_time("1900-01-01T00:00")


prices = st.decimals(min_value=D("1"), max_value=D("99999"), places=2)
quantities = st.integers(min_value=2, max_value=500)


@settings(max_examples=200, deadline=None)
@given(
    entry=prices,
    exit_=prices,
    quantity=quantities,
    split=st.data(),
    direction=st.sampled_from(["long", "short"]),
    which=st.sampled_from(["entry", "exit"]),
)
def test_splitting_a_leg_at_the_same_price_changes_nothing(
    entry: D, exit_: D, quantity: int, split: st.DataObject, direction: str, which: str
) -> None:
    part = split.draw(st.integers(min_value=1, max_value=quantity - 1))
    start = datetime(2026, 1, 5, 14, 0, tzinfo=UTC)
    whole = [
        {"kind": "entry", "time": start, "price": entry, "quantity": quantity},
        {"kind": "exit", "time": start + timedelta(hours=1), "price": exit_, "quantity": quantity},
    ]
    index = 0 if which == "entry" else 1
    halves = [dict(whole[index], quantity=part), dict(whole[index], quantity=quantity - part)]
    split_legs = halves + whole[1:] if index == 0 else whole[:1] + halves
    a = build_manual_trade(values(direction=direction, legs=whole, commission="3"))
    b = build_manual_trade(values(direction=direction, legs=split_legs, commission="3"))
    fields = ("quantity", "entry_price", "exit_price", "entry_time", "exit_time", "gross_pnl")
    assert [getattr(a, f) for f in fields] == [getattr(b, f) for f in fields]
    assert a.net_pnl == b.net_pnl == a.gross_pnl - 3
    sign = 1 if direction == "long" else -1
    assert a.gross_pnl == (exit_ - entry) * quantity * 50 * sign
