"""Account form and accounts table."""

from __future__ import annotations

from typing import Any

import reflex as rx

from components.dialogs import confirm_action
from components.forms import field_error, form_banner, text_area_field, text_field
from trendedge.domain.currencies import COMMON_CURRENCIES


def account_fields(values: rx.Var[dict[str, str]], errors: rx.Var[dict[str, str]]):
    return (
        text_field(
            "Name",
            name="name",
            value=values["name"],
            error=errors["name"],
            placeholder="e.g. Apex eval 50K",
        ),
        text_field(
            "Broker",
            name="broker",
            value=values["broker"],
            error=errors["broker"],
            placeholder="e.g. Tradovate",
        ),
        rx.hstack(
            text_field(
                "Currency (ISO 4217)",
                name="currency",
                value=values["currency"],
                error=errors["currency"],
                placeholder=", ".join(COMMON_CURRENCIES[:3]),
                max_length=3,
            ),
            text_field(
                "Initial balance",
                name="initial_balance",
                value=values["initial_balance"],
                error=errors["initial_balance"],
                input_type="text",
                input_mode="decimal",
            ),
            width="100%",
            spacing="3",
        ),
        paper_fields(values, errors),
        text_area_field("Notes", name="notes", value=values["notes"], error=errors["notes"]),
    )


FILL_BASIS_OPTIONS: tuple[tuple[str, str], ...] = (
    ("alert_price", "Alert price"),
    ("bar_close", "Bar close"),
)


def fill_basis_field(value: rx.Var[str], error: rx.Var[str]) -> rx.Component:
    return rx.vstack(
        rx.text("Fill price from", as_="label", size="2", weight="medium"),
        rx.select.root(
            rx.select.trigger(width="100%", id="field-fill_basis"),
            rx.select.content(
                *(rx.select.item(label, value=key) for key, label in FILL_BASIS_OPTIONS)
            ),
            name="fill_basis",
            default_value=value,
        ),
        field_error(error, name="fill_basis"),
        spacing="1",
        width="100%",
    )


def paper_fields(values: rx.Var[dict[str, str]], errors: rx.Var[dict[str, str]]):
    """The paper-trading fill model: slippage, commission, which price fills start from."""
    return rx.vstack(
        rx.text("Paper fills", size="2", weight="bold", color=rx.color("gray", 11)),
        rx.hstack(
            text_field(
                "Slippage (ticks)",
                name="slippage_ticks",
                value=values["slippage_ticks"],
                error=errors["slippage_ticks"],
                input_mode="numeric",
            ),
            text_field(
                "Commission per side",
                name="commission_per_side",
                value=values["commission_per_side"],
                error=errors["commission_per_side"],
                placeholder="contract default",
                input_mode="decimal",
            ),
            fill_basis_field(values["fill_basis"], errors["fill_basis"]),
            width="100%",
            spacing="3",
            align="start",
        ),
        default_stop_field(values["default_stop_ticks"], errors["default_stop_ticks"]),
        spacing="2",
        width="100%",
    )


def default_stop_field(value: rx.Var[str], error: rx.Var[str]) -> rx.Component:
    """The account's default stop rule: ticks from the entry, used when a trade has no stop."""
    return rx.vstack(
        text_field(
            "Default stop (ticks)",
            name="default_stop_ticks",
            value=value,
            error=error,
            placeholder="none",
            input_mode="numeric",
        ),
        rx.text(
            "When a signal or a manual trade carries no stop, assume one this many ticks "
            "from the entry so its R can be computed. Leave blank for none.",
            size="1",
            color=rx.color("gray", 10),
            id="help-default_stop_ticks",
        ),
        spacing="1",
        width="100%",
    )


def account_form(
    *,
    values: rx.Var[dict[str, str]],
    errors: rx.Var[dict[str, str]],
    form_error: rx.Var[str],
    on_submit: Any,
    submit_label: str,
    form_id: str,
    extra_actions: tuple[rx.Component, ...] = (),
) -> rx.Component:
    return rx.form(
        rx.vstack(
            form_banner(form_error),
            *account_fields(values, errors),
            rx.hstack(
                *extra_actions,
                rx.button(submit_label, type="submit", id=f"{form_id}-submit"),
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


def accounts_table(rows: rx.Var[list], *, on_delete: Any) -> rx.Component:
    def row(account: rx.Var) -> rx.Component:
        return rx.table.row(
            rx.table.row_header_cell(
                rx.link(account.name, href="/accounts/" + account.id.to_string())
            ),
            rx.table.cell(account.broker),
            rx.table.cell(rx.badge(account.currency, variant="surface")),
            rx.table.cell(account.initial_balance, text_align="right"),
            rx.table.cell(account.updated_at, color=rx.color("gray", 10)),
            rx.table.cell(
                rx.hstack(
                    rx.link(
                        rx.icon_button(rx.icon("pencil", size=14), size="1", variant="soft"),
                        href="/accounts/" + account.id.to_string(),
                    ),
                    confirm_action(
                        rx.icon_button(
                            rx.icon("trash-2", size=14),
                            size="1",
                            variant="soft",
                            color_scheme="red",
                            aria_label="Delete " + account.name,
                        ),
                        title="Delete account?",
                        description="This deletes '" + account.name + "' and cannot be undone.",
                        confirm="Delete",
                        on_confirm=on_delete(account.id),
                    ),
                    spacing="2",
                ),
            ),
        )

    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell("Name"),
                rx.table.column_header_cell("Broker"),
                rx.table.column_header_cell("Currency"),
                rx.table.column_header_cell("Initial balance", text_align="right"),
                rx.table.column_header_cell("Updated"),
                rx.table.column_header_cell(""),
            )
        ),
        rx.table.body(rx.foreach(rows, row)),
        variant="surface",
        width="100%",
        id="accounts-table",
    )
