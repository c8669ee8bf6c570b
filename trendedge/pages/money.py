"""`/money`: balances, P&L, fees and cash flows of every account in one currency."""

from __future__ import annotations

import reflex as rx

from components.cash_movements import cash_form, cash_table
from components.layout import app_shell
from components.money import (
    accounts_money_table,
    balance_chart,
    conventions_note,
    currency_select,
    kpi_card_grid,
    missing_rates_note,
)
from trendedge.state.auth import AuthState
from trendedge.state.money import MoneyState


def _section(title: str, *children: rx.Component, element_id: str) -> rx.Component:
    return rx.card(
        rx.vstack(rx.heading(title, size="3"), *children, spacing="3", width="100%"),
        width="100%",
        id=element_id,
    )


def _cash_section() -> rx.Component:
    return _section(
        "Cash movements",
        rx.cond(
            MoneyState.accounts.length() > 0,
            rx.box(
                cash_form(
                    accounts=MoneyState.accounts,
                    errors=MoneyState.errors,
                    form_error=MoneyState.form_error,
                    today=MoneyState.today,
                    time_zone=MoneyState.time_zone,
                    on_submit=MoneyState.add_movement,
                ),
                key=MoneyState.form_key,
                width="100%",
            ),
            rx.text(
                "Create an account on the ",
                rx.link("Accounts", href="/accounts"),
                " page to record deposits and withdrawals.",
                size="2",
            ),
        ),
        rx.cond(
            MoneyState.movements.length() > 0,
            cash_table(MoneyState.movements, on_delete=MoneyState.delete_movement),
            rx.text("No cash movements yet.", size="2", color=rx.color("gray", 10)),
        ),
        element_id="cash-section",
    )


def _dashboard() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(
                "All accounts, converted to one currency. Times in ",
                rx.text.strong(MoneyState.time_zone),
                ".",
                size="2",
                color=rx.color("gray", 11),
            ),
            rx.spacer(),
            currency_select(
                MoneyState.currency, MoneyState.currency_options, MoneyState.set_currency
            ),
            width="100%",
            align="center",
        ),
        kpi_card_grid(MoneyState.cards, MoneyState.currency),
        missing_rates_note(MoneyState.missing_rates),
        _section(
            "Accounts",
            accounts_money_table(
                MoneyState.rows,
                currency=MoneyState.currency,
                show_converted=MoneyState.show_converted,
            ),
            balance_chart(MoneyState.figure),
            element_id="accounts-section",
        ),
        _cash_section(),
        conventions_note(),
        spacing="4",
        width="100%",
    )


def money_page() -> rx.Component:
    return app_shell(
        rx.cond(MoneyState.loaded, _dashboard(), rx.spinner(id="money-loading")),
        title="Money",
        email=AuthState.email,
        on_sign_out=AuthState.sign_out,
    )
