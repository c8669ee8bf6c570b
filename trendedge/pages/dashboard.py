"""`/`: the signed-in user's home."""

from __future__ import annotations

import reflex as rx

from components.layout import app_shell
from trendedge.state.accounts import AccountsState
from trendedge.state.auth import AuthState


def stat_card(label: str, value: rx.Var | str, icon: str) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.icon(icon, size=22, color=rx.color("accent", 9)),
            rx.vstack(
                rx.text(label, size="2", color=rx.color("gray", 11)),
                rx.heading(value, size="6"),
                spacing="0",
            ),
            spacing="3",
            align="center",
        ),
        min_width="200px",
    )


def dashboard_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            rx.heading("Welcome, " + AuthState.display_name, size="5", id="welcome"),
            rx.hstack(
                stat_card("Accounts", AccountsState.rows.length().to_string(), "wallet"),
                spacing="4",
            ),
            rx.cond(
                AccountsState.loaded & (AccountsState.rows.length() == 0),
                rx.callout(
                    rx.text(
                        "Start by creating a trading account on the ",
                        rx.link("Accounts", href="/accounts"),
                        " page.",
                    ),
                    icon="info",
                ),
            ),
            spacing="5",
        ),
        title="Dashboard",
        email=AuthState.email,
        on_sign_out=AuthState.sign_out,
    )
