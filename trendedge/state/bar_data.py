"""`/trendlines`, getting bars in: the stored-bars coverage list (with a quick
"watch"), the bundled sample and the CSV upload of bars.

Thin: reads and writes go through `services.bars` and `services.sample_loader`.
The watchlist and chart stay in TrendlinesState: handlers here fetch it with
`get_state` and call its plain helpers (`_add`, `_reload_chart`), never its
event handlers. TrendlinesState `_refresh` calls `_reload_coverage`, so the
coverage list is filled on page load and its "watched" marks follow every
watchlist change (including LiveState refreshes).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import reflex as rx

from trendedge.db import session_scope
from trendedge.services import bars as bar_service
from trendedge.services import sample_loader
from trendedge.services.errors import ServiceError
from trendedge.state.auth import AuthState, require_user_id
from trendedge.state.trendline_rows import CoverageRow, IssueRow, issue_row, pair_key
from trendedge.state.trendlines import TrendlinesState

UPLOAD_ID = "bars-upload"
NO_CSV_FIELD_ERRORS = {"instrument": "", "timeframe": "", "file": ""}


class BarDataState(rx.State):
    """The "Market data" card on /trendlines: what bars are stored and adding more."""

    coverage: list[CoverageRow] = []
    sample_busy: bool = False
    csv_instrument: str = ""
    csv_timeframe: str = "1h"
    csv_busy: bool = False
    csv_errors: list[IssueRow] = []
    csv_warnings: list[IssueRow] = []
    csv_summary: str = ""
    csv_field_errors: dict[str, str] = NO_CSV_FIELD_ERRORS

    async def _user(self) -> int | None:
        return await require_user_id(self)

    async def _signin(self):
        return (await self.get_state(AuthState)).signin_redirect()

    async def _trendlines(self) -> TrendlinesState:
        return await self.get_state(TrendlinesState)

    async def _reload_coverage(self, watched: Collection[str]) -> None:
        """Re-read the stored bars per pair; `watched` are the watchlist's pair keys."""
        async with session_scope() as session:
            found = await bar_service.instruments_with_bars(session=session)
        self.coverage = [
            CoverageRow(
                key=pair_key(c.instrument, c.timeframe.value),
                instrument=c.instrument,
                timeframe=c.timeframe.value,
                count=f"{c.count:,}",
                span=f"{c.first_ts:%Y-%m-%d} → {c.last_ts:%Y-%m-%d}",
                watched=pair_key(c.instrument, c.timeframe.value) in watched,
            )
            for c in found
        ]

    @rx.event
    async def watch_pair(self, instrument: str, timeframe: str):
        """Add a pair that has bars (from the data card) to the watchlist."""
        return await (await self._trendlines())._add(instrument, timeframe)

    @rx.event(background=True)
    async def load_sample(self):
        """Store the bundled sample series (takes a few seconds)."""
        async with self:
            if self.sample_busy:
                return
            user_id = await self._user()
            if user_id is None:
                return
            self.sample_busy = True
        try:
            async with session_scope() as session:
                loaded = await sample_loader.load_sample_bars(session=session)
        except ServiceError as exc:
            async with self:
                self.sample_busy = False
            yield rx.toast.error(exc.message)
            return
        async with self:
            self.sample_busy = False
            trendlines = await self._trendlines()
            await self._reload_coverage(trendlines._watched_keys())
            await trendlines._reload_chart(user_id)
        text = ", ".join(f"{s.instrument} {s.timeframe} ({s.bars:,} bars)" for s in loaded)
        yield rx.toast.success(f"Sample loaded: {text}")

    @rx.event
    def set_csv_instrument(self, value: str):
        self.csv_instrument = value
        self.csv_field_errors = {**self.csv_field_errors, "instrument": ""}

    @rx.event
    def set_csv_timeframe(self, value: str):
        self.csv_timeframe = value

    async def _import_csv(self, user_id: int, files: list[rx.UploadFile]) -> list[Any]:
        """Import the first file; the events to send back (toasts, clearing the picker)."""
        self.csv_errors, self.csv_warnings, self.csv_summary = [], [], ""
        self.csv_field_errors = dict(NO_CSV_FIELD_ERRORS)
        if not files:
            self.csv_field_errors = {**self.csv_field_errors, "file": "choose a CSV file"}
            return []
        raw = await files[0].read()
        try:
            async with session_scope() as session:
                result = await sample_loader.import_bars_csv(
                    session=session,
                    instrument=self.csv_instrument,
                    timeframe=self.csv_timeframe,
                    raw=raw,
                )
        except ServiceError as exc:
            self.csv_field_errors = {
                **self.csv_field_errors,
                **(exc.details or {"file": exc.message}),
            }
            return []
        self.csv_errors = [issue_row(i) for i in result.errors]
        self.csv_warnings = [issue_row(i) for i in result.warnings]
        pair = pair_key(result.instrument, result.timeframe)
        if result.errors:
            self.csv_summary = (
                f"Nothing imported: {len(result.errors)} line(s) have errors. Fix them and retry."
            )
            return [rx.clear_selected_files(UPLOAD_ID)]
        self.csv_summary = (
            f"Imported {result.rows:,} bars of {pair} ({result.written:,} new or changed)"
        )
        trendlines = await self._trendlines()
        await self._reload_coverage(trendlines._watched_keys())
        if pair == trendlines.selected:
            await trendlines._reload_chart(user_id)
        return [rx.clear_selected_files(UPLOAD_ID), rx.toast.success(self.csv_summary)]

    @rx.event
    async def upload_csv(self, files: list[rx.UploadFile]):
        """Import the chosen CSV: all its bars, or none and the errors by line."""
        user_id = await self._user()
        if user_id is None:
            yield await self._signin()
            return
        self.csv_busy = True
        yield
        try:
            for event in await self._import_csv(user_id, files):
                yield event
        finally:
            self.csv_busy = False
