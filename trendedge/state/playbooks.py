"""`/playbooks` (list and create) and `/playbooks/[playbook_id]` (edit, stats, delete)."""

from __future__ import annotations

import dataclasses
from typing import Any

import plotly.graph_objects as go
import reflex as rx

from components.playbooks import equity_figure
from trendedge.db import session_scope
from trendedge.models import Playbook
from trendedge.services import playbooks
from trendedge.services.errors import ServiceError
from trendedge.services.playbook_stats import PlaybookStats, playbook_stats
from trendedge.state.auth import AuthState, require_user_id
from trendedge.state.trading import fmt_money, sign_of

FIELDS = ("name", "description", "rules")
EMPTY_FORM = dict.fromkeys(FIELDS, "")
NO_ERRORS = dict.fromkeys(FIELDS, "")


@dataclasses.dataclass
class PlaybookRow:
    id: int
    name: str
    rules: int
    trades: int
    net_pnl: str
    net_sign: int
    currency: str


@dataclasses.dataclass
class StatCard:
    key: str
    label: str
    value: str
    sign: int = 0


@dataclasses.dataclass
class RuleRow:
    rule: str
    followed: int
    rate: str


def _money(value: float) -> str:
    return f"{value:,.2f}"


def _sign(value: float | None) -> int:
    return 0 if value is None or round(value, 2) == 0 else (1 if value > 0 else -1)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def stat_cards(stats: PlaybookStats) -> list[StatCard]:
    s = stats.summary
    pf = (
        "—"
        if s.profit_factor is None
        else ("∞" if s.profit_factor == float("inf") else f"{s.profit_factor:.2f}")
    )
    return [
        StatCard("trades", "Trades", str(s.trades)),
        StatCard("win_rate", "Win rate", _pct(s.win_rate)),
        StatCard("net_pnl", "Net P&L", _money(s.net_pnl), _sign(s.net_pnl)),
        StatCard("profit_factor", "Profit factor", pf),
        StatCard(
            "expectancy",
            "Expectancy",
            "—" if s.expectancy is None else _money(s.expectancy),
            _sign(s.expectancy),
        ),
        StatCard(
            "avg_r",
            "Average R",
            "—" if s.expectancy_r is None else f"{s.expectancy_r:.2f}R",
            _sign(s.expectancy_r),
        ),
    ]


def form_of(playbook: Playbook) -> dict[str, str]:
    return {
        "name": playbook.name,
        "description": playbook.description,
        "rules": "\n".join(playbook.rules),
    }


def _clean(form_data: dict[str, Any]) -> dict[str, str]:
    return {key: str(form_data.get(key, "") or "") for key in FIELDS}


class PlaybooksState(rx.State):
    """The user's playbooks with their trade count and net P&L, and the create form."""

    rows: list[PlaybookRow] = []
    loaded: bool = False
    form: dict[str, str] = EMPTY_FORM
    errors: dict[str, str] = NO_ERRORS
    form_error: str = ""
    form_key: int = 0

    async def _reload(self, user_id: int) -> None:
        async with session_scope() as session:
            items = await playbooks.list_playbooks(session=session, user_id=user_id)
        self.rows = [
            PlaybookRow(
                id=item.playbook.id or 0,
                name=item.playbook.name,
                rules=len(item.playbook.rules),
                trades=item.trades,
                net_pnl=fmt_money(item.net_pnl),
                net_sign=sign_of(item.net_pnl),
                currency="/".join(item.currencies),
            )
            for item in items
        ]
        self.loaded = True

    @rx.event
    async def load(self):
        self.errors, self.form_error = dict(NO_ERRORS), ""
        user_id = await require_user_id(self)
        if user_id is not None:
            await self._reload(user_id)

    @rx.event
    async def create(self, form_data: dict[str, Any]):
        user_id = await require_user_id(self)
        if user_id is None:
            return (await self.get_state(AuthState)).signin_redirect()
        self.form = _clean(form_data)
        try:
            async with session_scope() as session:
                book = await playbooks.create_playbook(
                    session=session, user_id=user_id, data=self.form
                )
        except ServiceError as exc:
            self.errors, self.form_error = {**NO_ERRORS, **exc.details}, exc.message
            return None
        self.form, self.errors, self.form_error = dict(EMPTY_FORM), dict(NO_ERRORS), ""
        self.form_key += 1  # a fresh, empty form
        await self._reload(user_id)
        return rx.toast.success(f"Playbook '{book.name}' created")

    @rx.event
    async def delete(self, playbook_id: int):
        user_id = await require_user_id(self)
        if user_id is None:
            return (await self.get_state(AuthState)).signin_redirect()
        try:
            async with session_scope() as session:
                await playbooks.delete_playbook(
                    session=session, user_id=user_id, playbook_id=playbook_id
                )
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        await self._reload(user_id)
        return rx.toast.success("Playbook deleted; its trades are kept without a playbook")


