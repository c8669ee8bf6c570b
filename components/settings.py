"""/settings pieces: the preferences form and the exchange-rate section (explanation,
ECB file upload, a rate typed by hand, the user's own rates). Pure: data and handlers
come in as arguments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import reflex as rx

from components.forms import csv_dropzone, field_error, form_banner, text_field


def _datalist(list_id: str, options: Sequence[str]) -> rx.Component:
    return rx.el.datalist(*(rx.el.option(value=o) for o in options), id=list_id)


def _suggesting_input(
    label: str,
    *,
    name: str,
    value: rx.Var[str],
    error: rx.Var[str],
    on_change: Any,
    options: Sequence[str],
    **props: Any,
) -> rx.Component:
    """A controlled input that suggests `options` as the user types (native datalist)."""
    list_id = f"{name}-options"
    return rx.vstack(
        rx.text(label, as_="label", size="2", weight="medium", html_for=f"field-{name}"),
        rx.input(
            name=name,
            id=f"field-{name}",
            value=value,
            on_change=on_change,
            custom_attrs={"list": list_id, "autoComplete": "off"},
            width="100%",
            **props,
        ),
        _datalist(list_id, options),
        field_error(error, name=name),
        spacing="1",
        width="100%",
    )


def preferences_form(
    *,
    default_currency: rx.Var[str],
    show_converted: rx.Var[bool],
    time_zone: rx.Var[str],
    browser_zone: rx.Var[str],
    errors: rx.Var[dict[str, str]],
    form_error: rx.Var[str],
    currencies: Sequence[str],
    zones: Sequence[str],
    on_currency: Any,
    on_show_converted: Any,
    on_time_zone: Any,
    on_use_browser_zone: Any,
    on_submit: Any,
) -> rx.Component:
    """Default currency, converted values on/off, time zone (IANA name)."""
    return rx.form(
        rx.vstack(
            form_banner(form_error),
            _suggesting_input(
                "Default currency (ISO 4217)",
                name="default_currency",
                value=default_currency,
                error=errors["default_currency"],
                on_change=on_currency,
                options=currencies,
                max_length=3,
                placeholder=", ".join(currencies[:3]),
            ),
            rx.hstack(
                rx.switch(checked=show_converted, on_change=on_show_converted),
                rx.text("Show converted values next to each account's own currency", size="2"),
                align="center",
                spacing="2",
                id="show-converted",
            ),
            _suggesting_input(
                "Time zone (IANA name, e.g. Europe/Berlin)",
                name="time_zone",
                value=time_zone,
                error=errors["time_zone"],
                on_change=on_time_zone,
                options=zones,
                placeholder="Europe/Berlin",
            ),
            rx.cond(
                (browser_zone != "") & (browser_zone != time_zone),
                rx.button(
                    rx.icon("locate", size=14),
                    f"Use this browser's zone: {browser_zone}",
                    type="button",
                    variant="soft",
                    size="1",
                    on_click=on_use_browser_zone,
                    id="use-browser-zone",
                ),
            ),
            rx.text(
                "Times are stored in UTC and shown in this zone; it also decides which "
                "calendar day a trade or a deposit belongs to.",
                size="1",
                color=rx.color("gray", 10),
            ),
            rx.hstack(
                rx.button("Save settings", type="submit", id="settings-form-submit"),
                justify="end",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=on_submit,
        reset_on_submit=False,
        id="settings-form",
        width="100%",
    )


RATE_NOTES = (
    "Rates are the European Central Bank's reference rates: how many units of a "
    "currency one euro buys (e.g. USD 1.10 means 1 EUR = 1.10 USD). Other pairs are "
    "crossed through EUR.",
    "A day without a rate (weekend, holiday) uses the nearest earlier business day, "
    "at most 7 days back. Anything older is shown as a missing rate, never guessed.",
    "TrendEdge ships a small ECB history. Rates you upload or type here apply to you "
    "only and win over the shared ones for the same day and currency.",
)


def rates_explanation() -> rx.Component:
    return rx.vstack(
        *(rx.text(line, size="2", color=rx.color("gray", 11)) for line in RATE_NOTES),
        spacing="1",
        id="rates-explanation",
    )


def rates_upload(
    *,
    upload_id: str,
    busy: rx.Var[bool],
    error: rx.Var[str],
    issues: rx.Var[list[str]],
    summary: rx.Var[str],
    on_upload: Any,
) -> rx.Component:
    """Upload an ECB CSV (`eurofxref-hist.csv` or `eurofxref.csv`): all rates or none."""
    return rx.vstack(
        rx.text("Upload an ECB rate file", size="2", weight="medium"),
        csv_dropzone(upload_id, "Drop eurofxref-hist.csv here or click to choose"),
        rx.button(
            rx.cond(busy, rx.spinner(size="1"), rx.icon("upload", size=14)),
            "Load rates",
            on_click=on_upload(rx.upload_files(upload_id=upload_id)),
            variant="soft",
            id="rates-upload-submit",
        ),
        rx.cond(
            error != "",
            rx.callout(
                rx.vstack(
                    rx.text(error, weight="medium"),
                    rx.foreach(issues, lambda line: rx.text(line, size="1")),
                    spacing="1",
                ),
                icon="triangle-alert",
                color_scheme="red",
                size="1",
                id="rates-upload-error",
                width="100%",
            ),
        ),
        rx.cond(summary != "", rx.text(summary, size="1", id="rates-upload-summary")),
        spacing="2",
        width="100%",
    )


def manual_rate_form(*, errors: rx.Var[dict[str, str]], on_submit: Any) -> rx.Component:
    """One rate by hand: the day, the currency, units of it per 1 EUR."""
    return rx.form(
        rx.vstack(
            rx.text("Enter a rate by hand", size="2", weight="medium"),
            rx.hstack(
                text_field(
                    "Day",
                    name="day",
                    value=rx.Var.create(""),
                    error=errors["day"],
                    input_type="date",
                ),
                text_field(
                    "Currency",
                    name="currency",
                    value=rx.Var.create(""),
                    error=errors["currency"],
                    placeholder="USD",
                    max_length=3,
                ),
                text_field(
                    "Units per 1 EUR",
                    name="rate",
                    value=rx.Var.create(""),
                    error=errors["rate"],
                    placeholder="1.0850",
                    input_mode="decimal",
                ),
                rx.button("Add rate", type="submit", id="rate-form-submit", margin_top="24px"),
                width="100%",
                spacing="3",
                align="start",
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=on_submit,
        reset_on_submit=False,
        id="rate-form",
        width="100%",
    )


def rates_table(rows: rx.Var[list], *, on_delete: Any) -> rx.Component:
    def row(item: rx.Var) -> rx.Component:
        return rx.table.row(
            rx.table.cell(item.day),
            rx.table.cell(rx.badge(item.currency, variant="surface")),
            rx.table.cell(item.rate, text_align="right"),
            rx.table.cell(item.source, color=rx.color("gray", 10)),
            rx.table.cell(
                rx.icon_button(
                    rx.icon("trash-2", size=14),
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=on_delete(item.id),
                    class_name="delete-rate",
                    aria_label="Delete rate",
                )
            ),
        )

    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell("Day"),
                rx.table.column_header_cell("Currency"),
                rx.table.column_header_cell("Per 1 EUR", text_align="right"),
                rx.table.column_header_cell("Source"),
                rx.table.column_header_cell(""),
            )
        ),
        rx.table.body(rx.foreach(rows, row)),
        variant="surface",
        width="100%",
        id="rates-table",
    )
