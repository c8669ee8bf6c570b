"""`/trendlines`: the user's watchlist, scans, the chart of the selected pair with
its lines, line preferences and alerts. Getting bars in (coverage, sample, CSV)
is `trendedge.state.bar_data.BarDataState`, which calls the plain helpers here
(`_add`, `_reload_chart`, `_watched_keys`).

Thin: every read and write goes through `services.trendline_views`,
`services.watchlists` and `jobs.scans`. LiveState calls `_refresh` on "scan"
and "trendline_alert" events; `_refresh` also reloads BarDataState's coverage
list. While a scan of the selected pair is in flight `poll_scan` re-reads its
status every 2 s as a fallback for a missed event.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import plotly.graph_objects as go
import reflex as rx

from components.charts import candlestick_figure, empty_figure
from trendedge.db import session_scope
from trendedge.domain.bars import Timeframe
from trendedge.services import trendline_views, watchlists
from trendedge.services.errors import NotFoundError, ServiceError
from trendedge.state.auth import AuthState, require_user_id
from trendedge.state.trendline_rows import (
    AlertRow,
    LineRow,
    WatchRow,
    alert_row,
    line_row,
    pair_key,
    watch_row,
)

TIMEFRAMES: list[str] = [tf.value for tf in Timeframe]
IN_FLIGHT = ("queued", "running")
POLL_S = 2.0
MAX_POLLS = 300  # 10 minutes
NO_FIELD_ERRORS = {"instrument": "", "timeframe": ""}


class TrendlinesState(rx.State):
    """Everything on /trendlines for the signed-in user."""

    loaded: bool = False
    items: list[WatchRow] = []
    selected: str = ""
    new_instrument: str = ""
    new_timeframe: str = "1h"
    field_errors: dict[str, str] = NO_FIELD_ERRORS

    figure: go.Figure = empty_figure("Select a pair on your watchlist")
    chart_note: str = ""
    lines: list[LineRow] = []
    alerts: list[AlertRow] = []

    scan_status: str = ""
    scan_detail: str = ""
    scan_error: str = ""

    _poller: str = ""

    @rx.var
    def scanning(self) -> bool:
        return self.scan_status in IN_FLIGHT

    @rx.var
    def selected_row(self) -> WatchRow | None:
        return next((row for row in self.items if row.key == self.selected), None)

    @rx.var
    def can_scan(self) -> bool:
        """The selected pair is watched and no scan of it is in flight."""
        return not self.scanning and any(row.key == self.selected for row in self.items)

    # ------------------------------------------------------------- loading

    def _selected_pair(self) -> tuple[str, str] | None:
        instrument, _, timeframe = self.selected.partition(" ")
        return (instrument, timeframe) if instrument and timeframe else None

    async def _reload_watchlist(self, user_id: int) -> None:
        async with session_scope() as session:
            items = await watchlists.list_items(session=session, user_id=user_id)
            scans = await trendline_views.latest_scans(session=session, user_id=user_id)
            alerts = await trendline_views.recent_alerts(session=session, user_id=user_id)
        self.items = [watch_row(i, scans.get((i.instrument, i.timeframe))) for i in items]
        self.alerts = [alert_row(a) for a in alerts]
        if self.selected == "" and self.items:
            self.selected = self.items[0].key
        row = next((r for r in self.items if r.key == self.selected), None)
        self.scan_status = row.scan_status if row else ""
        self.scan_detail = row.scan_text if row else ""
        self.scan_error = row.scan_error if row else ""

    async def _reload_chart(self, user_id: int) -> None:
        """Redraw the selected pair's bars and lines (or say why there are none)."""
        pair = self._selected_pair()
        if pair is None:
            self.figure = empty_figure("Add a pair to your watchlist to see its trendlines")
            self.lines, self.chart_note = [], ""
            return
        try:
            async with session_scope() as session:
                data = await trendline_views.chart_data(
                    session=session, user_id=user_id, instrument=pair[0], timeframe=pair[1]
                )
        except NotFoundError:
            note = f"{self.selected} is not on your watchlist: add it to see its trendlines"
            self.figure, self.lines, self.chart_note = empty_figure(note), [], note
            return
        self.chart_note = ""
        self.figure = candlestick_figure(
            data.bars,
            data.lines,
            revision=pair_key(data.instrument, data.timeframe),
            visible_bars=data.visible_bars,
            empty_message=f"No {self.selected} bars stored: load the sample or upload a CSV",
        )
        intraday = Timeframe.parse(data.timeframe).intraday
        self.lines = [line_row(line, intraday=intraday) for line in data.lines]

    def _watched_keys(self) -> set[str]:
        """The pair keys ("NQ 1h") on the watchlist."""
        return {row.key for row in self.items}

    async def _refresh(self, user_id: int) -> None:
        """Re-read the watchlist, scans, alerts, chart and BarDataState's coverage list
        (its "watched" marks follow the watchlist). LiveState calls this."""
        from trendedge.state.bar_data import BarDataState  # bar_data imports this module

        await self._reload_watchlist(user_id)
        await self._reload_chart(user_id)
        bar_data = await self.get_state(BarDataState)
        await bar_data._reload_coverage(self._watched_keys())
        self.loaded = True

    async def _user(self) -> int | None:
        return await require_user_id(self)

    async def _signin(self):
        return (await self.get_state(AuthState)).signin_redirect()

    @rx.event
    async def load(self):
        """on_load: `?instrument=NQ&timeframe=1h` selects that pair (if watched)."""
        user_id = await self._user()
        if user_id is None:
            return None
        params = self.router.url.query_parameters
        if params.get("instrument") and params.get("timeframe"):
            self.selected = pair_key(params["instrument"].strip().upper(), params["timeframe"])
        await self._refresh(user_id)
        return TrendlinesState.poll_scan if self.scanning else None

    # ------------------------------------------------------------- watchlist

    @rx.event
    def set_new_instrument(self, value: str):
        self.new_instrument = value
        self.field_errors = {**self.field_errors, "instrument": ""}

    @rx.event
    def set_new_timeframe(self, value: str):
        self.new_timeframe = value

    async def _add(self, instrument: str, timeframe: str):
        """Watch the pair and select it; the event to send back (toast, sign-in
        redirect, or None with the errors at their field). BarDataState uses it too."""
        user_id = await self._user()
        if user_id is None:
            return await self._signin()
        try:
            async with session_scope() as session:
                item = await watchlists.add_item(
                    session=session, user_id=user_id, instrument=instrument, timeframe=timeframe
                )
        except ServiceError as exc:
            self.field_errors = {**NO_FIELD_ERRORS, **(exc.details or {"instrument": exc.message})}
            return None
        self.field_errors, self.new_instrument = dict(NO_FIELD_ERRORS), ""
        self.selected = pair_key(item.instrument, item.timeframe)
        await self._refresh(user_id)
        return rx.toast.success(f"Watching {self.selected}")

    @rx.event
    async def add_item(self, _form: dict[str, Any] | None = None):
        """Watch the pair typed in the add form (errors show at their field)."""
        return await self._add(self.new_instrument, self.new_timeframe)

    @rx.event
    async def set_alerts(self, item_id: int, enabled: bool):
        user_id = await self._user()
        if user_id is None:
            return await self._signin()
        try:
            async with session_scope() as session:
                await watchlists.set_alerts(
                    session=session, user_id=user_id, item_id=item_id, enabled=enabled
                )
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        await self._reload_watchlist(user_id)
        return None

    @rx.event
    async def remove_item(self, item_id: int):
        user_id = await self._user()
        if user_id is None:
            return await self._signin()
        try:
            async with session_scope() as session:
                await watchlists.remove_item(session=session, user_id=user_id, item_id=item_id)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        if self.selected_row is not None and self.selected_row.id == item_id:
            self.selected = ""
        await self._refresh(user_id)
        return None

    @rx.event
    async def select_pair(self, key: str):
        user_id = await self._user()
        if user_id is None:
            return await self._signin()
        self.selected = key
        await self._reload_watchlist(user_id)
        await self._reload_chart(user_id)
        return TrendlinesState.poll_scan if self.scanning else None

    # ------------------------------------------------------------- scans

    @rx.event
    async def scan_now(self):
        """Queue a manual scan of the selected pair and follow it until it is done."""
        from jobs.scans import enqueue_scan, queue_pair  # jobs import services; keep it lazy

        user_id = await self._user()
        if user_id is None:
            return await self._signin()
        pair = self._selected_pair()
        if pair is None:
            return rx.toast.error("Select a pair on your watchlist first")
        try:
            async with session_scope() as session:
                item = await trendline_views.watched_item(
                    session=session, user_id=user_id, instrument=pair[0], timeframe=pair[1]
                )
        except NotFoundError as exc:
            return rx.toast.error(exc.message)
        scan_id = await queue_pair(item.instrument, item.timeframe, trigger="manual")
        if scan_id is not None:
            await asyncio.to_thread(enqueue_scan, scan_id)
        await self._reload_watchlist(user_id)
        if scan_id is None:
            return [
                rx.toast.info(f"A scan of {self.selected} is already under way"),
                TrendlinesState.poll_scan,
            ]
        return TrendlinesState.poll_scan

    @rx.event(background=True)
    async def poll_scan(self):
        """Fallback for missed live events: every 2 s while the selected pair's scan
        is in flight, re-read it; stops when it is done, the tab closes, or a
        newer poller takes over."""
        from trendedge.state.live import tab_connected  # live imports this module

        me = uuid.uuid4().hex
        async with self:
            self._poller = me
        client_token = self.router.session.client_token
        for _ in range(MAX_POLLS):
            await asyncio.sleep(POLL_S)
            if not tab_connected(client_token):
                return
            async with self:
                if self._poller != me:
                    return
                user_id = await self._user()
                if user_id is None:
                    return
                was = self.scan_status
                await self._reload_watchlist(user_id)
                if not self.scanning:
                    if was in IN_FLIGHT:
                        await self._reload_chart(user_id)
                    self._poller = ""
                    return

    # ------------------------------------------------------------- lines

    async def _set_preference(self, line_id: int, **changes: bool):
        user_id = await self._user()
        if user_id is None:
            return await self._signin()
        try:
            async with session_scope() as session:
                await trendline_views.set_preference(
                    session=session, user_id=user_id, trendline_id=line_id, **changes
                )
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        await self._reload_chart(user_id)
        return None

    @rx.event
    async def set_hidden(self, line_id: int, hidden: bool):
        return await self._set_preference(line_id, hidden=hidden)

    @rx.event
    async def set_favourite(self, line_id: int, favourite: bool):
        return await self._set_preference(line_id, favourite=favourite)
