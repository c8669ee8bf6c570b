"""FIFO matching of executions into flat-to-flat trades: hand cases and invariants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trendedge.domain.matching import MatchFill, match_fifo

T0 = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
D = Decimal


def fill(n: int, side: str, qty: str, price: str, fee: str = "0") -> MatchFill:
    return MatchFill(f"x{n}", T0 + timedelta(minutes=n), side, D(qty), D(price), D(fee))  # type: ignore[arg-type]


def test_scale_in_then_partial_exits_make_one_trade() -> None:
    result = match_fifo(
        [
            fill(0, "buy", "1", "5000", "2"),
            fill(1, "buy", "2", "4990", "4"),
            fill(2, "sell", "2", "5010", "4"),
            fill(3, "sell", "1", "5020", "2"),
        ]
    )
    assert result.open_lots == []
    (trade,) = result.trades
    assert trade.direction == "long" and trade.quantity == 3
    # entries 5000 + 2 x 4990 = 14980 / 3; exits 2 x 5010 + 5020 = 15040 / 3
    assert trade.entry_price == D(14980) / 3
    assert trade.exit_price == D(15040) / 3
    # FIFO: 1@5000->5010 (+10), 1@4990->5010 (+20), 1@4990->5020 (+30) = 60 points
    assert trade.points == 60
    assert trade.fees == 12
    assert trade.entry_time == T0 and trade.exit_time == T0 + timedelta(minutes=3)
    assert trade.execution_keys == ("x0", "x1", "x2", "x3")


def test_reversal_closes_one_trade_and_opens_the_next() -> None:
    result = match_fifo(
        [
            fill(0, "buy", "2", "100", "2"),
            fill(1, "sell", "3", "110", "3"),  # closes 2 long, opens 1 short
            fill(2, "buy", "1", "105", "1"),
        ]
    )
    long_trade, short_trade = result.trades
    assert (long_trade.direction, long_trade.quantity, long_trade.points) == ("long", 2, 20)
    assert long_trade.fees == 2 + 2  # opening fee + 2/3 of the reversal fee
    assert (short_trade.direction, short_trade.quantity, short_trade.points) == ("short", 1, 5)
    assert short_trade.fees == 1 + 1
    assert short_trade.entry_time == T0 + timedelta(minutes=1)


def test_open_remainder_is_returned_not_traded() -> None:
    result = match_fifo([fill(0, "sell", "3", "50", "3"), fill(1, "buy", "1", "45", "1")])
    assert result.trades == []
    (lot,) = result.open_lots
    assert (lot.direction, lot.quantity, lot.price, lot.fee) == (-1, 2, 50, 2)


def test_input_order_does_not_matter_only_time() -> None:
    fills = [fill(0, "buy", "1", "10"), fill(1, "sell", "1", "12")]
    assert match_fifo(fills) == match_fifo(list(reversed(fills)))


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (MatchFill("k", T0, "buy", D(0), D(1)), "quantity"),
        (MatchFill("k", T0, "hold", D(1), D(1)), "side"),  # type: ignore[arg-type]
        (MatchFill("k", T0, "buy", D(1), D(1), D(-1)), "fee"),
    ],
)
def test_bad_executions_are_refused(bad: MatchFill, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        match_fifo([bad])


fills_strategy = st.lists(
    st.tuples(
        st.sampled_from(["buy", "sell"]),
        st.integers(1, 5),
        st.integers(90, 110),
        st.integers(0, 3),
    ),
    min_size=1,
    max_size=30,
)


@given(fills_strategy)
def test_invariants_fees_quantity_and_points(raw: list[tuple[str, int, int, int]]) -> None:
    fills = [
        MatchFill(f"k{i}", T0 + timedelta(seconds=i), side, D(q), D(p), D(f))  # type: ignore[arg-type]
        for i, (side, q, p, f) in enumerate(raw)
    ]
    result = match_fifo(fills)
    fees = sum((t.fees for t in result.trades), D(0)) + sum(
        (lot.fee for lot in result.open_lots), D(0)
    )
    if result.open_cycle is not None:
        fees += result.open_cycle.fees
    assert abs(fees - sum((f.fee for f in fills), D(0))) < D("1e-20")
    net = sum((f.quantity if f.side == "buy" else -f.quantity for f in fills), D(0))
    open_qty = sum((lot.quantity * lot.direction for lot in result.open_lots), D(0))
    assert open_qty == net
    if not result.open_lots:
        cash = sum((f.price * f.quantity * (1 if f.side == "sell" else -1) for f in fills), D(0))
        assert sum((t.points for t in result.trades), D(0)) == cash
    for trade in result.trades:
        assert trade.quantity > 0 and trade.entry_time <= trade.exit_time
