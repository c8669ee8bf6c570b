"""Accounts page and account editor: list, create, edit, delete the user's accounts."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import reflex as rx

from trendedge.db import session_scope
from trendedge.models import Account
from trendedge.models.account import FillBasis
from trendedge.services import accounts
from trendedge.services.errors import ServiceError
from trendedge.state.auth import AuthState, require_user_id
from trendedge.state.display_time import show_time

FIELDS = (
    "name",
    "broker",
    "currency",
    "initial_balance",
    "notes",
    "slippage_ticks",
    "commission_per_side",
    "fill_basis",
    "default_stop_ticks",
)
EMPTY_FORM = {
    "name": "",
    "broker": "",
    "currency": "USD",
    "initial_balance": "0",
    "notes": "",
    "slippage_ticks": "1",
    "commission_per_side": "",  # blank: the contract's default commission
    "fill_basis": FillBasis.alert_price.value,
    "default_stop_ticks": "",  # blank: no default stop rule
}
NO_ERRORS = dict.fromkeys(FIELDS, "")


@dataclasses.dataclass
class AccountRow:
    id: int
    name: str
    broker: str
    currency: str
    initial_balance: str
    notes: str
    updated_at: str


def to_row(account: Account) -> AccountRow:
    assert account.id is not None
    return AccountRow(
        id=account.id,
        name=account.name,
        broker=account.broker,
        currency=account.currency,
        initial_balance=f"{account.initial_balance:,.2f}",
        notes=account.notes,
        updated_at=show_time(account.updated_at),
    )


def _plain(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def form_of(account: Account) -> dict[str, str]:
    return {
        "name": account.name,
        "broker": account.broker,
        "currency": account.currency,
        "initial_balance": str(account.initial_balance),
        "notes": account.notes,
        "slippage_ticks": str(account.slippage_ticks),
        "commission_per_side": _plain(account.commission_per_side),
        "fill_basis": FillBasis(account.fill_basis).value,
        "default_stop_ticks": ""
        if account.default_stop_ticks is None
        else str(account.default_stop_ticks),
    }


def _clean(form_data: dict[str, Any]) -> dict[str, str]:
    return {key: str(form_data.get(key, "") or "") for key in FIELDS}


class AccountsState(rx.State):
    """The accounts list and the 'new account' dialog."""

    rows: list[AccountRow] = []
    loaded: bool = False
    dialog_open: bool = False
    form: dict[str, str] = EMPTY_FORM
    errors: dict[str, str] = NO_ERRORS
    form_error: str = ""

    async def _reload(self, user_id: int) -> None:
        async with session_scope() as session:
            found = await accounts.list_accounts(session=session, user_id=user_id)
        self.rows = [to_row(a) for a in found]
        self.loaded = True

    @rx.event
    async def load(self):
        user_id = await require_user_id(self)
        if user_id is not None:
            await self._reload(user_id)

    @rx.event
    def open_new(self):
        self.form, self.errors, self.form_error = dict(EMPTY_FORM), dict(NO_ERRORS), ""
        self.dialog_open = True

    @rx.event
    def set_dialog_open(self, value: bool):
        self.dialog_open = value

    @rx.event
    async def create(self, form_data: dict[str, Any]):
        user_id = await require_user_id(self)
        if user_id is None:
            return (await self.get_state(AuthState)).signin_redirect()
        self.form = _clean(form_data)
        try:
            async with session_scope() as session:
                await accounts.create_account(session=session, user_id=user_id, data=self.form)
        except ServiceError as exc:
            self.errors = {**NO_ERRORS, **exc.details}
            self.form_error = exc.message
            return None
        self.dialog_open = False
        await self._reload(user_id)
        return rx.toast.success(f"Account '{self.form['name'].strip()}' created")

    @rx.event
    async def delete(self, account_id: int):
        user_id = await require_user_id(self)
        if user_id is None:
            return (await self.get_state(AuthState)).signin_redirect()
        try:
            async with session_scope() as session:
                await accounts.delete_account(
                    session=session, user_id=user_id, account_id=account_id
                )
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        await self._reload(user_id)
        return rx.toast.success("Account deleted")


class AccountEditState(rx.State):
    """The editor page of one account, `/accounts/[account_id]`."""

    editing_id: int = 0
    found: bool = False
    loaded: bool = False
    form: dict[str, str] = EMPTY_FORM
    errors: dict[str, str] = NO_ERRORS
    form_error: str = ""
    saved_message: str = ""

    def _route_id(self) -> int:
        raw = str(self.router.page.params.get("account_id", ""))
        return int(raw) if raw.isdigit() else 0

    @rx.event
    async def load(self):
        self.loaded, self.found, self.saved_message = False, False, ""
        self.errors, self.form_error = dict(NO_ERRORS), ""
        user_id = await require_user_id(self)
        if user_id is None:
            return
        self.editing_id = self._route_id()
        try:
            async with session_scope() as session:
                account = await accounts.get_account(
                    session=session, user_id=user_id, account_id=self.editing_id
                )
        except ServiceError:
            self.loaded = True
            return
        self.form, self.found, self.loaded = form_of(account), True, True

    @rx.event
    async def save(self, form_data: dict[str, Any]):
        user_id = await require_user_id(self)
        if user_id is None:
            return (await self.get_state(AuthState)).signin_redirect()
        self.form, self.saved_message = _clean(form_data), ""
        try:
            async with session_scope() as session:
                account = await accounts.update_account(
                    session=session, user_id=user_id, account_id=self.editing_id, data=self.form
                )
        except ServiceError as exc:
            self.errors = {**NO_ERRORS, **exc.details}
            self.form_error = exc.message
            return None
        self.form, self.errors, self.form_error = form_of(account), dict(NO_ERRORS), ""
        self.saved_message = "Saved"
        return rx.toast.success("Account saved")

    @rx.event
    async def delete(self):
        user_id = await require_user_id(self)
        if user_id is None:
            return (await self.get_state(AuthState)).signin_redirect()
        try:
            async with session_scope() as session:
                await accounts.delete_account(
                    session=session, user_id=user_id, account_id=self.editing_id
                )
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        return [rx.redirect("/accounts"), rx.toast.success("Account deleted")]
