"""Webhook tokens table, 'new webhook' form, the once-shown URL, alert templates and docs."""

from __future__ import annotations

from typing import Any

import reflex as rx

from components.dialogs import confirm_action
from components.forms import field_error, form_banner, text_field


def copy_button(text: Any, *, label: str = "Copy", element_id: str | None = None) -> rx.Component:
    props = {"id": element_id} if element_id else {}
    return rx.button(
        rx.icon("copy", size=14),
        label,
        size="1",
        variant="soft",
        type="button",
        on_click=[rx.set_clipboard(text), rx.toast.info("Copied to the clipboard")],
        **props,
    )


def once_url_callout(url: rx.Var[str], label: rx.Var[str], *, on_dismiss: Any) -> rx.Component:
    """The full URL of a just-issued token, with a copy button; it is shown this once."""
    return rx.cond(
        url != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("key-round")),
            rx.vstack(
                rx.text(label, ": copy the URL now. It will not be shown again.", weight="bold"),
                rx.hstack(
                    rx.code(
                        url, id="webhook-url", size="2", variant="outline", word_break="break-all"
                    ),
                    copy_button(url, element_id="copy-webhook-url"),
                    align="center",
                    spacing="3",
                    width="100%",
                ),
                rx.text(
                    "Paste it into the Webhook URL of your TradingView alert. Anyone with the "
                    "URL can send signals to this account: keep it secret; rotate it if leaked.",
                    size="2",
                ),
                rx.button("I saved it", size="1", variant="soft", on_click=on_dismiss),
                spacing="2",
                width="100%",
            ),
            color_scheme="amber",
            width="100%",
            id="webhook-url-callout",
        ),
    )


def no_account_callout() -> rx.Component:
    return rx.callout.root(
        rx.callout.icon(rx.icon("info")),
        rx.callout.text(
            "A webhook sends signals to one trading account. ",
            rx.link("Create an account", href="/accounts"),
            " first.",
        ),
        id="no-account-for-webhook",
    )


def account_select(options: rx.Var[list], value: rx.Var[str], error: rx.Var[str]) -> rx.Component:
    return rx.vstack(
        rx.text("Account", as_="label", size="2", weight="medium"),
        rx.select.root(
            rx.select.trigger(width="100%", id="field-account_id"),
            rx.select.content(
                rx.foreach(options, lambda option: rx.select.item(option.name, value=option.id))
            ),
            name="account_id",
            default_value=value,
        ),
        field_error(error, name="account_id"),
        spacing="1",
        width="100%",
    )


