"""A user's watchlist: instruments and timeframes to scan for trendlines."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.domain.bars import Timeframe
from trendedge.models.trendline import WatchlistItem
from trendedge.services.bars import normalise_instrument
from trendedge.services.errors import ConflictError, InvalidInputError
from trendedge.services.tenancy import get_owned, new_owned, owned_by


def _timeframe(value: str) -> str:
    try:
        return Timeframe.parse(value).value
    except ValueError as exc:
        choices = ", ".join(t.value for t in Timeframe)
        raise InvalidInputError(
            "Unknown timeframe", details={"timeframe": f"choose one of {choices}"}
        ) from exc


async def list_items(*, session: AsyncSession, user_id: int) -> list[WatchlistItem]:
    query = owned_by(WatchlistItem, user_id=user_id).order_by(
        col(WatchlistItem.instrument), col(WatchlistItem.timeframe)
    )
    return list((await session.exec(query)).all())


async def add_item(
    *,
    session: AsyncSession,
    user_id: int,
    instrument: str,
    timeframe: str,
    alerts_enabled: bool = True,
) -> WatchlistItem:
    """Watch (instrument, timeframe); ConflictError when already watched."""
    item = new_owned(
        WatchlistItem,
        user_id=user_id,
        instrument=normalise_instrument(instrument),
        timeframe=_timeframe(timeframe),
        alerts_enabled=alerts_enabled,
    )
    session.add(item)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise ConflictError(
            f"{item.instrument} {item.timeframe} is already on your watchlist",
            details={"instrument": "already watched"},
        ) from exc
    return item


async def set_alerts(
    *, session: AsyncSession, user_id: int, item_id: int, enabled: bool
) -> WatchlistItem:
    item = await get_owned(session, WatchlistItem, user_id=user_id, row_id=item_id)
    item.alerts_enabled = enabled
    session.add(item)
    await session.flush()
    return item


async def remove_item(*, session: AsyncSession, user_id: int, item_id: int) -> None:
    item = await get_owned(session, WatchlistItem, user_id=user_id, row_id=item_id)
    await session.delete(item)
    await session.flush()


async def watched_pairs(*, session: AsyncSession) -> list[tuple[str, str]]:
    """Every (instrument, timeframe) somebody watches, once (scans are shared)."""
    query = select(WatchlistItem.instrument, WatchlistItem.timeframe).distinct()
    return [(i, t) for i, t in (await session.exec(query)).all()]


async def watchers(
    *, session: AsyncSession, instrument: str, timeframe: str, alerts_only: bool = True
) -> list[int]:
    """User ids watching (instrument, timeframe) (with alerts on, by default)."""
    query = select(WatchlistItem.user_id).where(
        WatchlistItem.instrument == instrument, WatchlistItem.timeframe == timeframe
    )
    if alerts_only:
        query = query.where(col(WatchlistItem.alerts_enabled).is_(True))
    return list((await session.exec(query)).all())
