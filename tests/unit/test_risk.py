"""The one definition of stop, risk and R (trendedge.domain.risk), by hand-computed values."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from trendedge.domain import risk


def test_default_stop_is_ticks_against_the_entry() -> None:
    assert risk.default_stop(
        direction="long", entry_price=D("5000"), ticks=8, tick_size=D("0.25")
    ) == D("4998")
    assert risk.default_stop(
        direction="short", entry_price=D("1.0850"), ticks=20, tick_size=D("0.00005")
    ) == D("1.0860")
    assert risk.default_stop(direction=-3, entry_price=D("100"), ticks=1, tick_size=D("1")) == 101
    with pytest.raises(ValueError):
        risk.default_stop(direction="long", entry_price=D("1"), ticks=0, tick_size=D("1"))


def test_effective_stop_prefers_the_trade_stop_then_the_rule() -> None:
    common = {"direction": "long", "entry_price": D("100"), "tick_size": D("0.5")}
    assert risk.effective_stop(stop=D("97"), default_ticks=4, **common) == D("97")
    assert risk.effective_stop(stop=None, default_ticks=4, **common) == D("98")
    assert risk.effective_stop(stop=None, default_ticks=None, **common) is None


def test_initial_risk_and_r_multiple() -> None:
    # ES long 2 @ 4999, stop 4990, exit 5010: risk 9 * 2 * 50 = 900, R = 11 / 9.
    assert risk.initial_risk(
        entry_price=D("4999"), stop=D("4990"), quantity=D(2), point_value=D(50)
    ) == D("900")
    r = risk.r_multiple(
        direction="long", entry_price=D("4999"), exit_price=D("5010"), stop=D("4990")
    )
    assert r is not None and round(r, 6) == round(D(11) / D(9), 6)
    # A short that hits its stop loses exactly 1R.
    assert risk.r_multiple(
        direction="short", entry_price=D("100"), exit_price=D("104"), stop=D("104")
    ) == D(-1)
    # R equals gross P&L / risk.
    gross = (D("5010") - D("4999")) * 2 * 50
    assert r == gross / D("900")


def test_no_stop_or_a_stop_at_the_entry_defines_no_risk() -> None:
    assert risk.initial_risk(entry_price=D(1), stop=None, quantity=D(1), point_value=D(1)) is None
    assert risk.initial_risk(entry_price=D(1), stop=D(1), quantity=D(1), point_value=D(1)) is None
    assert risk.r_multiple(direction="long", entry_price=D(1), exit_price=D(2), stop=None) is None
    assert risk.r_multiple(direction="long", entry_price=D(1), exit_price=D(2), stop=D(1)) is None


def test_stop_side() -> None:
    assert risk.stop_on_wrong_side(direction="long", entry_price=D(10), stop=D(11))
    assert risk.stop_on_wrong_side(direction="long", entry_price=D(10), stop=D(10))
    assert not risk.stop_on_wrong_side(direction="long", entry_price=D(10), stop=D(9))
    assert risk.stop_on_wrong_side(direction="short", entry_price=D(10), stop=D(9))
    assert not risk.stop_on_wrong_side(direction="short", entry_price=D(10), stop=D(11))


def test_direction_is_checked() -> None:
    with pytest.raises(ValueError):
        risk.direction_sign("up")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        risk.direction_sign(0)


def test_paper_positions_take_the_default_stop_rule() -> None:
    from datetime import UTC, datetime

    from trendedge.domain.contracts import resolve_symbol
    from trendedge.domain.fills import Side
    from trendedge.domain.positions import FillEvent, PositionState, apply_default_stop, apply_fill

    nq = resolve_symbol("NQ")
    at = datetime(2026, 1, 5, 14, 30, tzinfo=UTC)
    buy = FillEvent(side=Side.BUY, quantity=D(2), price=D("18250"), commission=D(0), time=at)
    opened = apply_default_stop(
        apply_fill(PositionState.flat(), buy, nq), ticks=20, tick_size=nq.tick_size
    )
    assert opened.new_state.stop == D("18245")  # 20 ticks of 0.25 below the entry
    sell = FillEvent(side=Side.SELL, quantity=D(2), price=D("18260"), commission=D(0), time=at)
    closed = apply_default_stop(
        apply_fill(opened.new_state, sell, nq), ticks=20, tick_size=D("0.25")
    )
    [trade] = closed.closed
    assert (trade.stop, trade.r_multiple) == (D("18245"), D(2))
    # Without a rule nothing changes; a stop that came with the alert is kept.
    plain = apply_fill(PositionState.flat(), buy, nq)
    assert apply_default_stop(plain, ticks=None, tick_size=nq.tick_size) is plain
    with_stop = FillEvent(
        side=Side.BUY, quantity=D(1), price=D("18250"), commission=D(0), time=at, stop=D("18200")
    )
    kept = apply_default_stop(
        apply_fill(PositionState.flat(), with_stop, nq), ticks=20, tick_size=nq.tick_size
    )
    assert kept.new_state.stop == D("18200")