def new_webhook_form(
    *,
    values: rx.Var[dict[str, str]],
    errors: rx.Var[dict[str, str]],
    form_error: rx.Var[str],
    account_options: rx.Var[list],
    on_submit: Any,
    extra_actions: tuple[rx.Component, ...] = (),
) -> rx.Component:
    form_id = "new-webhook-form"
    return rx.form(
        rx.vstack(
            form_banner(form_error),
            account_select(account_options, values["account_id"], errors["account_id"]),
            text_field(
                "Label",
                name="label",
                value=values["label"],
                error=errors["label"],
                placeholder="e.g. NQ trend strategy",
                max_length=100,
            ),
            text_field(
                "HMAC secret (optional)",
                name="hmac_secret",
                value=values["hmac_secret"],
                error=errors["hmac_secret"],
                placeholder="at least 16 characters; senders then sign with X-Signature",
                input_type="password",
                auto_complete="new-password",
            ),
            text_field(
                "Allowed IPs (optional)",
                name="allowed_ips",
                value=values["allowed_ips"],
                error=errors["allowed_ips"],
                placeholder="e.g. 52.89.214.238, 34.212.75.30/32",
            ),
            rx.text(
                "TradingView cannot sign requests: leave the HMAC secret empty for TradingView. "
                "An empty allow-list accepts every address.",
                size="1",
                color=rx.color("gray", 10),
            ),
            rx.hstack(
                *extra_actions,
                rx.button("Create webhook", type="submit", id=f"{form_id}-submit"),
                justify="end",
                width="100%",
                spacing="3",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=on_submit,
        reset_on_submit=False,
        id=form_id,
        width="100%",
    )


def _status_badge(active: rx.Var[bool]) -> rx.Component:
    return rx.cond(
        active,
        rx.badge("active", color_scheme="green", variant="soft"),
        rx.badge("revoked", color_scheme="gray", variant="soft"),
    )


def _token_actions(token: rx.Var, *, on_revoke: Any, on_rotate: Any) -> rx.Component:
    return rx.cond(
        token.active,
        rx.hstack(
            confirm_action(
                rx.button(
                    rx.icon("refresh-cw", size=14),
                    "Rotate",
                    size="1",
                    variant="soft",
                    class_name="rotate-webhook",
                ),
                title="Rotate webhook?",
                description="The current URL stops working now and a new one is issued. "
                "Update your TradingView alerts with the new URL.",
                confirm="Rotate",
                on_confirm=on_rotate(token.id),
            ),
            confirm_action(
                rx.button(
                    rx.icon("ban", size=14),
                    "Revoke",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    class_name="revoke-webhook",
                ),
                title="Revoke webhook?",
                description="Signals sent to this URL will be refused from now on. "
                "This cannot be undone.",
                confirm="Revoke",
                on_confirm=on_revoke(token.id),
            ),
            spacing="2",
        ),
    )


def webhooks_table(rows: rx.Var[list], *, on_revoke: Any, on_rotate: Any) -> rx.Component:
    def row(token: rx.Var) -> rx.Component:
        return rx.table.row(
            rx.table.row_header_cell(
                rx.cond(token.label != "", token.label, "—"), white_space="nowrap"
            ),
            rx.table.cell(token.account_name, white_space="nowrap"),
            rx.table.cell(rx.code(token.hint, variant="ghost")),
            rx.table.cell(token.created_at, color=rx.color("gray", 10), white_space="nowrap"),
            rx.table.cell(token.last_used_at, color=rx.color("gray", 10), white_space="nowrap"),
            rx.table.cell(_status_badge(token.active)),
            rx.table.cell(rx.cond(token.allowed_ips != "", token.allowed_ips, "any")),
            rx.table.cell(
                rx.cond(
                    token.hmac,
                    rx.badge("on", color_scheme="green", variant="surface"),
                    rx.badge("off", color_scheme="gray", variant="surface"),
                )
            ),
            rx.table.cell(_token_actions(token, on_revoke=on_revoke, on_rotate=on_rotate)),
            opacity=rx.cond(token.active, "1", "0.6"),
        )

    return rx.table.root(
        rx.table.header(
            rx.table.row(
                *(
                    rx.table.column_header_cell(title, white_space="nowrap")
                    for title in (
                        "Label",
                        "Account",
                        "Token",
                        "Created (UTC)",
                        "Last used (UTC)",
                        "Status",
                        "IP allow-list",
                        "HMAC",
                        "",
                    )
                )
            )
        ),
        rx.table.body(rx.foreach(rows, row)),
        variant="surface",
        width="100%",
        id="webhooks-table",
    )


def alert_template_card(title: str, description: str, json_text: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(title, size="3"),
                rx.spacer(),
                copy_button(json_text, label="Copy message"),
                width="100%",
                align="center",
            ),
            rx.text(description, size="2", color=rx.color("gray", 11)),
            rx.el.pre(
                json_text,
                style={
                    "font_family": "var(--code-font-family)",
                    "font_size": "12px",
                    "background": rx.color("gray", 2),
                    "border": f"1px solid {rx.color('gray', 5)}",
                    "border_radius": "6px",
                    "padding": "10px 12px",
                    "overflow_x": "auto",
                    "margin": "0",
                    "width": "100%",
                },
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        min_width="0",
    )


def alert_templates_section(templates: list[tuple[str, str, str]]) -> rx.Component:
    """Static templates: paste one into the alert's Message box."""
    return rx.vstack(
        rx.heading("Alert messages", size="4"),
        rx.text(
            "Paste one of these into the Message box of a TradingView alert whose Webhook URL "
            "is your webhook URL.",
            size="2",
            color=rx.color("gray", 11),
        ),
        rx.grid(
            *(alert_template_card(*template) for template in templates),
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="4",
            width="100%",
        ),
        spacing="3",
        width="100%",
        id="alert-templates",
    )


PAYLOAD_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("action", "required", "buy, sell, exit, flatten or reverse (any case)"),
    ("ticker", "required", "TradingView symbol, e.g. NQ1!, MNQZ2025, CME_MINI:ES1!"),
    ("price", "required", "the alert price; a fill starts from it (or from close)"),
    ("contracts", "buy/sell", "number of contracts; for exit/reverse optional"),
    ("close", "optional", "bar close, used when the account fills at the bar close"),
    ("market_position", "optional", "long, flat or short: strategy mode (trade to this)"),
    ("position_size", "optional", "{{strategy.position_size}}, signed; with market_position"),
    ("stop, target", "optional", "prices kept with the position; stop gives the R multiple"),
    ("setup", "optional", "a label for the trade, up to 100 characters"),
    ("id", "optional", "unique alert id: repeats of the same id are duplicates"),
    ("time", "optional", "{{timenow}}, ISO 8601; naive times are UTC"),
)


def payload_docs() -> rx.Component:
    return rx.vstack(
        rx.heading("Payload", size="4"),
        rx.text(
            "The body must be a JSON object (TradingView sends it as text/plain, which is "
            'fine). Numbers may be strings ("2", "18250.25"); an empty string in an '
            "optional field counts as absent. Unknown fields are kept. Answers: 202 accepted, "
            "200 duplicate, 4xx with the reason when refused; every signal appears under "
            "Signals.",
            size="2",
            color=rx.color("gray", 11),
        ),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Field"),
                    rx.table.column_header_cell("When"),
                    rx.table.column_header_cell("Meaning"),
                )
            ),
            rx.table.body(
                *(
                    rx.table.row(
                        rx.table.cell(rx.code(name)),
                        rx.table.cell(when),
                        rx.table.cell(meaning),
                    )
                    for name, when, meaning in PAYLOAD_FIELDS
                )
            ),
            variant="surface",
            size="1",
            width="100%",
        ),
        rx.text(
            "Actions: buy/sell trade the given contracts; exit closes (or reduces by "
            "contracts); flatten closes everything; reverse flips the side. With "
            "market_position present, TrendEdge trades from the current position to the one "
            "the strategy reports.",
            size="2",
            color=rx.color("gray", 11),
        ),
        spacing="3",
        width="100%",
        id="payload-docs",
    )
