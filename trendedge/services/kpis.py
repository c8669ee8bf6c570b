"""The multi-currency KPI dashboard of one user: per-account money, converted totals."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.domain.kpis import (
    FLOW_FIELDS,
    AccountMoney,
    DailyFlows,
    account_money,
    latest_active_day,
    total,
)
from trendedge.services import accounts as accounts_service
from trendedge.services import fx_rates

TRADE_FLOWS = text(
    "SELECT account_id, (exit_time AT TIME ZONE :tz)::date AS day, "
    "sum(net_pnl)::float8, sum(commission)::float8 "
    "FROM trades WHERE user_id = :user_id GROUP BY 1, 2"
)
CASH_FLOWS = text(
    "SELECT account_id, (occurred_at AT TIME ZONE :tz)::date AS day, kind, sum(amount)::float8 "
    "FROM account_transactions WHERE user_id = :user_id GROUP BY 1, 2, 3"
)
CASH_FIELD = {
    "deposit": "deposits",
    "withdrawal": "withdrawals",
    "fee": "fees",
    "adjustment": "adjustments",
}


@dataclass(frozen=True, slots=True)
class KpiDashboard:
    """Every account of the user in its own currency and in `currency`, plus totals
    (None where a rate is missing)."""

    currency: str
    as_of: date
    accounts: list[AccountMoney]
    balance: float | None
    net_pnl: float | None
    fees: float | None
    deposits: float | None
    withdrawals: float | None
    day_change: float | None
    missing_rates: list[str]


def _flows(rows_by_day: dict[date, dict[str, float]]) -> DailyFlows:
    if not rows_by_day:
        return DailyFlows.empty()
    days = sorted(rows_by_day)
    columns = {
        name: np.asarray([rows_by_day[d].get(name, 0.0) for d in days]) for name in FLOW_FIELDS
    }
    return DailyFlows(days=np.asarray(days, dtype="datetime64[D]"), **columns)


async def _daily_flows(
    session: AsyncSession, *, user_id: int, time_zone: str
) -> dict[int, dict[date, dict[str, float]]]:
    params = {"user_id": user_id, "tz": time_zone}
    by_account: dict[int, dict[date, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    trade_rows: Any = await session.exec(TRADE_FLOWS.bindparams(**params))  # type: ignore[call-overload]
    for account_id, day, net_pnl, commission in trade_rows.all():
        by_account[account_id][day].update(net_pnl=net_pnl, commission=commission)
    cash_rows: Any = await session.exec(CASH_FLOWS.bindparams(**params))  # type: ignore[call-overload]
    for account_id, day, kind, amount in cash_rows.all():
        field = CASH_FIELD.get(kind)
        if field is not None:
            day_values = by_account[account_id][day]
            day_values[field] = day_values.get(field, 0.0) + amount
    return by_account


async def kpi_dashboard(
    *,
    session: AsyncSession,
    user_id: int,
    currency: str,
    time_zone: str = "UTC",
    as_of: date | None = None,
) -> KpiDashboard:
    """KPIs of all the user's accounts converted to `currency` (days in `time_zone`)."""
    as_of = as_of or datetime.now(ZoneInfo(time_zone)).date()
    accounts = await accounts_service.list_accounts(session=session, user_id=user_id)
    flows = await _daily_flows(session, user_id=user_id, time_zone=time_zone)
    await fx_rates.ensure_bundled_rates(session=session)
    first_day = min((min(days) for days in flows.values() if days), default=as_of)
    rates = await fx_rates.rate_table(
        session=session,
        user_id=user_id,
        currencies={a.currency for a in accounts} | {currency},
        start=min(first_day, as_of),
        end=as_of,
    )
    account_flows = {a.id or 0: _flows(flows.get(a.id or 0, {})) for a in accounts}
    change_day = latest_active_day(*account_flows.values())
    money = [
        account_money(
            account_id=a.id or 0,
            name=a.name,
            currency=a.currency,
            initial_balance=float(a.initial_balance),
            flows=account_flows[a.id or 0],
            rates=rates,
            to_currency=currency,
            as_of=as_of,
            change_day=change_day,
        )
        for a in accounts
    ]
    return KpiDashboard(
        currency=currency,
        as_of=as_of,
        accounts=money,
        balance=total([m.balance_converted for m in money]),
        net_pnl=total([m.net_pnl_converted for m in money]),
        fees=total([m.fees_converted for m in money]),
        deposits=total([m.deposits_converted for m in money]),
        withdrawals=total([m.withdrawals_converted for m in money]),
        day_change=total([m.day_change_converted for m in money]),
        missing_rates=sorted({r for m in money for r in m.missing_rates}),
    )
