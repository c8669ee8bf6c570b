"""`/trades`: equity per account, open positions and closed trades, updated live."""

from __future__ import annotations

import reflex as rx

from components.layout import app_shell
from components.trading import equity_cards, live_indicator, positions_table, trades_table
from trendedge.state.auth import AuthState
from trendedge.state.live import LiveState
from trendedge.state.trading import TradingState


def section(title: str, *children: rx.Component) -> rx.Component:
    return rx.vstack(rx.heading(title, size="4"), *children, spacing="3", width="100%")


def empty(message: str, element_id: str, icon: str = "info") -> rx.Component:
    return rx.callout(message, icon=icon, color_scheme="gray", id=element_id, width="100%")


def trading_page() -> rx.Component:
    return app_shell(
        rx.cond(
            TradingState.loaded,
            rx.vstack(
                rx.hstack(
                    rx.text(
                        "Paper trades from your webhook signals and trades you enter by hand. "
                        "This page updates by itself.",
                        color=rx.color("gray", 11),
                    ),
                    rx.spacer(),
                    live_indicator(LiveState.live),
                    rx.link(
                        rx.button(rx.icon("plus", size=16), "New trade"),
                        href="/trades/new",
                        id="new-trade",
                    ),
                    width="100%",
                    align="center",
                ),
                rx.cond(
                    TradingState.equity.length() > 0,
                    equity_cards(TradingState.equity),
                    rx.callout.root(
                        rx.callout.icon(rx.icon("info")),
                        rx.callout.text(
                            "No accounts yet. ",
                            rx.link("Create an account", href="/accounts"),
                            ", then a webhook to send it TradingView alerts.",
                        ),
                        id="no-equity",
                        width="100%",
                    ),
                ),
                section(
                    "Open positions",
                    rx.cond(
                        TradingState.positions.length() > 0,
                        positions_table(TradingState.positions),
                        empty("No open positions.", "no-positions"),
                    ),
                ),
                section(
                    "Closed trades",
                    rx.cond(
                        TradingState.trades.length() > 0,
                        trades_table(TradingState.trades),
                        empty("No closed trades yet.", "no-trades"),
                    ),
                ),
                spacing="5",
                width="100%",
            ),
            rx.spinner(),
        ),
        title="Trades",
        email=AuthState.email,
        on_sign_out=AuthState.sign_out,
    )
