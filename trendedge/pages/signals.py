"""`/signals`: every received webhook signal with its status and stored payload."""

from __future__ import annotations

from typing import Any

import reflex as rx

from components.layout import app_shell
from components.trading import live_indicator
from trendedge.state.auth import AuthState
from trendedge.state.live import LiveState
from trendedge.state.signals import STATUS_FILTERS, SignalsState

STATUS_COLORS: tuple[tuple[str, str], ...] = (
    ("accepted", "blue"),
    ("filled", "green"),
    ("duplicate", "gray"),
    ("ignored", "gray"),
    ("rejected", "red"),
    ("failed", "red"),
)


def status_badge(status: rx.Var[str]) -> rx.Component:
    return rx.badge(
        status,
        color_scheme=rx.match(status, *STATUS_COLORS, "gray"),
        variant="soft",
        class_name="signal-status",
    )


def payload_cell(payload_json: rx.Var[str]) -> rx.Component:
    """The stored payload, collapsed until clicked."""
    return rx.el.details(
        rx.el.summary("payload", style={"cursor": "pointer", "color": rx.color("accent", 11)}),
        rx.el.pre(
            payload_json,
            style={
                "font_family": "var(--code-font-family)",
                "font_size": "12px",
                "background": rx.color("gray", 2),
                "border_radius": "6px",
                "padding": "8px 10px",
                "margin": "6px 0 0 0",
                "max_width": "420px",
                "overflow_x": "auto",
            },
        ),
    )


def signals_table(rows: rx.Var[list]) -> rx.Component:
    def row(signal: rx.Var) -> rx.Component:
        return rx.table.row(
            rx.table.cell(signal.received_at, white_space="nowrap", color=rx.color("gray", 11)),
            rx.table.cell(status_badge(signal.status)),
            rx.table.cell(signal.action),
            rx.table.cell(rx.text(signal.ticker, weight="bold", as_="span")),
            rx.table.cell(signal.reason, max_width="360px"),
            rx.table.cell(payload_cell(signal.payload_json)),
            vertical_align="top",
        )

    return rx.table.root(
        rx.table.header(
            rx.table.row(
                *(
                    rx.table.column_header_cell(title)
                    for title in ("Received (UTC)", "Status", "Action", "Ticker", "Reason", "")
                )
            )
        ),
        rx.table.body(rx.foreach(rows, row)),
        variant="surface",
        width="100%",
        id="signals-table",
    )


def status_filter(value: rx.Var[str], on_change: Any) -> rx.Component:
    return rx.hstack(
        rx.text("Status", size="2", weight="medium"),
        rx.select(STATUS_FILTERS, value=value, on_change=on_change, id="signal-status-filter"),
        align="center",
        spacing="2",
    )


def signals_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            rx.hstack(
                status_filter(SignalsState.status_filter, SignalsState.filter_by_status),
                rx.spacer(),
                live_indicator(LiveState.live),
                width="100%",
                align="center",
            ),
            rx.cond(
                SignalsState.rows.length() > 0,
                signals_table(SignalsState.rows),
                rx.cond(
                    SignalsState.loaded,
                    rx.callout(
                        "No signals yet. Alerts sent to your webhooks show up here.",
                        icon="info",
                        color_scheme="gray",
                        id="no-signals",
                    ),
                    rx.spinner(),
                ),
            ),
            spacing="4",
            width="100%",
        ),
        title="Signals",
        email=AuthState.email,
        on_sign_out=AuthState.sign_out,
    )
