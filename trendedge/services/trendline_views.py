"""What the Trendlines page reads and writes, scoped to the signed-in user.

Lines and scans are shared market data, but a user sees them only for the
(instrument, timeframe) pairs on their own watchlist: every read of a pair's
lines, and every preference change, first checks the watchlist through the
tenancy layer and raises `NotFoundError` otherwise (a pair nobody showed you
looks the same as a pair that does not exist). Preferences and alerts are
tenant rows (`user_id`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import tuple_
from sqlalchemy.dialects.postgresql import distinct_on
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.domain.bars import Timeframe
from trendedge.models.trendline import (
    ScanRun,
    Trendline,
    TrendlineAlert,
    TrendlinePreference,
    WatchlistItem,
)
from trendedge.services.bars import BarArrays, load_bars, normalise_instrument
from trendedge.services.errors import NotFoundError
from trendedge.services.tenancy import new_owned, owned_by
from trendedge.services.watchlists import list_items

DEFAULT_BARS = 500
MAX_BARS = 5000
MAX_LINES = 200


@dataclass(frozen=True, slots=True)
class LineView:
    """A stored line as one user sees it (with their hidden/favourite choice)."""

    id: int
    kind: str
    anchor1_ts: datetime
    anchor1_price: float
    anchor2_ts: datetime
    anchor2_price: float
    slope_per_bar: float
    touches: tuple[datetime, ...]
    score: float
    status: str
    broken_at: datetime | None
    hidden: bool
    favourite: bool


@dataclass(frozen=True, slots=True)
class ChartData:
    """Bars of a watched pair (oldest first) and the pair's lines.

    `bars` reach back to the earliest anchor of the lines (at most `MAX_BARS`)
    so every line can be drawn from its first anchor; `visible_bars` is how many
    of the newest bars to show at first.
    """

    instrument: str
    timeframe: str
    bars: BarArrays
    lines: list[LineView]
    visible_bars: int


async def watched_item(
    *, session: AsyncSession, user_id: int, instrument: str, timeframe: str
) -> WatchlistItem:
    """The user's watchlist entry for the pair, else `NotFoundError`."""
    name = normalise_instrument(instrument)
    try:
        tf = Timeframe.parse(timeframe).value
    except ValueError:
        raise NotFoundError(f"{name} {timeframe} is not on your watchlist") from None
    query = owned_by(WatchlistItem, user_id=user_id).where(
        WatchlistItem.instrument == name, WatchlistItem.timeframe == tf
    )
    item = (await session.exec(query)).first()
    if item is None:
        raise NotFoundError(f"{name} {tf} is not on your watchlist")
    return item


def _touch_times(values: list[Any]) -> tuple[datetime, ...]:
    times = []
    for value in values:
        try:
            when = datetime.fromisoformat(str(value))
        except ValueError:
            continue
        times.append(when if when.tzinfo else when.replace(tzinfo=UTC))
    return tuple(sorted(times))


def _view(line: Trendline, pref: TrendlinePreference | None) -> LineView:
    assert line.id is not None
    return LineView(
        id=line.id,
        kind=line.kind,
        anchor1_ts=line.anchor1_ts,
        anchor1_price=float(line.anchor1_price),
        anchor2_ts=line.anchor2_ts,
        anchor2_price=float(line.anchor2_price),
        slope_per_bar=float(line.slope_per_bar),
        touches=_touch_times(line.touches),
        score=line.score,
        status=line.status,
        broken_at=line.broken_at,
        hidden=bool(pref and pref.hidden),
        favourite=bool(pref and pref.favourite),
    )


async def _preferences(
    session: AsyncSession, user_id: int, line_ids: list[int]
) -> dict[int, TrendlinePreference]:
    if not line_ids:
        return {}
    query = owned_by(TrendlinePreference, user_id=user_id).where(
        col(TrendlinePreference.trendline_id).in_(line_ids)
    )
    return {p.trendline_id: p for p in (await session.exec(query)).all()}


