"""Journal entries of one user: one per trade or per trading day.

Session-level functions (`get_or_none`, `save_entry`, `ensure_entry`,
`delete_entry`) flush and leave the commit to the caller. `save` and `delete` run
their own transaction and then invalidate the user's analytics cache when tags
changed (tags feed the analytics tag breakdown). Searching lives in
`services.journal_search` and is re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import uuid4

from sqlalchemy.exc import IntegrityError
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.db import session_scope
from trendedge.domain.journal_input import clean_notes, normalise_labels, parse_rating
from trendedge.models import Account, JournalEntry, Playbook, Trade
from trendedge.models._base import utcnow
from trendedge.services import analytics_cache, screenshots
from trendedge.services.errors import ConflictError, InvalidInputError
from trendedge.services.journal_search import (
    FilterOptions,
    JournalFilter,
    JournalRow,
    distinct_tags,
    filter_options,
    search,
)
from trendedge.services.tenancy import get_owned, new_owned, owned_by

__all__ = [
    "FilterOptions",
    "JournalFilter",
    "JournalRow",
    "TradeInfo",
    "delete",
    "delete_entry",
    "distinct_tags",
    "ensure_entry",
    "entries_of_trades",
    "filter_options",
    "get_entry",
    "get_or_none",
    "save",
    "save_entry",
    "search",
    "trade_info",
]


@dataclass(frozen=True)
class TradeInfo:
    """What the journal shows about the trade an entry belongs to."""

    trade_id: int
    symbol: str
    direction: str
    quantity: Decimal
    entry_price: Decimal
    exit_price: Decimal
    entry_time: datetime
    exit_time: datetime
    net_pnl: Decimal
    currency: str
    r_multiple: Decimal | None
    account_name: str
    setup: str


async def trade_info(*, session: AsyncSession, user_id: int, trade_id: int) -> TradeInfo:
    """Summary of the user's trade `trade_id`; NotFoundError if it is not theirs."""
    trade = await get_owned(session, Trade, user_id=user_id, row_id=trade_id)
    account = await get_owned(session, Account, user_id=user_id, row_id=trade.account_id)
    setup = trade.setup or ""
    if trade.playbook_id is not None:
        playbook = await session.get(Playbook, trade.playbook_id)
        if playbook is not None and playbook.user_id == user_id:
            setup = playbook.name
    assert trade.id is not None
    return TradeInfo(
        trade_id=trade.id,
        symbol=trade.symbol,
        direction=trade.direction,
        quantity=trade.quantity,
        entry_price=trade.entry_price,
        exit_price=trade.exit_price,
        entry_time=trade.entry_time,
        exit_time=trade.exit_time,
        net_pnl=trade.net_pnl,
        currency=trade.currency,
        r_multiple=trade.r_multiple,
        account_name=account.name,
        setup=setup,
    )


def _target(trade_id: int | None, day: date | None) -> None:
    if (trade_id is None) == (day is None):
        message = "A journal entry belongs to exactly one trade or one day."
        raise InvalidInputError(message, details={"target": message})


async def get_or_none(
    *, session: AsyncSession, user_id: int, trade_id: int | None = None, day: date | None = None
) -> JournalEntry | None:
    """The user's entry of trade `trade_id` or of `day` (exactly one given), if any."""
    _target(trade_id, day)
    query = owned_by(JournalEntry, user_id=user_id)
    if trade_id is not None:
        query = query.where(JournalEntry.trade_id == trade_id)
    else:
        query = query.where(JournalEntry.day == day)
    return (await session.exec(query)).first()


async def get_entry(*, session: AsyncSession, user_id: int, entry_id: int) -> JournalEntry:
    """The user's entry `entry_id`; NotFoundError if it is not theirs."""
    return await get_owned(session, JournalEntry, user_id=user_id, row_id=entry_id)


def _validated(data: Mapping[str, Any]) -> dict[str, Any]:
    """Clean values of the editable fields present in `data`; InvalidInputError by field."""
    parsers = {
        "notes": clean_notes,
        "tags": lambda raw: normalise_labels(raw, noun="tag"),
        "mistakes": lambda raw: normalise_labels(raw, noun="mistake"),
        "rating": parse_rating,
    }
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field, parse in parsers.items():
        if field not in data:
            continue
        try:
            values[field] = parse(data[field])
        except ValueError as exc:
            errors[field] = str(exc)
    if errors:
        raise InvalidInputError("The journal entry has invalid fields", details=errors)
    return values