class PlaybookDetailState(rx.State):
    """One playbook: its description and rules (editable), statistics and equity curve."""

    playbook_id: int = 0
    loaded: bool = False
    found: bool = False
    name: str = ""
    description: str = ""
    rules: list[str] = []
    form: dict[str, str] = EMPTY_FORM
    errors: dict[str, str] = NO_ERRORS
    form_error: str = ""
    cards: list[StatCard] = []
    adherence: list[RuleRow] = []
    followed_all: list[StatCard] = []
    currency_note: str = ""
    figure: go.Figure = equity_figure([], [])

    async def _refresh(self, user_id: int) -> None:
        async with session_scope() as session:
            book = await playbooks.get_playbook(
                session=session, user_id=user_id, playbook_id=self.playbook_id
            )
            stats = await playbook_stats(
                session=session, user_id=user_id, playbook_id=self.playbook_id
            )
        self.name, self.description, self.rules = book.name, book.description, list(book.rules)
        self.form = form_of(book)
        self.cards = stat_cards(stats)
        self.adherence = [RuleRow(r.rule, r.followed, _pct(r.rate)) for r in stats.rules]
        self.followed_all = [
            StatCard(
                "all",
                f"Followed every rule ({stats.all_followed_trades} trades)",
                _money(stats.all_followed_pnl),
                _sign(stats.all_followed_pnl),
            ),
            StatCard(
                "not_all",
                f"Missed a rule ({stats.not_all_followed_trades} trades)",
                _money(stats.not_all_followed_pnl),
                _sign(stats.not_all_followed_pnl),
            ),
        ]
        self.currency_note = (
            "Amounts mix currencies: " + ", ".join(stats.currencies) + " (summed as recorded)."
            if len(stats.currencies) > 1
            else ""
        )
        self.figure = equity_figure(list(stats.equity.times), list(stats.equity.equity))

    @rx.event
    async def load(self):
        self.loaded, self.found, self.errors, self.form_error = False, False, dict(NO_ERRORS), ""
        user_id = await require_user_id(self)
        if user_id is None:
            return
        raw = str(self.router.page.params.get("playbook_id", ""))
        self.playbook_id = int(raw) if raw.isdigit() else 0
        try:
            await self._refresh(user_id)
        except ServiceError:
            self.loaded = True
            return
        self.found = self.loaded = True

    @rx.event
    async def save(self, form_data: dict[str, Any]):
        user_id = await require_user_id(self)
        if user_id is None:
            return (await self.get_state(AuthState)).signin_redirect()
        self.form = _clean(form_data)
        try:
            async with session_scope() as session:
                await playbooks.update_playbook(
                    session=session, user_id=user_id, playbook_id=self.playbook_id, data=self.form
                )
            await self._refresh(user_id)
        except ServiceError as exc:
            self.errors, self.form_error = {**NO_ERRORS, **exc.details}, exc.message
            return None
        self.errors, self.form_error = dict(NO_ERRORS), ""
        return rx.toast.success("Playbook saved")

    @rx.event
    async def delete(self):
        user_id = await require_user_id(self)
        if user_id is None:
            return (await self.get_state(AuthState)).signin_redirect()
        try:
            async with session_scope() as session:
                await playbooks.delete_playbook(
                    session=session, user_id=user_id, playbook_id=self.playbook_id
                )
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        return [
            rx.redirect("/playbooks"),
            rx.toast.success("Playbook deleted; its trades are kept"),
        ]
