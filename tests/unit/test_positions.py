"""Position transitions, trade P&L, commission attribution, R multiples, unrealised P&L."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trendedge.domain.contracts import ContractSpec, contract_specs
from trendedge.domain.fills import Side, simulate_fill
from trendedge.domain.positions import (
    ClosedTrade,
    FillEvent,
    PositionState,
    apply_fill,
    unrealized_pnl,
)

D = Decimal
T0 = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
ES = contract_specs()["ES"]
MNQ = contract_specs()["MNQ"]


def fill(
    side: Side,
    quantity: int | str,
    price: str,
    commission: str,
    minutes: int = 0,
    **extra: object,
) -> FillEvent:
    return FillEvent(
        side=side,
        quantity=D(quantity),
        price=D(price),
        commission=D(commission),
        time=T0 + timedelta(minutes=minutes),
        **extra,  # type: ignore[arg-type]
    )


def run(spec: ContractSpec, *fills: FillEvent) -> tuple[PositionState, list[ClosedTrade]]:
    state = PositionState.flat()
    closed: list[ClosedTrade] = []
    for event in fills:
        outcome = apply_fill(state, event, spec)
        state = outcome.new_state
        closed.extend(outcome.closed)
    return state, closed


# --- transitions -----------------------------------------------------------------------


def test_open_from_flat() -> None:
    event = fill(Side.BUY, 2, "5000.00", "4.50", stop=D("4990"), target=D("5020"), setup="ORB")
    outcome = apply_fill(PositionState.flat(), event, ES)
    assert outcome.action == "open"
    assert outcome.closed == ()
    assert outcome.new_state == PositionState(
        quantity=D(2),
        avg_entry_price=D("5000.00"),
        opened_at=T0,
        open_commission=D("4.50"),
        stop=D("4990"),
        target=D("5020"),
        setup="ORB",
    )
    assert outcome.new_state.direction == "long"


def test_open_short_from_flat() -> None:
    outcome = apply_fill(PositionState.flat(), fill(Side.SELL, 3, "18250.50", "1.86"), MNQ)
    assert outcome.action == "open"
    assert outcome.new_state.quantity == D(-3)
    assert outcome.new_state.direction == "short"


def test_add_uses_volume_weighted_average() -> None:
    state, _ = run(ES, fill(Side.BUY, 1, "5000", "2.25", stop=D("4990"), setup="ORB"))
    outcome = apply_fill(
        state, fill(Side.BUY, 3, "5004", "6.75", 5, stop=D("4995"), setup="other"), ES
    )
    assert outcome.action == "add"
    assert outcome.closed == ()
    new = outcome.new_state
    # (1 x 5000 + 3 x 5004) / 4 = 20012 / 4 = 5003
    assert new.quantity == D(4)
    assert new.avg_entry_price == D(5003)
    assert new.open_commission == D("9.00")
    assert new.opened_at == T0  # the position's age is kept
    assert new.stop == D("4995")  # the fill brought a new stop
    assert new.target is None
    assert new.setup == "ORB"  # the setup is the one the position opened with


def test_add_keeps_full_precision_and_old_stop() -> None:
    state, _ = run(
        ES,
        fill(Side.BUY, 1, "5000.25", "2.25", stop=D("4990"), target=D("5010")),
        fill(Side.BUY, 2, "5000.00", "4.50"),
    )
    # 15000.25 / 3 = 5000.08333..., not rounded to the 0.25 tick
    assert state.avg_entry_price == D("15000.25") / 3
    assert state.avg_entry_price % ES.tick_size != 0
    assert state.stop == D("4990")
    assert state.target == D("5010")


def test_add_to_short() -> None:
    state, _ = run(MNQ, fill(Side.SELL, 1, "18000", "0.62"), fill(Side.SELL, 1, "18010", "0.62"))
    assert state.quantity == D(-2)
    assert state.avg_entry_price == D(18005)


def test_reduce_long_es() -> None:
    state, _ = run(ES, fill(Side.BUY, 3, "5000", "6.75", stop=D("4990")))
    outcome = apply_fill(state, fill(Side.SELL, 1, "5012", "2.25", 10, stop=D("5000")), ES)
    assert outcome.action == "reduce"
    (trade,) = outcome.closed
    # gross = (5012 - 5000) x 1 x $50 = $600
    # commission = 6.75 x 1/3 (entry share) + 2.25 (this fill) = 4.50; net = 595.50
    assert trade.direction == "long"
    assert trade.quantity == D(1)
    assert trade.entry_price == D(5000)
    assert trade.exit_price == D(5012)
    assert trade.entry_time == T0
    assert trade.exit_time == T0 + timedelta(minutes=10)
    assert trade.gross_pnl == D(600)
    assert trade.commission == D("4.50")
    assert trade.net_pnl == D("595.50")
    # R uses the stop in force before this fill: (5012 - 5000) / |5000 - 4990| = 1.2
    assert trade.r_multiple == D("1.2")
    assert trade.stop == D("4990")
    new = outcome.new_state
    assert new.quantity == D(2)
    assert new.avg_entry_price == D(5000)  # unchanged by a reduction
    assert new.open_commission == D("4.50")  # 6.75 - 2.25
    assert new.opened_at == T0
    assert new.stop == D("5000")  # the rest takes the fill's new stop (break-even)


def test_close_long_es() -> None:
    state, _ = run(ES, fill(Side.BUY, 2, "5000.00", "4.50"))
    outcome = apply_fill(state, fill(Side.SELL, 2, "5010.25", "4.50", 30), ES)
    assert outcome.action == "close"
    assert outcome.new_state == PositionState.flat()
    (trade,) = outcome.closed
    # gross = (5010.25 - 5000) x 2 x $50 = 10.25 x 100 = $1025; commission 4.50 + 4.50 = 9
    assert trade.gross_pnl == D(1025)
    assert trade.commission == D(9)
    assert trade.net_pnl == D(1016)
    assert trade.r_multiple is None  # no stop


def test_close_short_mnq() -> None:
    state, _ = run(MNQ, fill(Side.SELL, 1, "18000", "0.62"))
    outcome = apply_fill(state, fill(Side.BUY, 1, "18010.75", "0.62"), MNQ)
    assert outcome.action == "close"
    (trade,) = outcome.closed
    # gross = (18010.75 - 18000) x 1 x $2 x (-1 short) = -$21.50; net = -21.50 - 1.24
    assert trade.direction == "short"
    assert trade.gross_pnl == D("-21.50")
    assert trade.commission == D("1.24")
    assert trade.net_pnl == D("-22.74")


def test_reverse_long_to_short_es() -> None:
    state, _ = run(ES, fill(Side.BUY, 2, "5000", "4.50", stop=D("4995"), setup="ORB"))
    outcome = apply_fill(
        state, fill(Side.SELL, 5, "4990", "11.25", 15, stop=D("5000"), setup="fade"), ES
    )
    assert outcome.action == "reverse"
    (trade,) = outcome.closed
    # closes 2: gross = (4990 - 5000) x 2 x $50 = -$1000
    # fill commission 11.25 split 2/5 closing (4.50) and 3/5 opening (6.75)
    # trade commission = 4.50 entry + 4.50 = 9.00; net = -1009
    assert trade.direction == "long"
    assert trade.quantity == D(2)
    assert trade.gross_pnl == D(-1000)
    assert trade.commission == D(9)
    assert trade.net_pnl == D(-1009)
    assert trade.r_multiple == D(-2)  # -10 points / 5 points of risk
    assert trade.setup == "ORB"
    new = outcome.new_state
    assert new.quantity == D(-3)
    assert new.avg_entry_price == D(4990)
    assert new.opened_at == T0 + timedelta(minutes=15)
    assert new.open_commission == D("6.75")
    assert new.stop == D("5000")
    assert new.setup == "fade"


def test_reverse_short_to_long_mnq() -> None:
    state, _ = run(MNQ, fill(Side.SELL, 4, "18250.50", "2.48"))
    outcome = apply_fill(state, fill(Side.BUY, 6, "18200.25", "3.72", 20), MNQ)
    assert outcome.action == "reverse"
    (trade,) = outcome.closed
    # closes 4 short: gross = (18200.25 - 18250.50) x 4 x $2 x (-1) = -50.25 x -8 = $402
    # fill commission 3.72 split 4/6 = 2.48 closing, 1.24 opening
    # trade commission = 2.48 entry + 2.48 = 4.96; net = 397.04
    assert trade.direction == "short"
    assert trade.gross_pnl == D(402)
    assert trade.commission == D("4.96")
    assert trade.net_pnl == D("397.04")
    new = outcome.new_state
    assert new.quantity == D(2)
    assert new.avg_entry_price == D("18200.25")
    assert new.open_commission == D("1.24")
    assert new.stop is None


def test_pro_rata_commission_that_does_not_divide_is_conserved() -> None:
    state, _ = run(ES, fill(Side.BUY, 3, "5000", "1.00"))
    outcome = apply_fill(state, fill(Side.SELL, 1, "5001", "0"), ES)
    (trade,) = outcome.closed
    assert trade.commission == D("0.3333333333")
    assert outcome.new_state.open_commission == D("0.6666666667")
    assert trade.commission + outcome.new_state.open_commission == D("1.00")


def test_fill_from_simulated_fill() -> None:
    simulated = simulate_fill(
        spec=ES, side=Side.BUY, quantity=D(2), reference_price=D("5000.10"), slippage_ticks=1
    )
    event = FillEvent.from_simulated(simulated, time=T0, stop=D("4990"))
    assert event.price == D("5000.25")
    assert event.commission == D("4.50")
    assert event.stop == D("4990")


# --- R multiple ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("side", "entry", "stop", "exit_", "expected"),
    [
        (Side.BUY, "5000", "4990", "5015", D("1.5")),  # +15 / 10
        (Side.BUY, "5000", "4990", "4990", D(-1)),  # stopped out
        (Side.SELL, "5000", "5008", "4988", D("1.5")),  # +12 / 8
        (Side.SELL, "5000", "5008", "5004", D("-0.5")),
        (Side.BUY, "5000", None, "5015", None),  # no stop, no R
        (Side.BUY, "5000", "5000", "5015", None),  # stop at entry: no risk defined
    ],
)
def test_r_multiple(
    side: Side, entry: str, stop: str | None, exit_: str, expected: Decimal | None
) -> None:
    opened = fill(side, 1, entry, "2.25", stop=None if stop is None else D(stop))
    state, closed = run(ES, opened, fill(side.opposite, 1, exit_, "2.25", 5))
    assert state.is_flat
    assert closed[0].r_multiple == expected


# --- unrealised ------------------------------------------------------------------------


def test_unrealized_pnl() -> None:
    long_es, _ = run(ES, fill(Side.BUY, 2, "5000", "4.50"))
    # (5003.25 - 5000) x 2 x $50 = $325
    assert unrealized_pnl(long_es, D("5003.25"), ES) == D(325)
    short_mnq, _ = run(MNQ, fill(Side.SELL, 3, "18000", "1.86"))
    # (18010 - 18000) x -3 x $2 = -$60
    assert unrealized_pnl(short_mnq, D(18010), MNQ) == D(-60)
    assert unrealized_pnl(PositionState.flat(), D(18010), MNQ) == 0


# --- validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quantity", "price", "commission", "field"),
    [
        ("0", "5000", "1", "quantity"),
        ("-1", "5000", "1", "quantity"),
        ("1", "0", "1", "price"),
        ("1", "5000", "-1", "commission"),
    ],
)
def test_fill_event_validation(quantity: str, price: str, commission: str, field: str) -> None:
    with pytest.raises(ValueError, match=field):
        fill(Side.BUY, quantity, price, commission)


def test_position_state_invariants() -> None:
    with pytest.raises(ValueError):
        PositionState(quantity=D(0), avg_entry_price=D(5000))
    with pytest.raises(ValueError):
        PositionState(quantity=D(1), avg_entry_price=D(5000))  # no opened_at
    with pytest.raises(ValueError):
        PositionState(quantity=D(1), avg_entry_price=D(0), opened_at=T0)
    with pytest.raises(ValueError):
        PositionState(quantity=D(1), avg_entry_price=D(1), opened_at=T0, open_commission=D(-1))
    assert PositionState.flat().is_flat
    assert PositionState.flat().direction is None


# --- properties ------------------------------------------------------------------------

BASES = {"ES": "5000", "MNQ": "18000", "ZB": "118", "6J": "0.0065", "CL": "70", "YM": "42000"}


@dataclass(frozen=True)
class Scenario:
    spec: ContractSpec
    fills: list[FillEvent]
    final_price: Decimal


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    root = draw(st.sampled_from(sorted(BASES)))
    spec = contract_specs()[root]
    base = D(BASES[root])

    def price(ticks: int) -> Decimal:
        return base + ticks * spec.tick_size

    steps = draw(
        st.lists(
            st.tuples(
                st.sampled_from([Side.BUY, Side.SELL]),
                st.integers(1, 12),
                st.sampled_from([1, 1, 1, 2, 4]),  # mostly whole contracts, some fractions
                st.integers(-400, 400),
                st.integers(0, 1000),
            ),
            min_size=1,
            max_size=25,
        )
    )
    fills = [
        FillEvent(
            side=side,
            quantity=D(units) / divisor,
            price=price(ticks),
            commission=D(cents) / 100,
            time=T0 + timedelta(seconds=i),
        )
        for i, (side, units, divisor, ticks, cents) in enumerate(steps)
    ]
    return Scenario(spec, fills, price(draw(st.integers(-400, 400))))


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_properties_of_fill_sequences(scenario: Scenario) -> None:
    spec = scenario.spec
    state = PositionState.flat()
    closed: list[ClosedTrade] = []
    for event in scenario.fills:
        outcome = apply_fill(state, event, spec)
        assert len(outcome.closed) == (0 if outcome.action in ("open", "add") else 1)
        for trade in outcome.closed:
            assert trade.net_pnl == trade.gross_pnl - trade.commission
        state = outcome.new_state
        closed.extend(outcome.closed)

    # (a) the position is the sum of the signed fill quantities
    assert state.quantity == sum(e.side.sign * e.quantity for e in scenario.fills)

    # (b) realised + unrealised P&L equals the cash-flow reference: pay for buys, receive for
    # sells, and value what is still held at the final price
    cash = -sum(e.side.sign * e.quantity * e.price for e in scenario.fills)
    reference = (cash + state.quantity * scenario.final_price) * spec.point_value
    realised = sum((t.gross_pnl for t in closed), D(0))
    total = realised + unrealized_pnl(state, scenario.final_price, spec)
    assert abs(total - reference) <= D("1E-9")

    # (c) every commission cent is attributed exactly once, no rounding loss
    attributed = sum((t.commission for t in closed), D(0)) + state.open_commission
    assert attributed == sum((e.commission for e in scenario.fills), D(0))
