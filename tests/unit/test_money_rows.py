"""The /money rows: missing rates stay missing, local dates become the right UTC instant."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from trendedge.domain.kpis import AccountMoney
from trendedge.services.kpis import KpiDashboard
from trendedge.state.money_rows import (
    MISSING,
    account_rows,
    amount_text,
    kpi_cards,
    local_datetime,
    parse_clock,
    parse_day,
)


def account(name: str, currency: str, balance: float | None) -> AccountMoney:
    return AccountMoney(
        account_id=7,
        name=name,
        currency=currency,
        balance_original=1000.0,
        net_pnl_original=-12.5,
        fees_original=2.0,
        deposits_original=0.0,
        withdrawals_original=0.0,
        day_change_original=-12.5,
        day_change_day=date(2026, 11, 20),
        balance_converted=balance,
        net_pnl_converted=-10.0,
        fees_converted=1.6,
        deposits_converted=0.0,
        withdrawals_converted=0.0,
        day_change_converted=-10.0,
        missing_rates=[] if balance is not None else [f"{currency} on 2026-11-22"],
    )


def board(balance: float | None) -> KpiDashboard:
    return KpiDashboard(
        currency="GBP",
        as_of=date(2026, 11, 22),
        accounts=[account("Tokyo", "JPY", balance)],
        balance=balance,
        net_pnl=-10.0,
        fees=1.6,
        deposits=0.0,
        withdrawals=0.0,
        day_change=-10.0,
        missing_rates=[] if balance is not None else ["JPY on 2026-11-22"],
    )


def test_amounts_are_grouped_and_missing_is_never_zero() -> None:
    assert amount_text(1234567.891) == "1,234,567.89"
    assert amount_text(-0.004) == "0.00"
    assert amount_text(None) == MISSING


def test_cards_and_rows_show_missing_rates_as_missing() -> None:
    cards = {c.key: c for c in kpi_cards(board(None))}
    assert (cards["balance"].value, cards["balance"].missing) == (MISSING, True)
    assert (cards["net_pnl"].value, cards["net_pnl"].missing) == ("-10.00", False)
    assert cards["day_change"].note == "on 2026-11-20"
    balance_cell = account_rows(board(None))[0].cells[0]
    assert (balance_cell.original, balance_cell.converted) == ("1,000.00 JPY", MISSING)
    converted = account_rows(board(6.25))[0].cells[0]
    assert (converted.converted, converted.missing) == ("6.25 GBP", False)


def test_a_local_date_is_read_in_the_users_zone() -> None:
    # 00:30 on 15 January in Berlin (UTC+1) is still the 14th in UTC.
    when = local_datetime(date(2026, 1, 15), time(0, 30), "Europe/Berlin")
    assert when.astimezone(UTC) == datetime(2026, 1, 14, 23, 30, tzinfo=UTC)
    # Summer time (UTC+2) in July.
    when = local_datetime(date(2026, 7, 1), time(12), "Europe/Berlin")
    assert when.astimezone(UTC) == datetime(2026, 7, 1, 10, tzinfo=UTC)


def test_bad_dates_and_times_name_the_problem() -> None:
    assert parse_clock("") == time(12)
    with pytest.raises(ValueError, match="not a date"):
        parse_day("30/10/2026")
    with pytest.raises(ValueError, match="not a time"):
        parse_clock("25:99")