async def chart_data(
    *,
    session: AsyncSession,
    user_id: int,
    instrument: str,
    timeframe: str,
    bars_limit: int = DEFAULT_BARS,
) -> ChartData:
    """The newest `bars_limit` bars (more when a line's anchor is older, up to
    `MAX_BARS`) and the pair's lines (active first, best score first, at most
    `MAX_LINES`) with this user's preferences.

    `NotFoundError` unless the user watches (instrument, timeframe).
    """
    item = await watched_item(
        session=session, user_id=user_id, instrument=instrument, timeframe=timeframe
    )
    visible = max(1, min(bars_limit, MAX_BARS))
    query = (
        select(Trendline)
        .where(Trendline.instrument == item.instrument, Trendline.timeframe == item.timeframe)
        .order_by(
            col(Trendline.status) != "active",
            col(Trendline.score).desc(),
            col(Trendline.id),
        )
        .limit(MAX_LINES)
    )
    lines = list((await session.exec(query)).all())
    prefs = await _preferences(session, user_id, [line.id for line in lines if line.id])
    views = [_view(line, prefs.get(line.id or 0)) for line in lines]
    bars = await load_bars(
        session=session, instrument=item.instrument, timeframe=item.timeframe, limit=visible
    )
    shown = [v.anchor1_ts for v in views if not v.hidden]
    if len(bars) and shown and np.datetime64(_naive(min(shown)), "us") < bars.ts[0]:
        bars = await load_bars(
            session=session,
            instrument=item.instrument,
            timeframe=item.timeframe,
            start=min(shown),
            limit=MAX_BARS,
        )
    return ChartData(item.instrument, item.timeframe, bars, views, min(visible, len(bars)))


def _naive(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)


async def set_preference(
    *,
    session: AsyncSession,
    user_id: int,
    trendline_id: int,
    hidden: bool | None = None,
    favourite: bool | None = None,
) -> TrendlinePreference:
    """Set this user's hidden and/or favourite flag of a line (None leaves it).

    `NotFoundError` when the line does not exist or its pair is not watched.
    """
    line = await session.get(Trendline, trendline_id)
    if line is None:
        raise NotFoundError(f"Trendline {trendline_id} not found")
    try:
        await watched_item(
            session=session, user_id=user_id, instrument=line.instrument, timeframe=line.timeframe
        )
    except NotFoundError:
        raise NotFoundError(f"Trendline {trendline_id} not found") from None
    prefs = await _preferences(session, user_id, [trendline_id])
    pref = prefs.get(trendline_id) or new_owned(
        TrendlinePreference, user_id=user_id, trendline_id=trendline_id
    )
    if hidden is not None:
        pref.hidden = hidden
    if favourite is not None:
        pref.favourite = favourite
    session.add(pref)
    await session.flush()
    return pref


async def recent_alerts(
    *, session: AsyncSession, user_id: int, limit: int = 50
) -> list[TrendlineAlert]:
    """The user's newest line alerts, newest first."""
    query = (
        owned_by(TrendlineAlert, user_id=user_id)
        .order_by(col(TrendlineAlert.created_at).desc(), col(TrendlineAlert.id).desc())
        .limit(max(0, limit))
    )
    return list((await session.exec(query)).all())


async def latest_scans(*, session: AsyncSession, user_id: int) -> dict[tuple[str, str], ScanRun]:
    """The newest scan of each pair on the user's watchlist, by (instrument, timeframe);
    pairs never scanned are absent."""
    pairs = [
        (i.instrument, i.timeframe) for i in await list_items(session=session, user_id=user_id)
    ]
    if not pairs:
        return {}
    query = (
        select(ScanRun)
        .where(tuple_(col(ScanRun.instrument), col(ScanRun.timeframe)).in_(pairs))
        .ext(distinct_on(col(ScanRun.instrument), col(ScanRun.timeframe)))
        .order_by(
            col(ScanRun.instrument),
            col(ScanRun.timeframe),
            col(ScanRun.queued_at).desc(),
            col(ScanRun.id).desc(),
        )
    )
    return {(s.instrument, s.timeframe): s for s in (await session.exec(query)).all()}
