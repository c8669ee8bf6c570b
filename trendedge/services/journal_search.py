"""Searching the user's journal: filters, the joined rows of the list, dropdown options.

Dates: a trade entry's date is its trade's exit day (UTC), a day entry's date is its
day. Account, instrument and setup filters look at the trade, so when any of them is
set, day entries (which have no trade) drop out of the results.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.models import Account, JournalEntry, Playbook, Trade
from trendedge.services.tenancy import owned_by


def _require_user(user_id: int) -> int:
    if isinstance(user_id, bool) or not isinstance(user_id, int) or user_id <= 0:
        raise PermissionError("a tenant query needs the signed-in user's id")
    return user_id


EXCERPT_CHARS = 160


@dataclass(frozen=True)
class JournalFilter:
    """Every field optional; all set fields must match (AND)."""

    tag: str | None = None
    mistake: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    account_id: int | None = None
    instrument: str | None = None  # contract root (ES) or exact symbol (ESZ5), any case
    playbook_id: int | None = None  # trades.playbook_id, or legacy setup = playbook's name
    setup: str | None = None  # legacy free-text trades.setup, any case
    text: str | None = None  # substring of the notes or the symbol


@dataclass(frozen=True)
class JournalRow:
    """One entry of the journal list, with what it is about."""

    entry_id: int
    trade_id: int | None
    day: date | None
    entry_date: date
    tags: list[str]
    mistakes: list[str]
    rating: int | None
    excerpt: str
    updated_at: datetime
    symbol: str = ""
    direction: str = ""
    net_pnl: Decimal | None = None
    currency: str = ""
    exit_time: datetime | None = None
    account_name: str = ""


@dataclass(frozen=True)
class FilterOptions:
    tags: list[str]
    accounts: list[tuple[int, str]]
    playbooks: list[tuple[int, str]]
    setups: list[str]
    instruments: list[str]


def _exit_day() -> Any:
    return func.date(func.timezone("UTC", col(Trade.exit_time)))


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(user_id: int, f: JournalFilter, entry_date: Any) -> list[Any]:
    conds: list[Any] = []
    if f.tag and f.tag.strip():
        conds.append(col(JournalEntry.tags).contains([f.tag.strip().lower()]))
    if f.mistake and f.mistake.strip():
        conds.append(col(JournalEntry.mistakes).contains([f.mistake.strip().lower()]))
    if f.date_from is not None:
        conds.append(entry_date >= f.date_from)
    if f.date_to is not None:
        conds.append(entry_date <= f.date_to)
    if f.account_id is not None:
        conds.append(col(Trade.account_id) == f.account_id)
    if f.instrument and f.instrument.strip():
        wanted = f.instrument.strip().upper()
        conds.append(
            or_(func.upper(col(Trade.root)) == wanted, func.upper(col(Trade.symbol)) == wanted)
        )
    if f.playbook_id is not None:
        name = (
            select(Playbook.name)
            .where(Playbook.id == f.playbook_id, Playbook.user_id == user_id)
            .scalar_subquery()
        )
        conds.append(
            or_(
                col(Trade.playbook_id) == f.playbook_id,
                func.lower(col(Trade.setup)) == func.lower(name),
            )
        )
    if f.setup and f.setup.strip():
        conds.append(func.lower(col(Trade.setup)) == f.setup.strip().lower())
    if f.text and f.text.strip():
        pattern = _like(f.text.strip())
        conds.append(
            or_(
                col(JournalEntry.notes).ilike(pattern, escape="\\"),
                col(Trade.symbol).ilike(pattern, escape="\\"),
            )
        )
    return conds


def _excerpt(notes: str) -> str:
    flat = " ".join(notes.split())
    return flat if len(flat) <= EXCERPT_CHARS else flat[: EXCERPT_CHARS - 1] + "…"


async def search(
    *,
    session: AsyncSession,
    user_id: int,
    filters: JournalFilter | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[JournalRow]:
    """The user's entries matching `filters`, newest date first (a day's own entry
    before that day's trades, then trades by exit time, latest first)."""
    f = filters or JournalFilter()
    entry_date = func.coalesce(_exit_day(), col(JournalEntry.day))
    # A four-column select (rows, not scalars), so not `owned_by`: filtered by user below.
    query = (
        select(JournalEntry, Trade, Account.name, entry_date.label("entry_date"))
        .where(col(JournalEntry.user_id) == _require_user(user_id))
        .outerjoin(
            Trade,
            and_(col(Trade.id) == col(JournalEntry.trade_id), col(Trade.user_id) == user_id),
        )
        .outerjoin(
            Account,
            and_(col(Account.id) == col(Trade.account_id), col(Account.user_id) == user_id),
        )
        .where(*_conditions(user_id, f, entry_date))
        .order_by(
            entry_date.desc(),
            col(JournalEntry.trade_id).is_(None).desc(),
            col(Trade.exit_time).desc(),
            col(JournalEntry.id).desc(),
        )
        .limit(max(1, min(limit, 1000)))
        .offset(max(0, offset))
    )
    rows = (await session.exec(query)).all()
    return [_row(entry, trade, account_name, day) for entry, trade, account_name, day in rows]


def _row(entry: JournalEntry, trade: Trade | None, account_name: str | None, day: date):
    assert entry.id is not None
    common: dict[str, Any] = {
        "entry_id": entry.id,
        "trade_id": entry.trade_id,
        "day": entry.day,
        "entry_date": day,
        "tags": list(entry.tags),
        "mistakes": list(entry.mistakes),
        "rating": entry.rating,
        "excerpt": _excerpt(entry.notes),
        "updated_at": entry.updated_at,
    }
    if trade is None:
        return JournalRow(**common)
    return JournalRow(
        **common,
        symbol=trade.symbol,
        direction=trade.direction,
        net_pnl=trade.net_pnl,
        currency=trade.currency,
        exit_time=trade.exit_time,
        account_name=account_name or "",
    )


async def distinct_tags(*, session: AsyncSession, user_id: int) -> list[str]:
    """Every tag the user has used, sorted."""
    query = owned_by(JournalEntry, user_id=user_id).with_only_columns(
        func.unnest(col(JournalEntry.tags))
    )
    return sorted({str(tag) for tag in (await session.exec(query.distinct())).all()})  # type: ignore[call-overload]


async def filter_options(*, session: AsyncSession, user_id: int) -> FilterOptions:
    """Values for the journal's filter dropdowns, each sorted by name."""
    accounts = (await session.exec(owned_by(Account, user_id=user_id))).all()
    playbooks = (await session.exec(owned_by(Playbook, user_id=user_id))).all()
    trades = owned_by(Trade, user_id=user_id)
    setups = await session.exec(  # type: ignore[call-overload]
        trades.with_only_columns(col(Trade.setup)).where(col(Trade.setup).is_not(None)).distinct()
    )
    roots = await session.exec(trades.with_only_columns(col(Trade.root)).distinct())  # type: ignore[call-overload]
    return FilterOptions(
        tags=await distinct_tags(session=session, user_id=user_id),
        accounts=sorted(((a.id, a.name) for a in accounts if a.id), key=lambda p: p[1].lower()),
        playbooks=sorted(((p.id, p.name) for p in playbooks if p.id), key=lambda p: p[1].lower()),
        setups=sorted({str(s) for s in setups.all() if str(s).strip()}, key=str.lower),
        instruments=sorted({str(r) for r in roots.all()}),
    )
