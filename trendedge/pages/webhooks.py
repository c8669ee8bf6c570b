"""`/webhooks`: webhook URLs for TradingView, alert message templates, payload reference."""

from __future__ import annotations

import reflex as rx

from components.layout import app_shell
from components.webhooks import (
    alert_templates_section,
    new_webhook_form,
    no_account_callout,
    once_url_callout,
    payload_docs,
    webhooks_table,
)
from trendedge.domain.alert_templates import alert_templates
from trendedge.state.auth import AuthState
from trendedge.state.webhooks import WebhooksState


def new_webhook_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(
                rx.icon("plus", size=16),
                "New webhook",
                on_click=WebhooksState.open_new,
                disabled=WebhooksState.account_options.length() == 0,
                id="new-webhook",
            )
        ),
        rx.dialog.content(
            rx.dialog.title("New webhook"),
            rx.dialog.description(
                "A URL that sends TradingView alerts to one account.",
                size="2",
                margin_bottom="12px",
            ),
            new_webhook_form(
                values=WebhooksState.form,
                errors=WebhooksState.errors,
                form_error=WebhooksState.form_error,
                account_options=WebhooksState.account_options,
                on_submit=WebhooksState.create,
                extra_actions=(
                    rx.dialog.close(
                        rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                    ),
                ),
            ),
            max_width="560px",
        ),
        open=WebhooksState.dialog_open,
        on_open_change=WebhooksState.set_dialog_open,
    )


def tokens_section() -> rx.Component:
    return rx.cond(
        WebhooksState.rows.length() > 0,
        webhooks_table(
            WebhooksState.rows, on_revoke=WebhooksState.revoke, on_rotate=WebhooksState.rotate
        ),
        rx.cond(
            WebhooksState.loaded,
            rx.cond(
                WebhooksState.account_options.length() > 0,
                rx.callout(
                    "No webhooks yet. Create one to connect TradingView.",
                    icon="info",
                    id="no-webhooks",
                ),
                no_account_callout(),
            ),
            rx.spinner(),
        ),
    )


def webhooks_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            rx.hstack(
                rx.text(
                    "Each webhook URL sends alerts to one account. The URL is the password: "
                    "it is shown only once.",
                    color=rx.color("gray", 11),
                ),
                rx.spacer(),
                new_webhook_dialog(),
                width="100%",
                align="center",
            ),
            once_url_callout(
                WebhooksState.new_url,
                WebhooksState.new_url_label,
                on_dismiss=WebhooksState.dismiss_url,
            ),
            tokens_section(),
            rx.divider(margin_y="8px"),
            alert_templates_section(alert_templates()),
            payload_docs(),
            spacing="4",
            width="100%",
        ),
        title="Webhooks",
        email=AuthState.email,
        on_sign_out=AuthState.sign_out,
    )
