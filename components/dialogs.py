"""Confirmation dialogs for destructive actions."""

from __future__ import annotations

from typing import Any

import reflex as rx


def confirm_action(
    trigger: rx.Component, *, title: str, description: Any, confirm: str, on_confirm: Any
) -> rx.Component:
    """An alert dialog: `trigger` opens it, `confirm` runs `on_confirm`."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(trigger),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(rx.button(confirm, color_scheme="red", on_click=on_confirm)),
                justify="end",
                spacing="3",
                margin_top="12px",
            ),
        ),
    )