async def _new_entry(
    session: AsyncSession, user_id: int, trade_id: int | None, day: date | None
) -> JournalEntry:
    if trade_id is not None:
        await get_owned(session, Trade, user_id=user_id, row_id=trade_id)  # NotFoundError
    entry = new_owned(JournalEntry, user_id=user_id, uid=str(uuid4()), trade_id=trade_id, day=day)
    session.add(entry)
    return entry


async def _flush(session: AsyncSession) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:
        raise ConflictError(
            "This journal entry was changed at the same time elsewhere; reload and try again."
        ) from exc


async def save_entry(
    *,
    session: AsyncSession,
    user_id: int,
    trade_id: int | None = None,
    day: date | None = None,
    data: Mapping[str, Any],
) -> JournalEntry:
    """Create or update the entry of the user's trade `trade_id` or of `day`.

    `data` may hold `notes` (markdown), `tags` and `mistakes` (comma-separated
    string or list), `rating` (1-5, or ''/None for none); absent keys keep their
    value. InvalidInputError names each bad field; NotFoundError when the trade is
    not the user's. Nothing is stored on error.
    """
    _target(trade_id, day)
    values = _validated(data)
    entry = await get_or_none(session=session, user_id=user_id, trade_id=trade_id, day=day)
    if entry is None:
        entry = await _new_entry(session, user_id, trade_id, day)
    for field, value in values.items():
        setattr(entry, field, value)
    entry.updated_at = utcnow()
    session.add(entry)
    await _flush(session)
    await session.refresh(entry)
    return entry


async def ensure_entry(
    *, session: AsyncSession, user_id: int, trade_id: int | None = None, day: date | None = None
) -> JournalEntry:
    """The entry of the trade or day, created empty when there is none yet."""
    entry = await get_or_none(session=session, user_id=user_id, trade_id=trade_id, day=day)
    if entry is not None:
        return entry
    entry = await _new_entry(session, user_id, trade_id, day)
    await _flush(session)
    await session.refresh(entry)
    return entry


async def delete_entry(*, session: AsyncSession, user_id: int, entry_id: int) -> JournalEntry:
    """Delete the user's entry with its screenshots (files go once this commits)."""
    entry = await get_entry(session=session, user_id=user_id, entry_id=entry_id)
    names = await screenshots.storage_names_for_entries(
        session=session, user_id=user_id, entry_ids=[entry_id]
    )
    await session.delete(entry)
    await session.flush()
    screenshots.remove_files_on_commit(session, names)
    return entry


async def save(
    *, user_id: int, trade_id: int | None = None, day: date | None = None, data: Mapping[str, Any]
) -> JournalEntry:
    """`save_entry` in its own transaction; invalidates analytics when tags changed."""
    async with session_scope() as session:
        before = await get_or_none(session=session, user_id=user_id, trade_id=trade_id, day=day)
        old_tags = list(before.tags) if before is not None else []
        entry = await save_entry(
            session=session, user_id=user_id, trade_id=trade_id, day=day, data=data
        )
        changed = list(entry.tags) != old_tags
    if changed:
        await analytics_cache.invalidate(user_id=user_id)
    return entry


async def delete(*, user_id: int, entry_id: int) -> None:
    """`delete_entry` in its own transaction; invalidates analytics when it had tags."""
    async with session_scope() as session:
        entry = await delete_entry(session=session, user_id=user_id, entry_id=entry_id)
        had_tags = bool(entry.tags)
    if had_tags:
        await analytics_cache.invalidate(user_id=user_id)


async def entries_of_trades(
    *, session: AsyncSession, user_id: int, trade_ids: list[int]
) -> list[JournalEntry]:
    """The user's entries of these trades (for callers that delete trades)."""
    if not trade_ids:
        return []
    query = owned_by(JournalEntry, user_id=user_id).where(col(JournalEntry.trade_id).in_(trade_ids))
    return list((await session.exec(query)).all())
