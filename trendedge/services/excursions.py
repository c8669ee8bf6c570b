"""MAE / MFE of a user's closed trades from stored bars (the maths: domain/excursions.py).

For each trade the finest timeframe whose bars cover its holding period is used; the
bars are looked up under the trade's contract root first (`ES`), then its symbol
(`SPY`). Trades no series covers keep `mae`/`mfe` NULL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import redis.asyncio as aioredis
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.db import session_scope
from trendedge.domain.bars import Timeframe
from trendedge.domain.contracts import UnknownSymbolError, resolve_symbol
from trendedge.domain.excursions import trade_excursions
from trendedge.logging import get_logger
from trendedge.models import Trade
from trendedge.services import analytics_cache
from trendedge.services.bars import MAX_INSTRUMENT_LENGTH, load_bars
from trendedge.services.tenancy import owned_by

log = get_logger("trendedge.excursions")

FINEST_FIRST = tuple(sorted(Timeframe, key=lambda tf: tf.duration))
MAX_SPAN = timedelta(days=7)
"""Trades are grouped into bar loads spanning at most this long (plus one trade)."""
_QUANT = Decimal("0.0001")


def point_value(trade: Trade) -> float:
    """Money per 1.0 price move per unit: the contract's, else derived from the trade's
    gross P&L, else 1 (a share-like instrument)."""
    for ticker in (trade.symbol, trade.root):
        try:
            return float(resolve_symbol(ticker).point_value)
        except UnknownSymbolError:
            continue
    move = (trade.exit_price - trade.entry_price) * trade.quantity
    if trade.direction == "short":
        move = -move
    if move != 0 and trade.gross_pnl != 0:
        derived = float(trade.gross_pnl / move)
        if derived > 0:
            return derived
    return 1.0


def _bar_names(trade: Trade) -> list[str]:
    names: list[str] = []
    for raw in (trade.root, trade.symbol):
        name = (raw or "").strip().upper()
        if name and len(name) <= MAX_INSTRUMENT_LENGTH and name not in names:
            names.append(name)
    return names


def _times(values: list[datetime]) -> np.ndarray:
    return np.array([v.astimezone(UTC).replace(tzinfo=None) for v in values], "datetime64[us]")


def _chunks(trades: list[Trade]) -> list[list[Trade]]:
    """Trades (sorted by entry) in groups whose bar span stays near MAX_SPAN."""
    out: list[list[Trade]] = []
    for trade in sorted(trades, key=lambda t: t.entry_time):
        if out and max(t.exit_time for t in out[-1]) - out[-1][0].entry_time < MAX_SPAN:
            out[-1].append(trade)
        else:
            out.append([trade])
    return out


async def _fill_from_series(
    session: AsyncSession, trades: list[Trade], instrument: str, timeframe: Timeframe
) -> list[Trade]:
    """Set mae/mfe of the trades this series covers; returns the ones it does not."""
    bars = await load_bars(
        session=session,
        instrument=instrument,
        timeframe=timeframe,
        start=min(t.entry_time for t in trades) - timeframe.duration,
        end=max(t.exit_time for t in trades) + timedelta(microseconds=1),
    )
    if len(bars) == 0:
        return trades
    result = trade_excursions(
        bar_ts=bars.ts,
        bar_low=bars.low,
        bar_high=bars.high,
        bar_seconds=timeframe.duration.total_seconds(),
        entry_time=_times([t.entry_time for t in trades]),
        exit_time=_times([t.exit_time for t in trades]),
        entry_price=[float(t.entry_price) for t in trades],
        exit_price=[float(t.exit_price) for t in trades],
        direction=[-1 if t.direction == "short" else 1 for t in trades],
        multiplier=[float(t.quantity) * point_value(t) for t in trades],
    )
    missing = []
    for i, trade in enumerate(trades):
        if result.covered[i]:
            trade.mae = Decimal(repr(float(result.mae[i]))).quantize(_QUANT) + 0
            trade.mfe = Decimal(repr(float(result.mfe[i]))).quantize(_QUANT) + 0
            session.add(trade)
        else:
            missing.append(trade)
    return missing


async def fill_excursions(session: AsyncSession, *, user_id: int, trade_ids: Sequence[int]) -> int:
    """Compute and store mae/mfe of the user's trades `trade_ids` where bars cover them;
    returns how many were set. Other users' ids are ignored; nothing is committed here."""
    if not trade_ids:
        return 0
    query = owned_by(Trade, user_id=user_id).where(col(Trade.id).in_(list(trade_ids)))
    trades = list((await session.exec(query)).all())
    by_names: dict[tuple[str, ...], list[Trade]] = defaultdict(list)
    for trade in trades:
        by_names[tuple(_bar_names(trade))].append(trade)
    done = 0
    for names, group in by_names.items():
        for chunk in _chunks(group):
            pending = chunk
            for name in names:
                for timeframe in FINEST_FIRST:
                    if not pending:
                        break
                    pending = await _fill_from_series(session, pending, name, timeframe)
            done += len(chunk) - len(pending)
    return done


async def after_trades_closed(
    *,
    user_id: int,
    trade_ids: Sequence[int],
    engine: AsyncEngine | None = None,
    redis_client: aioredis.Redis | None = None,
) -> None:
    """Hook for code that just committed closed trades: fill their MAE/MFE (own
    transaction), then invalidate the user's analytics cache. A failure to compute
    excursions is logged, never raised: the trades themselves are already safe."""
    try:
        async with session_scope(engine) as session:
            await fill_excursions(session, user_id=user_id, trade_ids=trade_ids)
    except Exception as exc:
        log.warning("excursions_failed", user_id=user_id, error=type(exc).__name__)
    await analytics_cache.invalidate(user_id=user_id, client=redis_client)
