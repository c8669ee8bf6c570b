"""The fill model: tick rounding, adverse slippage, commission, validation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from trendedge.domain.contracts import contract_specs
from trendedge.domain.fills import Side, round_to_tick, simulate_fill

D = Decimal


def test_side_sign_and_opposite() -> None:
    assert Side.BUY.sign == 1
    assert Side.SELL.sign == -1
    assert Side("buy") is Side.BUY
    assert Side.BUY.opposite is Side.SELL
    assert Side.SELL.opposite is Side.BUY


@pytest.mark.parametrize(
    ("price", "tick", "expected"),
    [
        ("18250.25", "0.25", "18250.25"),
        ("18250.30", "0.25", "18250.25"),
        ("18250.375", "0.25", "18250.50"),  # exact half rounds up
        ("18250.37", "0.25", "18250.25"),
        ("5000.126", "0.25", "5000.25"),
        ("71.234", "0.01", "71.23"),
        ("71.235", "0.01", "71.24"),
        ("2.6543", "0.001", "2.654"),
        ("0.0067127", "0.0000005", "0.0067125"),
        ("0.0067128", "0.0000005", "0.0067130"),
        ("1.08437", "0.00005", "1.08435"),
        ("118.50", "0.03125", "118.50"),
        ("118.51", "0.03125", "118.5"),
        ("118.52", "0.03125", "118.53125"),
        ("110.01", "0.015625", "110.015625"),
        ("42017", "1", "42017"),
        ("42017.5", "1", "42018"),
    ],
)
def test_round_to_tick(price: str, tick: str, expected: str) -> None:
    assert round_to_tick(D(price), D(tick)) == D(expected)


def test_round_to_tick_rejects_non_positive_tick() -> None:
    with pytest.raises(ValueError, match="tick"):
        round_to_tick(D(1), D(0))


@pytest.mark.parametrize(
    ("root", "side", "reference", "slippage", "expected"),
    [
        ("ES", Side.BUY, "5000.25", 0, "5000.25"),
        ("ES", Side.BUY, "5000.25", 1, "5000.50"),
        ("ES", Side.SELL, "5000.25", 1, "5000.00"),
        ("ES", Side.BUY, "5000.10", 2, "5000.50"),  # 5000.10 -> 5000.00, +2 ticks
        ("ES", Side.SELL, "5000.20", 2, "4999.75"),  # 5000.20 -> 5000.25, -2 ticks
        ("MNQ", Side.BUY, "18250.30", 4, "18251.25"),
        ("CL", Side.SELL, "71.234", 3, "71.20"),
        ("NG", Side.BUY, "2.6543", 2, "2.656"),
        ("6J", Side.BUY, "0.0067127", 1, "0.0067130"),
        ("6J", Side.SELL, "0.0067127", 2, "0.0067115"),
        ("6E", Side.SELL, "1.08437", 1, "1.08430"),
        ("ZB", Side.BUY, "118.51", 1, "118.53125"),  # 118.50 + 1/32
        ("ZB", Side.SELL, "118.51", 2, "118.4375"),  # 118.50 - 2/32
        ("ZN", Side.BUY, "110.01", 1, "110.03125"),  # 110 1/64 + 1/64
        ("YM", Side.SELL, "42017.4", 1, "42016"),
    ],
)
def test_slippage_moves_against_the_trader(
    root: str, side: Side, reference: str, slippage: int, expected: str
) -> None:
    spec = contract_specs()[root]
    fill = simulate_fill(
        spec=spec, side=side, quantity=D(1), reference_price=D(reference), slippage_ticks=slippage
    )
    assert fill.price == D(expected)
    assert fill.reference_price == D(reference)
    assert fill.slippage_ticks == slippage
    assert fill.side is side
    # the fill price is always on the tick grid
    assert fill.price % spec.tick_size == 0


def test_commission_default_and_override() -> None:
    es = contract_specs()["ES"]
    fill = simulate_fill(
        spec=es, side=Side.BUY, quantity=D(3), reference_price=D("5000"), slippage_ticks=1
    )
    assert fill.commission == D("6.75")  # 2.25 x 3
    assert fill.quantity == D(3)
    override = simulate_fill(
        spec=es,
        side=Side.SELL,
        quantity=D(3),
        reference_price=D("5000"),
        slippage_ticks=0,
        commission_per_side=D("1.10"),
    )
    assert override.commission == D("3.30")
    free = simulate_fill(
        spec=es,
        side=Side.SELL,
        quantity=D(2),
        reference_price=D("5000"),
        slippage_ticks=0,
        commission_per_side=D(0),
    )
    assert free.commission == 0  # an explicit zero override is honoured


def test_micro_commission() -> None:
    mnq = contract_specs()["MNQ"]
    fill = simulate_fill(
        spec=mnq, side=Side.BUY, quantity=D(10), reference_price=D("18250"), slippage_ticks=0
    )
    assert fill.commission == D("6.20")


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"quantity": D(0)}, "quantity"),
        ({"quantity": D(-1)}, "quantity"),
        ({"reference_price": D(0)}, "reference_price"),
        ({"reference_price": D("-5")}, "reference_price"),
        ({"slippage_ticks": -1}, "slippage_ticks"),
        ({"commission_per_side": D("-0.01")}, "commission_per_side"),
        ({"reference_price": D("0.25"), "slippage_ticks": 1, "side": Side.SELL}, "slippage_ticks"),
    ],
)
def test_validation_errors_name_the_parameter(kwargs: dict[str, object], parameter: str) -> None:
    arguments: dict[str, object] = {
        "spec": contract_specs()["ES"],
        "side": Side.BUY,
        "quantity": D(1),
        "reference_price": D("5000"),
        "slippage_ticks": 0,
    }
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=parameter):
        simulate_fill(**arguments)  # type: ignore[arg-type]
