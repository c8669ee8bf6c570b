"""(Stub page module.)"""

from __future__ import annotations

import reflex as rx

from components.layout import app_shell
from trendedge.state.auth import AuthState


def journal_page() -> rx.Component:
    return app_shell(
        rx.heading("journal_page"),
        title="journal_page",
        email=AuthState.email,
        on_sign_out=AuthState.sign_out,
    )


def journal_trade_page() -> rx.Component:
    return app_shell(
        rx.heading("journal_trade_page"),
        title="journal_trade_page",
        email=AuthState.email,
        on_sign_out=AuthState.sign_out,
    )


def journal_day_page() -> rx.Component:
    return app_shell(
        rx.heading("journal_day_page"),
        title="journal_day_page",
        email=AuthState.email,
        on_sign_out=AuthState.sign_out,
    )
