"""`/webhooks`: the user's webhook tokens; create, revoke, rotate.

A token's URL exists only at creation: it is kept in `new_url` so the page can
show it once, and `load()` clears it, so it is gone after any navigation.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

import reflex as rx

from trendedge.db import session_scope
from trendedge.models import WebhookToken
from trendedge.services import accounts, webhook_tokens
from trendedge.services.errors import ServiceError
from trendedge.services.webhook_tokens import IssuedToken
from trendedge.settings import get_settings
from trendedge.state.auth import AuthState, require_user_id
from trendedge.state.display_time import show_time

FIELDS = ("account_id", "label", "hmac_secret", "allowed_ips")
EMPTY_FORM = dict.fromkeys(FIELDS, "")
NO_ERRORS = dict.fromkeys(FIELDS, "")


@dataclasses.dataclass
class WebhookRow:
    id: int
    label: str
    account_name: str
    hint: str
    created_at: str
    last_used_at: str
    active: bool
    allowed_ips: str
    hmac: bool


@dataclasses.dataclass
class AccountOption:
    id: str
    name: str


def webhook_row(token: WebhookToken, account_names: dict[int, str]) -> WebhookRow:
    assert token.id is not None
    return WebhookRow(
        id=token.id,
        label=token.label,
        account_name=account_names.get(token.account_id, "?"),
        hint=f"{token.token_hint}…",
        created_at=fmt_minute(token.created_at),
        last_used_at=fmt_minute(token.last_used_at),
        active=token.revoked_at is None,
        allowed_ips=token.allowed_ips,
        hmac=token.hmac_secret_encrypted is not None,
    )


def fmt_minute(value: datetime | None) -> str:
    return show_time(value, empty="never")


def _clean(form_data: dict[str, Any]) -> dict[str, str]:
    return {key: str(form_data.get(key, "") or "").strip() for key in FIELDS}


class WebhooksState(rx.State):
    """Token table, 'new webhook' dialog, and the once-shown URL of a new token."""

    rows: list[WebhookRow] = []
    account_options: list[AccountOption] = []
    loaded: bool = False
    dialog_open: bool = False
    form: dict[str, str] = EMPTY_FORM
    errors: dict[str, str] = NO_ERRORS
    form_error: str = ""
    new_url: str = ""
    new_url_label: str = ""

    async def _reload(self, user_id: int) -> None:
        async with session_scope() as session:
            owned = await accounts.list_accounts(session=session, user_id=user_id)
            tokens = await webhook_tokens.list_tokens(session=session, user_id=user_id)
        names = {a.id: a.name for a in owned if a.id is not None}
        self.account_options = [AccountOption(id=str(i), name=n) for i, n in names.items()]
        self.rows = [webhook_row(t, names) for t in tokens]
        self.loaded = True

    def _show_once(self, issued: IssuedToken, what: str) -> None:
        self.new_url = issued.url(get_settings().base_url)
        self.new_url_label = what

    @rx.event
    async def load(self):
        self.new_url, self.new_url_label = "", ""
        user_id = await require_user_id(self)
        if user_id is not None:
            await self._reload(user_id)

    @rx.event
    def open_new(self):
        first = self.account_options[0].id if self.account_options else ""
        self.form = {**EMPTY_FORM, "account_id": first}
        self.errors, self.form_error = dict(NO_ERRORS), ""
        self.dialog_open = True

    @rx.event
    def set_dialog_open(self, value: bool):
        self.dialog_open = value

    @rx.event
    def dismiss_url(self):
        self.new_url, self.new_url_label = "", ""

    @rx.event
    async def create(self, form_data: dict[str, Any]):
        user_id = await require_user_id(self)
        if user_id is None:
            return (await self.get_state(AuthState)).signin_redirect()
        self.form = _clean(form_data)
        account_id = self.form["account_id"]
        if not account_id.isdigit():
            self.errors = {**NO_ERRORS, "account_id": "Choose an account"}
            self.form_error = "The webhook has invalid fields"
            return None
        try:
            async with session_scope() as session:
                issued = await webhook_tokens.create_token(
                    session=session,
                    user_id=user_id,
                    account_id=int(account_id),
                    label=self.form["label"],
                    hmac_secret=self.form["hmac_secret"] or None,
                    allowed_ips=self.form["allowed_ips"],
                )
        except ServiceError as exc:
            self.errors = {**NO_ERRORS, **exc.details}
            self.form_error = exc.message
            return None
        self.dialog_open = False
        self.form = dict(EMPTY_FORM)  # the HMAC secret does not linger in the state
        self._show_once(issued, "New webhook")
        await self._reload(user_id)
        return rx.toast.success("Webhook created")

    @rx.event
    async def revoke(self, token_id: int):
        user_id = await require_user_id(self)
        if user_id is None:
            return (await self.get_state(AuthState)).signin_redirect()
        try:
            async with session_scope() as session:
                await webhook_tokens.revoke_token(
                    session=session, user_id=user_id, token_id=token_id
                )
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        await self._reload(user_id)
        return rx.toast.success("Webhook revoked")

    @rx.event
    async def rotate(self, token_id: int):
        user_id = await require_user_id(self)
        if user_id is None:
            return (await self.get_state(AuthState)).signin_redirect()
        try:
            async with session_scope() as session:
                issued = await webhook_tokens.rotate_token(
                    session=session, user_id=user_id, token_id=token_id
                )
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        self._show_once(issued, "Rotated webhook")
        await self._reload(user_id)
        return rx.toast.success("Webhook rotated: update the URL in TradingView")
