"""Live updates: a per-tab background listener on the signed-in user's event channel.

`listen` is started by the on_load of the trading and trendlines pages. It
subscribes to the user's own Redis channel only, refreshes TrendlinesState on
"scan" and "trendline_alert" events (when that page was loaded in the tab) and
TradingState and SignalsState on every other event, and toasts what happened
(not successful scans: the page shows those). One listener per tab: a newer `listen` takes
over (the older one sees it is no longer the owner and stops), and a listener
stops by itself once the tab's websocket is gone.
"""

from __future__ import annotations

import functools
import time
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from trendedge.logging import get_logger
from trendedge.redis_client import async_redis
from trendedge.services import events
from trendedge.services.signal_processing import FILL_EVENT
from trendedge.state.analytics import AnalyticsState
from trendedge.state.auth import AuthState
from trendedge.state.signals import SignalsState
from trendedge.state.trading import TradingState, fmt_price, fmt_qty
from trendedge.state.trendline_rows import fmt_like
from trendedge.state.trendlines import TrendlinesState

log = get_logger("trendedge.live")

# Event types published by jobs.scans (not imported: jobs import services).
SCAN_EVENT = "scan"
ALERT_EVENT = "trendline_alert"
TRENDLINE_EVENTS = frozenset({SCAN_EVENT, ALERT_EVENT})

WAIT_S = 1.0
HEARTBEAT_S = 5.0


def _decimal_text(value: Any, fmt: Any) -> str:
    try:
        return fmt(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)


def _line_price_text(data: dict[str, Any]) -> str:
    """An alert's line price with as many decimals as its close price."""
    try:
        return fmt_like(Decimal(str(data["line_price"])), Decimal(str(data.get("price", "0.01"))))
    except (KeyError, InvalidOperation, ValueError):
        return str(data.get("line_price", ""))


def event_message(event: dict[str, Any]) -> tuple[str, str]:
    """(level, text) of the toast for an event: "success"/"info"/"error", or ""
    for an event that is only shown on its page (no toast)."""
    data = event.get("data") or {}
    status = str(data.get("status", ""))
    if event.get("type") == ALERT_EVENT:
        price = _decimal_text(data.get("price", ""), fmt_price)
        line = _line_price_text(data)
        what = "broke" if data.get("event") == "break" else "touched"
        pair = f"{data.get('instrument', '')} {data.get('timeframe', '')}"
        level = "error" if data.get("event") == "break" else "info"
        return level, f"{pair}: price {what} a trendline at {line} (close {price})"
    if event.get("type") == SCAN_EVENT:
        if status == "failed":
            return "error", f"Scan failed: {data.get('error', '')}"
        if status == "queued":
            return "", "Scan failed; it will be retried"
        return "", f"Scan {status}: {data.get('lines', 0)} lines, {data.get('alerts', 0)} alerts"
    if event.get("type") == FILL_EVENT and "price" in data:
        side = str(data.get("side", "")).upper()
        qty = _decimal_text(data.get("quantity", ""), fmt_qty)
        price = _decimal_text(data.get("price", ""), fmt_price)
        return "success", f"Filled: {side} {qty} {data.get('root', '')} @ {price}"
    reason = str(data.get("reason", "") or "")
    text = f"Signal {status}" + (f": {reason}" if reason else "")
    return ("error" if status in {"rejected", "failed"} else "info"), text


def toast_for(event: dict[str, Any]) -> EventSpec | None:
    """The toast for an event, or None when it gets none."""
    level, text = event_message(event)
    if not level:
        return None
    if level == "success":
        return rx.toast.success(text)
    if level == "error":
        return rx.toast.error(text)
    return rx.toast.info(text)


@functools.cache
def _app() -> rx.App:
    """The running app, found once (get_app grows sys.path on every call)."""
    from reflex.utils.prerequisites import get_and_validate_app

    return get_and_validate_app().app


def tab_connected(client_token: str) -> bool:
    """Whether the tab with `client_token` still has a websocket on this server."""
    namespace = _app().event_namespace
    return namespace is not None and client_token in namespace.token_to_sid


class LiveState(rx.State):
    """Whether this tab receives live updates, and the last thing that happened."""

    live: bool = False
    last_event: str = ""
    events_seen: int = 0
    _owner: str = ""
    _beat: float = 0.0

    async def _still_signed_in(self, user_id: int) -> bool:
        """The tab's session still belongs to `user_id` (caller holds the state lock)."""
        auth = await self.get_state(AuthState)
        return await auth.signed_in_user_id() == user_id

    async def _refresh_pages(self, user_id: int, event_type: str) -> None:
        """Reload the data of the pages the event is about (caller holds the state lock)."""
        if event_type in TRENDLINE_EVENTS:
            trendlines = await self.get_state(TrendlinesState)
            if trendlines.loaded:
                await trendlines._refresh(user_id)
            return
        trading = await self.get_state(TradingState)
        await trading._reload(user_id)
        signals = await self.get_state(SignalsState)
        await signals._reload(user_id)
        dashboard = await self.get_state(AnalyticsState)
        if dashboard.loaded and event_type == FILL_EVENT:
            await dashboard._refresh(user_id)

    @rx.event(background=True)
    async def listen(self):
        """Follow the user's event channel until the tab goes away or a newer listener starts."""
        me = uuid.uuid4().hex
        async with self:
            auth = await self.get_state(AuthState)
            user_id = await auth.signed_in_user_id()
            if user_id is None:
                return
            self._owner, self._beat, self.live = me, time.time(), True
        client_token = self.router.session.client_token
        try:
            async with events.subscription(async_redis(), user_id=user_id) as pubsub:
                while tab_connected(client_token):
                    event = await events.next_event(pubsub, wait_s=WAIT_S)
                    if event is None and time.time() - self._beat < HEARTBEAT_S:
                        continue
                    async with self:
                        if self._owner != me:
                            return
                        self._beat = time.time()
                        if event is None:
                            continue
                        if not await self._still_signed_in(user_id):
                            self._owner, self.live = "", False
                            return
                        await self._refresh_pages(user_id, str(event.get("type", "")))
                        level_text = event_message(event)[1]
                        self.last_event, self.events_seen = level_text, self.events_seen + 1
                    toast = toast_for(event)
                    if toast is not None:
                        yield toast
        except Exception as exc:  # Redis gone: the page still works, just not live
            log.warning("live_listener_stopped", user_id=user_id, error=type(exc).__name__)
        async with self:
            if self._owner == me:
                self._owner, self.live = "", False
