"""(Stub page module.)"""

from __future__ import annotations

import reflex as rx

from components.layout import app_shell
from trendedge.state.auth import AuthState


def trade_new_page() -> rx.Component:
    return app_shell(
        rx.heading("trade_new_page"),
        title="trade_new_page",
        email=AuthState.email,
        on_sign_out=AuthState.sign_out,
    )


def trade_detail_page() -> rx.Component:
    return app_shell(
        rx.heading("trade_detail_page"),
        title="trade_detail_page",
        email=AuthState.email,
        on_sign_out=AuthState.sign_out,
    )
