"""The application shell: sidebar navigation, top bar with the user menu."""

from __future__ import annotations

from typing import Any

import reflex as rx

NAV_ITEMS: tuple[tuple[str, str, str], ...] = (
    ("Dashboard", "/", "layout-dashboard"),
    ("Trades", "/trades", "chart-candlestick"),
    ("Journal", "/journal", "notebook-pen"),
    ("Playbooks", "/playbooks", "book-open-check"),
    ("Trendlines", "/trendlines", "chart-line"),
    ("Signals", "/signals", "radio-tower"),
    ("Webhooks", "/webhooks", "webhook"),
    ("Imports", "/imports", "file-up"),
    ("Accounts", "/accounts", "wallet"),
    ("Import & export", "/data", "arrow-down-up"),
    ("Money", "/money", "coins"),
    ("Settings", "/settings", "settings"),
)


def nav_link(label: str, href: str, icon: str) -> rx.Component:
    return rx.link(
        rx.hstack(rx.icon(icon, size=18), rx.text(label, size="3"), spacing="3", align="center"),
        href=href,
        underline="none",
        color_scheme="gray",
        high_contrast=True,
        padding="8px 12px",
        border_radius="8px",
        width="100%",
        _hover={"background": rx.color("accent", 3)},
    )


def sidebar() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.icon("trending-up", size=24, color=rx.color("accent", 9)),
            rx.heading("TrendEdge", size="5"),
            align="center",
            spacing="2",
            padding_bottom="16px",
        ),
        *(nav_link(label, href, icon) for label, href, icon in NAV_ITEMS),
        width="220px",
        min_width="220px",
        height="100vh",
        padding="20px 12px",
        border_right=f"1px solid {rx.color('gray', 5)}",
        background=rx.color("gray", 2),
        position="sticky",
        top="0",
        spacing="1",
    )


def sign_out_button(on_sign_out: Any) -> rx.Component:
    return rx.button(
        rx.icon("log-out", size=16),
        "Sign out",
        variant="soft",
        color_scheme="gray",
        on_click=on_sign_out,
        id="sign-out",
    )


def user_menu(email: rx.Var[str], on_sign_out: Any) -> rx.Component:
    return rx.hstack(
        rx.hstack(
            rx.icon("circle-user", size=18),
            rx.text(email, id="user-email", size="2"),
            align="center",
            spacing="2",
        ),
        sign_out_button(on_sign_out),
        align="center",
        spacing="4",
    )


def app_shell(
    *children: rx.Component, title: str, email: rx.Var[str], on_sign_out: Any
) -> rx.Component:
    """A private page: sidebar, a top bar with the title and the user menu, the content."""
    return rx.hstack(
        sidebar(),
        rx.vstack(
            rx.hstack(
                rx.heading(title, size="6"),
                rx.spacer(),
                user_menu(email, on_sign_out),
                width="100%",
                align="center",
                padding="16px 28px",
                border_bottom=f"1px solid {rx.color('gray', 5)}",
            ),
            rx.box(*children, padding="24px 28px", width="100%"),
            width="100%",
            min_width="0",  # let wide tables scroll instead of widening the page
            spacing="0",
        ),
        spacing="0",
        width="100%",
        align="start",
    )
