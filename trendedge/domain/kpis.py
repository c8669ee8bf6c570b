"""Account KPIs in their own currency and converted to one chosen currency. Pure.

Conventions (written on the KPI page too):
- balance = initial balance + deposits - withdrawals + net P&L - fee transactions
  + adjustments; a *stock*, converted at the rate of the as-of day;
- net P&L (after commissions), fees (commissions + fee transactions), deposits and
  withdrawals are *flows*: each day's amount is converted at that day's rate
  (nearest earlier business day), then summed;
- day change = the net flow (P&L + deposits - withdrawals - fees + adjustments) of
  the latest day with activity, converted at that day's rate;
- a missing rate makes the converted value missing (None), never a 1.0 guess; the
  currencies and days that lacked a rate are listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
from numpy.typing import NDArray

from trendedge.domain.fx import RateTable

FLOW_FIELDS = ("net_pnl", "commission", "deposits", "withdrawals", "fees", "adjustments")


@dataclass(frozen=True, slots=True)
class DailyFlows:
    """One account's money movements per day (parallel arrays, one element per day)."""

    days: NDArray[np.datetime64]  # datetime64[D], unique
    net_pnl: NDArray[np.float64]  # closed trades, after commission
    commission: NDArray[np.float64]  # commissions of those trades (>= 0)
    deposits: NDArray[np.float64]  # >= 0
    withdrawals: NDArray[np.float64]  # >= 0
    fees: NDArray[np.float64]  # fee transactions (>= 0 = cost)
    adjustments: NDArray[np.float64]  # signed

    @classmethod
    def empty(cls) -> DailyFlows:
        nothing = np.zeros(0)
        return cls(np.zeros(0, dtype="datetime64[D]"), *(nothing for _ in FLOW_FIELDS))

    def net(self) -> NDArray[np.float64]:
        """Balance change per day."""
        return self.net_pnl + self.deposits - self.withdrawals - self.fees + self.adjustments


@dataclass(frozen=True, slots=True)
class AccountMoney:
    """One account's KPIs: `*_original` in `currency`, `*_converted` in the target."""

    account_id: int
    name: str
    currency: str
    balance_original: float
    net_pnl_original: float
    fees_original: float
    deposits_original: float
    withdrawals_original: float
    day_change_original: float
    day_change_day: date | None
    balance_converted: float | None
    net_pnl_converted: float | None
    fees_converted: float | None
    deposits_converted: float | None
    withdrawals_converted: float | None
    day_change_converted: float | None
    missing_rates: list[str] = field(default_factory=list)


def _flow_sum(
    amounts: NDArray[np.float64], converted_factor: NDArray[np.float64]
) -> tuple[float, float | None]:
    """Original sum and converted sum (None if a non-zero amount lacks a rate)."""
    original = float(amounts.sum())
    used = amounts != 0
    if np.isnan(converted_factor[used]).any():
        return original, None
    return original, float((amounts[used] * converted_factor[used]).sum())


def account_money(
    *,
    account_id: int,
    name: str,
    currency: str,
    initial_balance: float,
    flows: DailyFlows,
    rates: RateTable,
    to_currency: str,
    as_of: date,
    change_day: date | None = None,
) -> AccountMoney:
    """KPIs of one account (see the module docstring for the conventions).

    `change_day` fixes the day of the day change (a dashboard passes the latest active
    day of all accounts); by default it is this account's latest active day.
    """
    n = len(flows.days)
    factor = rates.convert_many(np.ones(n), [currency] * n, flows.days, to_currency=to_currency)
    active_days = (np.abs(flows.net()) + flows.commission + flows.fees) != 0
    lacking = np.isnan(factor) & active_days
    missing = _missing(rates, currency, to_currency, flows.days[lacking])
    net_pnl = _flow_sum(flows.net_pnl, factor)
    fees = _flow_sum(flows.commission + flows.fees, factor)
    deposits = _flow_sum(flows.deposits, factor)
    withdrawals = _flow_sum(flows.withdrawals, factor)
    balance = initial_balance + float(flows.net().sum())
    as_of_factor = rates.convert_many(
        np.ones(1), [currency], np.asarray([as_of], dtype="datetime64[D]"), to_currency=to_currency
    )[0]
    if np.isnan(as_of_factor):
        missing += _missing(
            rates, currency, to_currency, np.asarray([as_of], dtype="datetime64[D]")
        )
    change_day = change_day or latest_active_day(flows)
    day_change: float = 0.0
    change_converted: float | None = 0.0
    if change_day is not None:
        hit = np.flatnonzero(flows.days == np.datetime64(change_day, "D"))
        day_change = float(flows.net()[hit[0]]) if len(hit) else 0.0
        if day_change:
            rate = float(factor[hit[0]])
            change_converted = None if np.isnan(rate) else day_change * rate
    return AccountMoney(
        account_id=account_id,
        name=name,
        currency=currency,
        balance_original=balance,
        net_pnl_original=net_pnl[0],
        fees_original=fees[0],
        deposits_original=deposits[0],
        withdrawals_original=withdrawals[0],
        day_change_original=day_change,
        day_change_day=change_day,
        balance_converted=None if np.isnan(as_of_factor) else balance * float(as_of_factor),
        net_pnl_converted=net_pnl[1],
        fees_converted=fees[1],
        deposits_converted=deposits[1],
        withdrawals_converted=withdrawals[1],
        day_change_converted=change_converted,
        missing_rates=missing,
    )


def _missing(
    rates: RateTable, currency: str, to_currency: str, days: NDArray[np.datetime64]
) -> list[str]:
    """ "XXX on YYYY-MM-DD" for each day and side (account or target currency) lacking a rate."""
    out: list[str] = []
    if currency.upper() == to_currency.upper():
        return out  # a currency shown in itself needs no rate
    ones = np.ones(len(days))
    for side in dict.fromkeys((currency, to_currency)):
        per_eur = rates.convert_many(ones, [side] * len(days), days, to_currency="EUR")
        out += [f"{side} on {day}" for day in np.unique(days[np.isnan(per_eur)])]
    return out


def latest_active_day(*accounts: DailyFlows) -> date | None:
    """The latest day on which any of `accounts` changed balance."""
    days = [f.days[f.net() != 0] for f in accounts]
    active = np.concatenate(days) if days else np.zeros(0, dtype="datetime64[D]")
    return active.max().astype(object) if len(active) else None


def total(values: list[float | None]) -> float | None:
    """Sum of converted values; None when any is missing."""
    if any(v is None for v in values):
        return None
    return float(sum(v for v in values if v is not None))
