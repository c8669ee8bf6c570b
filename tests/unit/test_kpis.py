"""Account KPIs and conversion, against values computed by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pytest

from trendedge.domain.fx import DailyRate, RateTable
from trendedge.domain.kpis import DailyFlows, account_money, total

RATES = RateTable(
    [
        DailyRate(date(2026, 10, 29), "USD", Decimal("1.25")),
        DailyRate(date(2026, 10, 30), "USD", Decimal("1.10")),
        DailyRate(date(2026, 10, 29), "GBP", Decimal("0.80")),
        DailyRate(date(2026, 10, 30), "GBP", Decimal("0.85")),
    ]
)


def flows(**columns: list[float]) -> DailyFlows:
    days = np.asarray(columns.pop("days"), dtype="datetime64[D]")
    n = len(days)
    values = {
        name: np.asarray(columns.get(name, [0.0] * n), dtype=float)
        for name in ("net_pnl", "commission", "deposits", "withdrawals", "fees", "adjustments")
    }
    return DailyFlows(days=days, **values)


def test_usd_account_in_eur_by_hand() -> None:
    money = account_money(
        account_id=1,
        name="US",
        currency="USD",
        initial_balance=10_000.0,
        flows=flows(
            days=["2026-10-29", "2026-10-30"],
            net_pnl=[500.0, -110.0],
            commission=[10.0, 5.5],
            deposits=[1_000.0, 0.0],
            withdrawals=[0.0, 220.0],
        ),
        rates=RATES,
        to_currency="EUR",
        as_of=date(2026, 10, 31),  # Saturday: Friday's rate 1.10
    )
    # balance 10000 + 1000 - 220 + 500 - 110 = 11170 USD -> / 1.10 = 10154.5454... EUR
    assert money.balance_original == pytest.approx(11_170.0)
    assert money.balance_converted == pytest.approx(11_170 / 1.10)
    # P&L: 500 / 1.25 + (-110) / 1.10 = 400 - 100 = 300 EUR
    assert money.net_pnl_converted == pytest.approx(300.0)
    assert money.fees_converted == pytest.approx(10 / 1.25 + 5.5 / 1.10)
    assert money.deposits_converted == pytest.approx(800.0)
    assert money.withdrawals_converted == pytest.approx(200.0)
    # day change: the 30th, -110 - 220 = -330 USD = -300 EUR
    assert money.day_change_day == date(2026, 10, 30)
    assert money.day_change_original == pytest.approx(-330.0)
    assert money.day_change_converted == pytest.approx(-300.0)
    assert money.missing_rates == []


def test_cross_rate_gbp_to_usd() -> None:
    money = account_money(
        account_id=2,
        name="UK",
        currency="GBP",
        initial_balance=0.0,
        flows=flows(days=["2026-10-29"], net_pnl=[80.0]),
        rates=RATES,
        to_currency="USD",
        as_of=date(2026, 10, 30),
    )
    # 80 GBP on the 29th: / 0.80 = 100 EUR * 1.25 = 125 USD
    assert money.net_pnl_converted == pytest.approx(125.0)
    # balance 80 GBP at the 30th: / 0.85 * 1.10
    assert money.balance_converted == pytest.approx(80 / 0.85 * 1.10)


def test_missing_rate_is_missing_not_one() -> None:
    money = account_money(
        account_id=3,
        name="JP",
        currency="JPY",
        initial_balance=1_000_000.0,
        flows=flows(days=["2026-10-29"], net_pnl=[5_000.0]),
        rates=RATES,
        to_currency="EUR",
        as_of=date(2026, 10, 30),
    )
    assert money.net_pnl_converted is None
    assert money.balance_converted is None
    assert money.day_change_converted is None
    assert money.net_pnl_original == 5_000.0
    assert money.missing_rates == ["JPY on 2026-10-29", "JPY on 2026-10-30"]
    assert total([money.net_pnl_converted, 1.0]) is None
    assert total([1.0, 2.5]) == 3.5


def test_same_currency_needs_no_rate_and_empty_account_is_zero() -> None:
    money = account_money(
        account_id=4,
        name="EU",
        currency="EUR",
        initial_balance=500.0,
        flows=DailyFlows.empty(),
        rates=RateTable([]),
        to_currency="EUR",
        as_of=date(2026, 10, 30),
    )
    assert money.balance_converted == 500.0
    assert money.net_pnl_converted == 0.0
    assert (money.day_change_day, money.day_change_converted) == (None, 0.0)


def test_a_missing_target_rate_names_the_target_currency() -> None:
    money = account_money(
        account_id=5,
        name="US",
        currency="USD",
        initial_balance=100.0,
        flows=flows(days=["2026-10-29"], net_pnl=[10.0]),
        rates=RATES,
        to_currency="JPY",
        as_of=date(2026, 10, 30),
    )
    assert money.net_pnl_converted is None
    assert money.missing_rates == ["JPY on 2026-10-29", "JPY on 2026-10-30"]


def test_an_account_shown_in_its_own_currency_is_never_missing() -> None:
    money = account_money(
        account_id=6,
        name="US",
        currency="USD",
        initial_balance=1000.0,
        flows=flows(days=["2027-01-04"], net_pnl=[25.0], commission=[2.0]),
        rates=RATES,  # ends in 2026: no USD rate near these days
        to_currency="USD",
        as_of=date(2027, 1, 5),
    )
    assert money.missing_rates == []
    assert (money.balance_converted, money.net_pnl_converted) == (1025.0, 25.0)
    assert (money.fees_converted, money.day_change_converted) == (2.0, 25.0)
