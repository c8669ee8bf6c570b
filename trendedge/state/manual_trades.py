"""`/trades/new` and `/trades/[trade_id]`: enter, edit, annotate and delete a trade."""

from __future__ import annotations

import dataclasses
from typing import Any

import reflex as rx

from trendedge.db import session_scope
from trendedge.services import accounts, manual_trades, playbooks
from trendedge.services.errors import ServiceError
from trendedge.state.auth import AuthState, require_user_id
from trendedge.state.trade_views import (
    EMPTY_FORM,
    NO_ERRORS,
    NO_PLAYBOOK,
    LegRow,
    Option,
    TradeFacts,
    facts_of,
    form_of,
    legs_of,
    with_leg_errors,
)


class TradeDetailState(rx.State):
    """The trade form (all fields for new and manual trades; playbook, rules, stop and
    target for paper and imported ones), the stored trade's facts and delete."""

    trade_id: int = 0
    is_new: bool = True
    loaded: bool = False
    found: bool = False
    source: str = "manual"
    facts: TradeFacts = TradeFacts()
    account_options: list[Option] = []
    playbook_options: list[Option] = []
    playbook_rules: dict[str, list[str]] = {}
    account_id: str = ""
    direction: str = "long"
    playbook_id: str = NO_PLAYBOOK
    rules_checked: list[str] = []
    form: dict[str, str] = EMPTY_FORM
    legs: list[LegRow] = []
    next_leg: int = 0
    errors: dict[str, str] = NO_ERRORS
    form_error: str = ""

    @rx.var
    def full_edit(self) -> bool:
        """True when every field can be edited (a new or a manual trade)."""
        return self.is_new or self.source == "manual"

    @rx.var
    def rules(self) -> list[str]:
        """The rules of the chosen playbook, in order."""
        return self.playbook_rules.get(self.playbook_id, [])

    def _reset(self, *, is_new: bool) -> None:
        self.is_new, self.loaded, self.found, self.source = is_new, False, False, "manual"
        self.errors, self.form_error, self.facts = dict(NO_ERRORS), "", TradeFacts()
        self.form, self.rules_checked, self.playbook_id = dict(EMPTY_FORM), [], NO_PLAYBOOK
        self.direction, self.account_id, self.trade_id = "long", "", 0

    async def _load_options(self, user_id: int) -> dict[int, str]:
        async with session_scope() as session:
            found = await accounts.list_accounts(session=session, user_id=user_id)
            books = await playbooks.list_playbooks(session=session, user_id=user_id)
        self.account_options = [Option(str(a.id), f"{a.name} ({a.currency})") for a in found]
        self.playbook_options = [Option(NO_PLAYBOOK, "No playbook")] + [
            Option(str(b.playbook.id), b.playbook.name) for b in books
        ]
        self.playbook_rules = {str(b.playbook.id): list(b.playbook.rules) for b in books}
        return {a.id: a.name for a in found if a.id is not None}

    def _new_leg(self, kind: str) -> LegRow:
        self.next_leg += 1
        return LegRow(uid=f"n{self.next_leg}", kind=kind)

    @rx.event
    async def load_new(self):
        self._reset(is_new=True)
        user_id = await require_user_id(self)
        if user_id is None:
            return
        await self._load_options(user_id)
        if self.account_options:
            self.account_id = self.account_options[0].value
        self.legs = [self._new_leg("entry"), self._new_leg("exit")]
        self.found = self.loaded = True

    @rx.event
    async def load_trade(self):
        self._reset(is_new=False)
        user_id = await require_user_id(self)
        if user_id is None:
            return
        raw = str(self.router.page.params.get("trade_id", ""))
        self.trade_id = int(raw) if raw.isdigit() else 0
        names = await self._load_options(user_id)
        try:
            async with session_scope() as session:
                trade = await manual_trades.get_trade(
                    session=session, user_id=user_id, trade_id=self.trade_id
                )
        except ServiceError:
            self.loaded = True
            return
        self._show(trade, names)
        self.found = self.loaded = True

    def _show(self, trade: Any, names: dict[int, str]) -> None:
        labels = {o.value: o.label for o in self.playbook_options}
        pid = NO_PLAYBOOK if trade.playbook_id is None else str(trade.playbook_id)
        self.facts = facts_of(
            trade,
            account_name=names.get(trade.account_id, "?"),
            playbook_name="" if pid == NO_PLAYBOOK else labels.get(pid, ""),
        )
        self.source, self.form = trade.source, form_of(trade)
        self.account_id, self.direction = str(trade.account_id), trade.direction
        self.playbook_id, self.rules_checked = pid, list(trade.rules_followed)
        self.legs = legs_of(trade)

    @rx.event
    def set_account_id(self, value: str):
        self.account_id = value

    @rx.event
    def set_direction(self, value: str):
        self.direction = value

    @rx.event
    def set_playbook_id(self, value: str):
        self.playbook_id = value
        rules = self.playbook_rules.get(value, [])
        self.rules_checked = [rule for rule in self.rules_checked if rule in rules]

    @rx.event
    def toggle_rule(self, rule: str, checked: bool):
        others = [r for r in self.rules_checked if r != rule]
        self.rules_checked = [*others, rule] if checked else others

    @rx.event
    def add_leg(self, kind: str):
        self.legs = [*self.legs, self._new_leg("exit" if kind == "exit" else "entry")]

    @rx.event
    def remove_leg(self, uid: str):
        self.legs = [leg for leg in self.legs if leg.uid != uid]

    @rx.event
    def keep_leg_value(self, uid: str, field: str, value: str):
        """Remember what was typed (on blur) so adding or removing legs keeps it."""
        if field in ("time", "price", "quantity"):
            self.legs = [
                dataclasses.replace(leg, **{field: value}) if leg.uid == uid else leg
                for leg in self.legs
            ]

    def _data(self, form_data: dict[str, Any]) -> dict[str, Any]:
        self.form = {key: str(form_data.get(key, "") or "") for key in EMPTY_FORM}
        self.legs = [
            dataclasses.replace(
                leg,
                **{f: str(form_data.get(f"legs.{i}.{f}", getattr(leg, f)) or "") for f in (
                    "time", "price", "quantity"
                )},
            )
            for i, leg in enumerate(self.legs)
        ]  # fmt: skip
        data: dict[str, Any] = {
            "playbook_id": "" if self.playbook_id == NO_PLAYBOOK else self.playbook_id,
            "rules_followed": [
                r for r in self.playbook_rules.get(self.playbook_id, []) if r in self.rules_checked
            ],
            "stop": self.form["stop"],
            "target": self.form["target"],
        }
        if self.is_new or self.source == "manual":
            data |= {
                "account_id": self.account_id,
                "symbol": self.form["symbol"],
                "direction": self.direction,
                "commission": self.form["commission"],
                "legs": [
                    {
                        "kind": leg.kind,
                        "time": leg.time,
                        "price": leg.price,
                        "quantity": leg.quantity,
                    }
                    for leg in self.legs
                ],
            }
        return data

    @rx.event
    async def save(self, form_data: dict[str, Any]):
        user_id = await require_user_id(self)
        if user_id is None:
            return (await self.get_state(AuthState)).signin_redirect()
        data = self._data(form_data)
        try:
            async with session_scope() as session:
                if self.is_new:
                    trade = await manual_trades.create_manual_trade(
                        session=session, user_id=user_id, data=data
                    )
                else:
                    trade = await manual_trades.update_trade(
                        session=session, user_id=user_id, trade_id=self.trade_id, data=data
                    )
        except ServiceError as exc:
            self.errors = {**NO_ERRORS, **exc.details}
            self.legs = with_leg_errors(self.legs, exc.details)
            self.form_error = exc.message
            return rx.toast.error(exc.message)
        self.errors, self.form_error = dict(NO_ERRORS), ""
        if self.is_new:
            return [rx.redirect(f"/trades/{trade.id}"), rx.toast.success("Trade saved")]
        self._show(trade, await self._load_options(user_id))
        return rx.toast.success("Trade saved")

    @rx.event
    async def delete(self):
        user_id = await require_user_id(self)
        if user_id is None:
            return (await self.get_state(AuthState)).signin_redirect()
        try:
            async with session_scope() as session:
                await manual_trades.delete_trade(
                    session=session, user_id=user_id, trade_id=self.trade_id
                )
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        return [rx.redirect("/trades"), rx.toast.success("Trade deleted")]
