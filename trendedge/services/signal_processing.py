"""Process one accepted signal end to end: execute in one transaction, then publish."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import redis.asyncio as aioredis
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.db import session_scope
from trendedge.models import Signal, SignalStatus
from trendedge.models._base import utcnow
from trendedge.services import events
from trendedge.services.excursions import after_trades_closed
from trendedge.services.paper_trading import Execution, execute_signal, mark_failed

FILL_EVENT = "fill"
SIGNAL_EVENT = "signal"


def execution_event(result: Execution) -> dict[str, Any]:
    """The live event payload of an execution (no secrets, ids and figures only)."""
    data: dict[str, Any] = {
        "signal_id": result.signal_id,
        "status": result.status.value,
        "reason": result.reason,
    }
    if result.fill is not None:
        data.update(
            fill_id=result.fill.id,
            root=result.fill.root,
            side=result.fill.side,
            quantity=str(result.fill.quantity),
            price=str(result.fill.price),
        )
    if result.position is not None:
        data["position_quantity"] = str(result.position.quantity)
    data["closed_trades"] = len(result.trades)
    return data


async def process_signal(
    *, signal_id: int, engine: AsyncEngine | None, redis_client: aioredis.Redis | None
) -> Execution | None:
    """Execute `signal_id` (idempotent) and tell the user's open pages."""
    async with session_scope(engine) as session:
        result = await execute_signal(session=session, signal_id=signal_id)
    if result is not None and result.trades:  # MAE/MFE + fresh analytics before the event
        await after_trades_closed(
            user_id=result.user_id,
            trade_ids=[t.id for t in result.trades if t.id is not None],
            engine=engine,
            redis_client=redis_client,
        )
    if result is not None and redis_client is not None:
        kind = FILL_EVENT if result.fill is not None else SIGNAL_EVENT
        await events.publish(
            redis_client, user_id=result.user_id, event_type=kind, data=execution_event(result)
        )
    return result


async def fail_signal(
    *, signal_id: int, reason: str, engine: AsyncEngine | None, redis_client: aioredis.Redis | None
) -> None:
    """Record that `signal_id` could not be processed, and show it to the user."""
    async with session_scope(engine) as session:
        user_id = await mark_failed(session=session, signal_id=signal_id, reason=reason)
    if user_id is not None and redis_client is not None:
        await events.publish(
            redis_client,
            user_id=user_id,
            event_type=SIGNAL_EVENT,
            data={"signal_id": signal_id, "status": "failed", "reason": reason},
        )


async def stale_accepted(*, session: AsyncSession, older_than: timedelta) -> list[int]:
    """Accepted signals nobody finished (e.g. a worker died): ids to process again."""
    query = select(Signal.id).where(
        Signal.status == SignalStatus.accepted, col(Signal.received_at) < utcnow() - older_than
    )
    return [i for i in (await session.exec(query)).all() if i is not None]
