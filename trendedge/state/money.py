"""`/money`: the KPI dashboard across the user's accounts in one chosen currency, and
the account cash movements (deposits, withdrawals, fees, adjustments).

Thin: reads go through `services.kpis`, `services.accounts`, `services.preferences` and
`services.cash_transactions`; rows are shaped in `state.money_rows`. Switching the
currency is an event that recomputes the dashboard in place (no navigation).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import plotly.graph_objects as go
import reflex as rx

from components.money import balances_figure
from trendedge.db import session_scope
from trendedge.domain.currencies import COMMON_CURRENCIES, normalise_currency
from trendedge.models import Account, AccountTransaction
from trendedge.services import accounts as accounts_service
from trendedge.services import cash_transactions, kpis, preferences
from trendedge.services.errors import NotFoundError, ServiceError
from trendedge.state.auth import AuthState, require_user_id
from trendedge.state.money_rows import (
    AccountMoneyRow,
    AccountOption,
    CashRow,
    KpiCard,
    account_options,
    account_rows,
    amount_text,
    cash_rows,
    kpi_cards,
    local_datetime,
    parse_clock,
    parse_day,
)

CASH_FIELDS = ("account_id", "kind", "amount", "day", "clock", "note")
NO_ERRORS = dict.fromkeys(CASH_FIELDS, "")
RECENT = 50


def _currency_choices(default: str, account_currencies: set[str]) -> list[str]:
    extra = sorted((account_currencies | {default}) - set(COMMON_CURRENCIES))
    return [*COMMON_CURRENCIES, *extra]


async def _board(user_id: int, currency: str, time_zone: str) -> kpis.KpiDashboard:
    async with session_scope() as session:
        return await kpis.kpi_dashboard(
            session=session, user_id=user_id, currency=currency, time_zone=time_zone
        )


async def _accounts_and_moves(user_id: int) -> tuple[list[Account], list[AccountTransaction]]:
    async with session_scope() as session:
        found = await accounts_service.list_accounts(session=session, user_id=user_id)
        moves = await cash_transactions.list_transactions(
            session=session, user_id=user_id, limit=RECENT
        )
    return found, moves


class MoneyState(rx.State):
    """Everything on /money for the signed-in user."""

    loaded: bool = False
    currency: str = "USD"
    currency_options: list[str] = list(COMMON_CURRENCIES)
    show_converted: bool = True
    time_zone: str = "UTC"
    cards: list[KpiCard] = []
    missing_rates: list[str] = []
    rows: list[AccountMoneyRow] = []
    figure: go.Figure = balances_figure([], [], "USD")
    accounts: list[AccountOption] = []
    movements: list[CashRow] = []
    today: str = ""
    errors: dict[str, str] = NO_ERRORS
    form_error: str = ""
    form_key: int = 0

    def _show_board(self, board: kpis.KpiDashboard) -> None:
        self.cards = kpi_cards(board)
        self.missing_rates = board.missing_rates
        self.rows = account_rows(board)
        self.figure = balances_figure(
            [a.name for a in board.accounts],
            [a.balance_converted for a in board.accounts],
            board.currency,
        )

    def _show_movements(self, found: list[Account], moves: list[AccountTransaction]) -> None:
        self.accounts = account_options(found)
        self.movements = cash_rows(moves, found, self.time_zone)
        self.currency_options = _currency_choices(self.currency, {a.currency for a in found})

    async def _refresh_board(self, user_id: int) -> None:
        self._show_board(await _board(user_id, self.currency, self.time_zone))

    async def _refresh_movements(self, user_id: int) -> None:
        self._show_movements(*await _accounts_and_moves(user_id))

    @rx.event(background=True)
    async def load(self):
        """Preferences, accounts, movements and the dashboard in the default currency.
        In the background: the first dashboard of an installation also loads the
        bundled rate history, which takes a few seconds."""
        async with self:
            self.loaded = False
            user_id = await require_user_id(self)
        if user_id is None:
            return
        async with session_scope() as session:
            prefs = await preferences.get_preferences(session=session, user_id=user_id)
        found, moves = await _accounts_and_moves(user_id)
        board = await _board(user_id, prefs.default_currency, prefs.time_zone)
        async with self:
            self.currency = prefs.default_currency
            self.show_converted = prefs.show_converted
            self.time_zone = prefs.time_zone
            self.today = datetime.now(ZoneInfo(self.time_zone)).date().isoformat()
            self.errors, self.form_error = dict(NO_ERRORS), ""
            self._show_movements(found, moves)
            self._show_board(board)
            self.loaded = True

    @rx.event
    async def set_currency(self, value: str):
        """Recompute every converted value in `value`; the page stays where it is."""
        user_id = await require_user_id(self)
        if user_id is None:
            return (await self.get_state(AuthState)).signin_redirect()
        try:
            self.currency = normalise_currency(value)
        except ValueError as exc:
            return rx.toast.error(str(exc))
        await self._refresh_board(user_id)
        return None

    def _parse_form(self, form: dict[str, str]) -> tuple[int, dict[str, Any], dict[str, str]]:
        errors: dict[str, str] = {}
        account_id = int(form["account_id"]) if form["account_id"].isdigit() else 0
        if not account_id:
            errors["account_id"] = "choose an account"
        occurred: datetime | None = None
        try:
            day = parse_day(form["day"])
        except ValueError as exc:
            errors["day"] = str(exc)
        try:
            clock = parse_clock(form["clock"])
        except ValueError as exc:
            errors["clock"] = str(exc)
        if "day" not in errors and "clock" not in errors:
            occurred = local_datetime(day, clock, self.time_zone)
        data = {
            "kind": form["kind"],
            "amount": form["amount"],
            "occurred_at": occurred,
            "note": form["note"],
        }
        return account_id, data, errors

    @rx.event
    async def add_movement(self, form_data: dict[str, Any]):
        """Record a cash movement; the date and time are read in the user's zone."""
        user_id = await require_user_id(self)
        if user_id is None:
            return (await self.get_state(AuthState)).signin_redirect()
        form = {key: str(form_data.get(key, "") or "") for key in CASH_FIELDS}
        account_id, data, errors = self._parse_form(form)
        self.errors, self.form_error = {**NO_ERRORS, **errors}, ""
        if errors:
            self.form_error = "Fix the marked fields"
            return None
        try:
            async with session_scope() as session:
                row = await cash_transactions.add_transaction(
                    session=session, user_id=user_id, account_id=account_id, data=data
                )
        except NotFoundError:
            self.errors = {**NO_ERRORS, "account_id": "account not found"}
            return None
        except ServiceError as exc:
            details = dict(exc.details)
            if "occurred_at" in details:
                details["day"] = details.pop("occurred_at")
            self.errors, self.form_error = {**NO_ERRORS, **details}, exc.message
            return None
        self.form_key += 1
        await self._refresh_movements(user_id)
        await self._refresh_board(user_id)
        label = f"{row.kind.capitalize()} of {amount_text(float(row.amount))} {row.currency}"
        return rx.toast.success(f"{label} recorded")

    @rx.event
    async def delete_movement(self, transaction_id: int):
        user_id = await require_user_id(self)
        if user_id is None:
            return (await self.get_state(AuthState)).signin_redirect()
        try:
            async with session_scope() as session:
                await cash_transactions.delete_transaction(
                    session=session, user_id=user_id, transaction_id=transaction_id
                )
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        await self._refresh_movements(user_id)
        await self._refresh_board(user_id)
        return rx.toast.success("Movement deleted")
