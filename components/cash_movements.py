"""The cash-movement form (deposit, withdrawal, fee, adjustment) and the list of
recent movements. Pure: data and handlers come in as arguments."""

from __future__ import annotations

from typing import Any

import reflex as rx

from components.forms import field_error, form_banner, text_field
from trendedge.services.cash_transactions import KINDS


def _select_field(
    label: str, *, name: str, items: Any, error: rx.Var[str], default: Any = None
) -> rx.Component:
    return rx.vstack(
        rx.text(label, as_="label", size="2", weight="medium"),
        rx.select.root(
            rx.select.trigger(width="100%", id=f"field-{name}", placeholder="Choose"),
            rx.select.content(items),
            name=name,
            default_value=default,
        ),
        field_error(error, name=name),
        spacing="1",
        width="100%",
    )


def cash_form(
    *,
    accounts: rx.Var[list],
    errors: rx.Var[dict[str, str]],
    form_error: rx.Var[str],
    today: rx.Var[str],
    time_zone: rx.Var[str],
    on_submit: Any,
) -> rx.Component:
    """Record a deposit, withdrawal, fee or adjustment; the date and time are in the
    user's time zone."""
    return rx.form(
        rx.vstack(
            form_banner(form_error),
            rx.hstack(
                _select_field(
                    "Account",
                    name="account_id",
                    items=rx.foreach(accounts, lambda a: rx.select.item(a.label, value=a.id)),
                    error=errors["account_id"],
                ),
                _select_field(
                    "Kind",
                    name="kind",
                    items=[rx.select.item(k.capitalize(), value=k) for k in KINDS],
                    error=errors["kind"],
                    default="deposit",
                ),
                text_field(
                    "Amount",
                    name="amount",
                    value=rx.Var.create(""),
                    error=errors["amount"],
                    input_mode="decimal",
                    placeholder="e.g. 500",
                ),
                width="100%",
                spacing="3",
                align="start",
            ),
            rx.hstack(
                text_field("Date", name="day", value=today, error=errors["day"], input_type="date"),
                text_field(
                    f"Time ({time_zone})",
                    name="clock",
                    value=rx.Var.create("12:00"),
                    error=errors["clock"],
                    input_type="time",
                ),
                text_field("Note", name="note", value=rx.Var.create(""), error=errors["note"]),
                width="100%",
                spacing="3",
                align="start",
            ),
            rx.hstack(
                rx.button("Record", type="submit", id="cash-form-submit"),
                justify="end",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=on_submit,
        reset_on_submit=False,
        id="cash-form",
        width="100%",
    )


def cash_table(rows: rx.Var[list], *, on_delete: Any) -> rx.Component:
    def row(item: rx.Var) -> rx.Component:
        return rx.table.row(
            rx.table.cell(item.when, white_space="nowrap"),
            rx.table.cell(item.account),
            rx.table.cell(rx.badge(item.kind, variant="soft")),
            rx.table.cell(item.amount + " " + item.currency, text_align="right"),
            rx.table.cell(item.note, color=rx.color("gray", 10)),
            rx.table.cell(
                rx.icon_button(
                    rx.icon("trash-2", size=14),
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=on_delete(item.id),
                    class_name="delete-cash",
                    aria_label="Delete movement",
                )
            ),
        )

    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell("When"),
                rx.table.column_header_cell("Account"),
                rx.table.column_header_cell("Kind"),
                rx.table.column_header_cell("Amount", text_align="right"),
                rx.table.column_header_cell("Note"),
                rx.table.column_header_cell(""),
            )
        ),
        rx.table.body(rx.foreach(rows, row)),
        variant="surface",
        width="100%",
        id="cash-table",
    )
