"""`/signals`: the log of received webhook signals, filterable by status."""

from __future__ import annotations

import dataclasses
import json

import reflex as rx

from trendedge.db import session_scope
from trendedge.models import Signal, SignalStatus
from trendedge.services import trading_views
from trendedge.state.auth import require_user_id
from trendedge.state.trading import fmt_time

ALL = "all"
STATUS_FILTERS: list[str] = [ALL, *(s.value for s in SignalStatus)]


@dataclasses.dataclass
class SignalRow:
    id: int
    received_at: str
    status: str
    action: str
    ticker: str
    reason: str
    payload_json: str


def signal_row(signal: Signal) -> SignalRow:
    assert signal.id is not None
    return SignalRow(
        id=signal.id,
        received_at=fmt_time(signal.received_at),
        status=str(signal.status),
        action=signal.action,
        ticker=signal.ticker,
        reason=signal.reason,
        payload_json=json.dumps(signal.payload, indent=2, ensure_ascii=False, default=str),
    )


def status_of(value: str) -> SignalStatus | None:
    """The status to filter by; None for "all" or anything unknown."""
    try:
        return SignalStatus(value)
    except ValueError:
        return None


class SignalsState(rx.State):
    """The latest signals of the user (newest first); LiveState refreshes it."""

    rows: list[SignalRow] = []
    status_filter: str = ALL
    loaded: bool = False

    async def _reload(self, user_id: int) -> None:
        """Re-read the log for `user_id` with the current filter."""
        async with session_scope() as session:
            found = await trading_views.recent_signals(
                session=session, user_id=user_id, status=status_of(self.status_filter)
            )
        self.rows = [signal_row(s) for s in found]
        self.loaded = True

    @rx.event
    async def load(self):
        user_id = await require_user_id(self)
        if user_id is not None:
            await self._reload(user_id)

    @rx.event
    async def filter_by_status(self, value: str):
        self.status_filter = value if value in STATUS_FILTERS else ALL
        user_id = await require_user_id(self)
        if user_id is not None:
            await self._reload(user_id)
