"""The journal entry editor of one trade (`/journal/trade/[trade_id]`) or one day
(`/journal/day/[day]`): notes with a live markdown preview, tags, mistakes, rating,
screenshots."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import reflex as rx

from trendedge.db import session_scope
from trendedge.domain.images import ImageRejected
from trendedge.domain.journal_input import parse_day
from trendedge.models import JournalEntry, Screenshot
from trendedge.services import journal, screenshots
from trendedge.services.errors import NotFoundError, ServiceError
from trendedge.services.journal import TradeInfo
from trendedge.settings import get_settings
from trendedge.state.auth import AuthState, require_user_id
from trendedge.state.display_time import show_time

FIELDS = ("notes", "tags", "mistakes", "rating")
NO_ERRORS = dict.fromkeys((*FIELDS, "screenshot"), "")


@dataclasses.dataclass
class ShotView:
    id: int
    url: str
    name: str
    size: str


def shot_view(shot: Screenshot) -> ShotView:
    assert shot.id is not None
    kb = shot.size_bytes / 1024
    size = f"{kb / 1024:.1f} MB" if kb >= 1024 else f"{kb:.0f} KB"
    return ShotView(
        id=shot.id,
        url=f"/api/v1/screenshots/{shot.id}",
        name=shot.original_name,
        size=f"{shot.width}x{shot.height}, {size}",
    )


def trade_fields(info: TradeInfo) -> dict[str, str]:
    pnl = info.net_pnl
    return {
        "symbol": info.symbol,
        "direction": info.direction,
        "quantity": f"{info.quantity.normalize():f}",
        "entry": f"{info.entry_price.normalize():f} at {show_time(info.entry_time)}",
        "exit": f"{info.exit_price.normalize():f} at {show_time(info.exit_time)}",
        "pnl": f"{pnl:+,.2f} {info.currency}",
        "pnl_sign": "1" if pnl > 0 else ("-1" if pnl < 0 else "0"),
        "r": "" if info.r_multiple is None else f"{info.r_multiple:+.2f} R",
        "account": info.account_name,
        "setup": info.setup,
    }


class JournalEntryState(rx.State):
    """One entry being edited; `kind` is 'trade' or 'day'."""

    kind: str = "trade"
    trade_id: int = 0
    day: str = ""
    loaded: bool = False
    found: bool = False
    problem: str = ""
    trade: dict[str, str] = {}
    entry_id: int = 0
    notes: str = ""
    tags: str = ""
    mistakes: str = ""
    rating: str = ""
    errors: dict[str, str] = NO_ERRORS
    form_error: str = ""
    shots: list[ShotView] = []
    upload_errors: list[str] = []

    def _reset(self, kind: str) -> None:
        self.kind, self.loaded, self.found, self.problem = kind, False, False, ""
        self.trade, self.entry_id, self.shots, self.upload_errors = {}, 0, [], []
        self.notes = self.tags = self.mistakes = self.rating = ""
        self.errors, self.form_error = dict(NO_ERRORS), ""

    def _target(self) -> dict[str, Any]:
        if self.kind == "trade":
            return {"trade_id": self.trade_id}
        return {"day": date.fromisoformat(self.day)}

    def _show(self, entry: JournalEntry | None) -> None:
        self.entry_id = (entry.id or 0) if entry is not None else 0
        self.notes = entry.notes if entry else ""
        self.tags = ", ".join(entry.tags) if entry else ""
        self.mistakes = ", ".join(entry.mistakes) if entry else ""
        self.rating = str(entry.rating) if entry and entry.rating else ""

    async def _load_entry(self, user_id: int) -> None:
        async with session_scope() as session:
            if self.kind == "trade":
                info = await journal.trade_info(
                    session=session, user_id=user_id, trade_id=self.trade_id
                )
                self.trade = trade_fields(info)
            entry = await journal.get_or_none(session=session, user_id=user_id, **self._target())
            self._show(entry)
            await self._load_shots(session, user_id)
        self.found, self.loaded = True, True

    async def _load_shots(self, session: Any, user_id: int) -> None:
        found = (
            await screenshots.list_for_entry(
                session=session, user_id=user_id, entry_id=self.entry_id
            )
            if self.entry_id
            else []
        )
        self.shots = [shot_view(s) for s in found]

    @rx.event
    async def load_for_trade(self):
        self._reset("trade")
        user_id = await require_user_id(self)
        if user_id is None:
            return
        raw = str(self.router.page.params.get("trade_id", ""))
        self.trade_id = int(raw) if raw.isdigit() and len(raw) < 12 else 0
        try:
            await self._load_entry(user_id)
        except NotFoundError:
            self.problem, self.loaded = "Trade not found.", True

    @rx.event
    async def load_for_day(self):
        self._reset("day")
        user_id = await require_user_id(self)
        if user_id is None:
            return
        try:
            self.day = parse_day(str(self.router.page.params.get("day", ""))).isoformat()
        except ValueError as exc:
            self.problem, self.loaded = str(exc), True
            return
        await self._load_entry(user_id)

    @rx.event
    def set_notes(self, value: str):
        self.notes = value

    @rx.event
    def set_tags(self, value: str):
        self.tags = value

    @rx.event
    def set_mistakes(self, value: str):
        self.mistakes = value

    @rx.event
    def set_rating(self, value: str):
        """Pick a rating; picking the current one again clears it."""
        self.rating = "" if value == self.rating else value

    @rx.event
    async def save(self, form_data: dict[str, Any]):
        user_id = await require_user_id(self)
        if user_id is None:
            return (await self.get_state(AuthState)).signin_redirect()
        data = {key: str(form_data.get(key, getattr(self, key)) or "") for key in FIELDS}
        data["rating"] = self.rating
        self.notes, self.tags, self.mistakes = data["notes"], data["tags"], data["mistakes"]
        try:
            entry = await journal.save(user_id=user_id, data=data, **self._target())
        except ServiceError as exc:
            self.errors = {**NO_ERRORS, **exc.details}
            self.form_error = exc.message
            return None
        self._show(entry)
        self.errors, self.form_error = dict(NO_ERRORS), ""
        return rx.toast.success("Journal entry saved")

    @rx.event
    async def delete(self):
        user_id = await require_user_id(self)
        if user_id is None:
            return (await self.get_state(AuthState)).signin_redirect()
        if not self.entry_id:
            return rx.toast.info("Nothing to delete: this entry was never saved")
        try:
            await journal.delete(user_id=user_id, entry_id=self.entry_id)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        return [rx.redirect("/journal"), rx.toast.success("Journal entry deleted")]

    @rx.event
    async def upload(self, files: list[rx.UploadFile]):
        """Store each picked image (checked by content); refusals listed by file."""
        user_id = await require_user_id(self)
        if user_id is None:
            return (await self.get_state(AuthState)).signin_redirect()
        limit, errors, stored = get_settings().screenshot_max_bytes, [], 0
        for file in files:
            name = file.name or "upload"
            try:
                data = screenshots.read_upload(
                    file.file, filename=name, size=file.size, max_bytes=limit
                )
                async with session_scope() as session:
                    # The entry is created with the first screenshot if it is new.
                    entry = await journal.ensure_entry(
                        session=session, user_id=user_id, **self._target()
                    )
                    assert entry.id is not None
                    await screenshots.store(
                        session=session,
                        user_id=user_id,
                        entry_id=entry.id,
                        data=data,
                        filename=name,
                        max_bytes=limit,
                    )
                self.entry_id, stored = entry.id, stored + 1
            except ImageRejected as exc:
                errors.append(str(exc))
            except ServiceError as exc:
                errors.append(exc.message)
        async with session_scope() as session:
            await self._load_shots(session, user_id)
        self.upload_errors = errors
        if stored:
            return rx.toast.success(f"{stored} screenshot{'s' if stored > 1 else ''} added")
        return None

    @rx.event
    async def delete_shot(self, shot_id: int):
        user_id = await require_user_id(self)
        if user_id is None:
            return (await self.get_state(AuthState)).signin_redirect()
        try:
            async with session_scope() as session:
                await screenshots.delete(session=session, user_id=user_id, screenshot_id=shot_id)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        async with session_scope() as session:
            await self._load_shots(session, user_id)
        return rx.toast.success("Screenshot deleted")
