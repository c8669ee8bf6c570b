"""Plain rows for the /money page, built from service results (no I/O, no Reflex state).

Numbers are formatted here once (`1,234.56`); a value the service returned as None
(a missing FX rate) becomes the text `MISSING`, never 0 or a guess.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from trendedge.models import Account, AccountTransaction
from trendedge.services.kpis import KpiDashboard

MISSING = "missing rate"


def amount_text(value: float | None) -> str:
    """`1,234.56`, or `MISSING` for None."""
    if value is None:
        return MISSING
    return f"{0.0 if round(value, 2) == 0 else value:,.2f}"


@dataclasses.dataclass
class KpiCard:
    key: str
    label: str
    value: str
    missing: bool
    note: str


@dataclasses.dataclass
class MoneyCell:
    original: str
    converted: str
    missing: bool


@dataclasses.dataclass
class AccountMoneyRow:
    id: int
    name: str
    currency: str
    cells: list[MoneyCell]


@dataclasses.dataclass
class CashRow:
    id: int
    when: str
    account: str
    kind: str
    amount: str
    currency: str
    note: str


@dataclasses.dataclass
class AccountOption:
    id: str
    label: str


TABLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("balance", "Balance"),
    ("net_pnl", "Net P&L"),
    ("fees", "Fees"),
    ("deposits", "Deposits"),
    ("withdrawals", "Withdrawals"),
    ("day_change", "Day change"),
)


def kpi_cards(board: KpiDashboard) -> list[KpiCard]:
    """The six totals of the dashboard in its currency."""
    change_days = {a.day_change_day for a in board.accounts if a.day_change_day}
    change_note = f"on {max(change_days)}" if change_days else "no activity yet"
    values = (
        ("balance", "Total balance", board.balance, f"as of {board.as_of}"),
        ("net_pnl", "Net P&L", board.net_pnl, "closed trades, after commissions"),
        ("fees", "Fees", board.fees, "commissions and fee entries"),
        ("deposits", "Deposits", board.deposits, "all time"),
        ("withdrawals", "Withdrawals", board.withdrawals, "all time"),
        ("day_change", "Day change", board.day_change, change_note),
    )
    return [
        KpiCard(key=key, label=label, value=amount_text(value), missing=value is None, note=note)
        for key, label, value, note in values
    ]


def account_rows(board: KpiDashboard) -> list[AccountMoneyRow]:
    """One row per account: each metric in its own currency and converted."""
    rows = []
    for money in board.accounts:
        cells = []
        for key, _label in TABLE_COLUMNS:
            original = getattr(money, f"{key}_original")
            converted = getattr(money, f"{key}_converted")
            cells.append(
                MoneyCell(
                    original=f"{amount_text(original)} {money.currency}",
                    converted=MISSING
                    if converted is None
                    else f"{amount_text(converted)} {board.currency}",
                    missing=converted is None,
                )
            )
        rows.append(
            AccountMoneyRow(
                id=money.account_id, name=money.name, currency=money.currency, cells=cells
            )
        )
    return rows


def cash_rows(
    transactions: Iterable[AccountTransaction], accounts: Iterable[Account], time_zone: str
) -> list[CashRow]:
    """Cash movements with their time shown in the user's zone."""
    names = {a.id: a.name for a in accounts}
    zone = ZoneInfo(time_zone)
    return [
        CashRow(
            id=t.id or 0,
            when=f"{t.occurred_at.astimezone(zone):%Y-%m-%d %H:%M}",
            account=names.get(t.account_id, "?"),
            kind=t.kind,
            amount=amount_text(float(t.amount)),
            currency=t.currency,
            note=t.note,
        )
        for t in transactions
    ]


def account_options(accounts: Iterable[Account]) -> list[AccountOption]:
    return [AccountOption(id=str(a.id), label=f"{a.name} ({a.currency})") for a in accounts]


def parse_day(text: str) -> date:
    """A YYYY-MM-DD date; ValueError with a message fit for the field."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValueError(f"'{text.strip()}' is not a date (YYYY-MM-DD)") from exc


def parse_clock(text: str) -> time:
    """An HH:MM time (blank = 12:00); ValueError with a message fit for the field."""
    try:
        return time.fromisoformat(text.strip() or "12:00")
    except ValueError as exc:
        raise ValueError(f"'{text.strip()}' is not a time (HH:MM)") from exc


def local_datetime(day: date, clock: time, time_zone: str) -> datetime:
    """`day` at `clock` on the wall clock of `time_zone`, as an aware datetime."""
    return datetime.combine(day, clock, tzinfo=ZoneInfo(time_zone))
