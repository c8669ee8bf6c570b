"""Export a user's trades and journal entries as TrendEdge CSV (read back by trade_import).

Tenant-scoped: only `user_id`'s rows are read. Rows are streamed from PostgreSQL in
batches (`iter_*`), so a large export never holds every ORM row at once.

Filters: `account_id` (one of the user's accounts; another user's id is NotFoundError)
and an inclusive date range `start`..`end` on the trade's exit day (UTC). Journal
entries of a trade follow the trade's filters; day entries are filtered by their day
only (a trading day belongs to no single account).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.domain.journal_csv import JournalRecord, iter_journal_csv
from trendedge.domain.trade_csv import TradeRecord, iter_trade_csv
from trendedge.models import Account, JournalEntry, Playbook, Trade
from trendedge.services.errors import InvalidInputError
from trendedge.services.tenancy import get_owned, owned_by

BATCH = 1000


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


async def check_filters(
    *,
    session: AsyncSession,
    user_id: int,
    account_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> None:
    """InvalidInputError for an inverted range, NotFoundError for another's account.

    The `iter_*` functions check this themselves; an HTTP route calls it before it
    starts streaming, so the error can still be an error response.
    """
    if start is not None and end is not None and end < start:
        raise InvalidInputError(
            "The end date is before the start date", details={"end": "before the start date"}
        )
    if account_id is not None:
        await get_owned(session, Account, user_id=user_id, row_id=account_id)


async def _names(session: AsyncSession, model: Any, user_id: int) -> dict[int, str]:
    rows = (await session.exec(owned_by(model, user_id=user_id))).all()
    return {row.id: row.name for row in rows}


def _trade_filters(query: Any, account_id: int | None, start: date | None, end: date | None) -> Any:
    if account_id is not None:
        query = query.where(col(Trade.account_id) == account_id)
    if start is not None:
        query = query.where(col(Trade.exit_time) >= _day_start(start))
    if end is not None:
        query = query.where(col(Trade.exit_time) < _day_start(end + timedelta(days=1)))
    return query


def trade_record(trade: Trade, *, account: str, playbook: str) -> TradeRecord:
    """The CSV row of a stored trade."""
    return TradeRecord(
        uid=trade.uid,
        account=account,
        source=trade.source,
        symbol=trade.symbol,
        root=trade.root,
        direction=trade.direction,
        quantity=trade.quantity,
        entry_price=trade.entry_price,
        exit_price=trade.exit_price,
        entry_time=trade.entry_time,
        exit_time=trade.exit_time,
        gross_pnl=trade.gross_pnl,
        commission=trade.commission,
        net_pnl=trade.net_pnl,
        currency=trade.currency,
        r_multiple=trade.r_multiple,
        stop=trade.stop,
        target=trade.target,
        risk=trade.risk,
        mae=trade.mae,
        mfe=trade.mfe,
        playbook=playbook,
        rules_followed=tuple(trade.rules_followed or ()),
        legs=tuple(trade.legs or ()),
        setup=trade.setup or "",
    )


async def _csv_chunks(
    batches: AsyncIterator[Sequence[Any]],
    to_records: Callable[[Sequence[Any]], list[Any]],
    write: Callable[..., Iterator[str]],
) -> AsyncIterator[str]:
    """CSV text of streamed row batches: the header once, then each batch's lines (only
    the header when there are no rows)."""
    first = True
    async for batch in batches:
        for chunk in write(to_records(batch), with_header=first):
            yield chunk
        first = False
    if first:
        yield "".join(write([]))


async def iter_trades_csv(
    *,
    session: AsyncSession,
    user_id: int,
    account_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> AsyncIterator[str]:
    """The user's trades as CSV text chunks (header first), oldest exit first."""
    await check_filters(
        session=session, user_id=user_id, account_id=account_id, start=start, end=end
    )
    accounts = await _names(session, Account, user_id)
    playbooks = await _names(session, Playbook, user_id)
    query = _trade_filters(owned_by(Trade, user_id=user_id), account_id, start, end)
    query = query.order_by(col(Trade.exit_time), col(Trade.id)).execution_options(yield_per=BATCH)
    result = await session.stream_scalars(query)

    def records(batch: Sequence[Trade]) -> list[TradeRecord]:
        return [
            trade_record(
                t,
                account=accounts.get(t.account_id, ""),
                playbook=playbooks.get(t.playbook_id, "") if t.playbook_id else "",
            )
            for t in batch
        ]

    async for chunk in _csv_chunks(result.partitions(), records, iter_trade_csv):
        yield chunk


async def iter_journal_entries_csv(
    *,
    session: AsyncSession,
    user_id: int,
    account_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> AsyncIterator[str]:
    """The user's journal entries as CSV text chunks (header first), oldest first."""
    await check_filters(
        session=session, user_id=user_id, account_id=account_id, start=start, end=end
    )
    trade_ids = _trade_filters(
        select(Trade.id).where(col(Trade.user_id) == user_id), account_id, start, end
    )
    days: Any = col(JournalEntry.day).is_not(None)
    if start is not None:
        days = days & (col(JournalEntry.day) >= start)
    if end is not None:
        days = days & (col(JournalEntry.day) <= end)
    on_trade = (col(Trade.id) == JournalEntry.trade_id) & (col(Trade.user_id) == user_id)
    query: Any = (
        select(JournalEntry, Trade.uid)
        .outerjoin(Trade, on_trade)
        .where(col(JournalEntry.user_id) == user_id)
        .where(col(JournalEntry.trade_id).in_(trade_ids) | days)
        .order_by(col(JournalEntry.id))
        .execution_options(yield_per=BATCH)
    )
    result = await session.stream(query)

    def records(batch: Sequence[Any]) -> list[JournalRecord]:
        return [
            JournalRecord(
                uid=entry.uid,
                trade_uid=trade_uid or "",
                day=entry.day,
                notes=entry.notes,
                tags=tuple(entry.tags or ()),
                mistakes=tuple(entry.mistakes or ()),
                rating=entry.rating,
            )
            for entry, trade_uid in batch
        ]

    async for chunk in _csv_chunks(result.partitions(), records, iter_journal_csv):
        yield chunk


async def trades_csv(
    *,
    session: AsyncSession,
    user_id: int,
    account_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> str:
    """`iter_trades_csv` as one string."""
    chunks = iter_trades_csv(
        session=session, user_id=user_id, account_id=account_id, start=start, end=end
    )
    return "".join([chunk async for chunk in chunks])


async def journal_csv(
    *,
    session: AsyncSession,
    user_id: int,
    account_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> str:
    """`iter_journal_entries_csv` as one string."""
    chunks = iter_journal_entries_csv(
        session=session, user_id=user_id, account_id=account_id, start=start, end=end
    )
    return "".join([chunk async for chunk in chunks])
