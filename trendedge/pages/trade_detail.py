"""`/trades/new` (enter a trade by hand) and `/trades/[trade_id]` (see, edit, delete)."""

from __future__ import annotations

import reflex as rx

from components.dialogs import confirm_action
from components.layout import app_shell
from components.trade_facts import trade_facts
from components.trade_form import trade_form
from trendedge.state.auth import AuthState
from trendedge.state.manual_trades import TradeDetailState as S


def _back() -> rx.Component:
    return rx.link(
        rx.button("Back to trades", type="button", variant="soft", color_scheme="gray"),
        href="/trades",
    )


def _not_found() -> rx.Component:
    return rx.callout(
        "Trade not found.", icon="search-x", color_scheme="gray", id="trade-not-found"
    )


def _no_accounts() -> rx.Component:
    return rx.callout.root(
        rx.callout.icon(rx.icon("info")),
        rx.callout.text(
            "A trade belongs to an account. ",
            rx.link("Create an account", href="/accounts"),
            " first.",
        ),
        id="trade-needs-account",
    )


def trade_new_page() -> rx.Component:
    return app_shell(
        rx.cond(
            S.loaded,
            rx.cond(
                S.account_options.length() > 0,
                rx.card(
                    trade_form(
                        state=S,
                        full_edit=S.full_edit,
                        submit_label="Save trade",
                        extra_actions=(_back(),),
                    ),
                    max_width="860px",
                    width="100%",
                ),
                _no_accounts(),
            ),
            rx.spinner(),
        ),
        title="New trade",
        email=AuthState.email,
        on_sign_out=AuthState.sign_out,
    )


def _delete_button() -> rx.Component:
    return confirm_action(
        rx.button("Delete", type="button", color_scheme="red", variant="soft", id="delete-trade"),
        title="Delete trade?",
        description="This deletes the trade and its journal entry, and cannot be undone.",
        confirm="Delete",
        on_confirm=S.delete,
    )


def _record_note() -> rx.Component:
    return rx.callout(
        "This " + S.source + " trade is the record of what your account did, so its fills "
        "cannot be edited or deleted. You can link it to a playbook, tick the rules you "
        "followed and set its stop and target (R is recomputed).",
        icon="lock",
        color_scheme="gray",
        size="1",
        id="trade-record-note",
    )


def trade_detail_page() -> rx.Component:
    return app_shell(
        rx.cond(
            S.loaded,
            rx.cond(
                S.found,
                rx.vstack(
                    rx.hstack(
                        _back(),
                        rx.spacer(),
                        rx.link(
                            rx.button(rx.icon("notebook-pen", size=16), "Journal", variant="soft"),
                            href="/journal/trade/" + S.trade_id.to_string(),
                            id="trade-journal-link",
                        ),
                        width="100%",
                    ),
                    trade_facts(S.facts),
                    rx.cond(S.full_edit, rx.fragment(), _record_note()),
                    rx.card(
                        trade_form(
                            state=S,
                            full_edit=S.full_edit,
                            submit_label="Save",
                            extra_actions=(rx.cond(S.full_edit, _delete_button()),),
                        ),
                        width="100%",
                    ),
                    spacing="4",
                    width="100%",
                    max_width="860px",
                ),
                _not_found(),
            ),
            rx.spinner(),
        ),
        title="Trade",
        email=AuthState.email,
        on_sign_out=AuthState.sign_out,
    )
