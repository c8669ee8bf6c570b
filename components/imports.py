"""Broker statement import pieces: the form, the progress panel, questions, the column
mapper and the history. Every component takes its data and handlers as arguments."""

from __future__ import annotations

from typing import Any

import reflex as rx

from components.forms import csv_dropzone, field_error

STATUS_COLOURS = (
    ("done", "green"),
    ("running", "blue"),
    ("queued", "blue"),
    ("needs_input", "amber"),
    ("rejected", "red"),
    ("failed", "red"),
)
ANSWERS = {
    "date_order": (("day_first", "Day first (31/12)"), ("month_first", "Month first (12/31)")),
    "decimal_style": (("point", "Decimal point (1,234.50)"), ("comma", "Decimal comma (1.234,50)")),
}


def status_badge(status: rx.Var[str], **props: Any) -> rx.Component:
    return rx.badge(status, color_scheme=rx.match(status, *STATUS_COLOURS, "gray"), **props)


def labelled(label: str, control: rx.Component) -> rx.Component:
    return rx.vstack(rx.text(label, size="2", weight="medium"), control, spacing="1")


def import_form(
    *,
    upload_id: str,
    accounts: rx.Var[list[dict[str, str]]],
    account_id: rx.Var[str],
    time_zone: rx.Var[str],
    date_order: rx.Var[str],
    decimal_style: rx.Var[str],
    accept_partial: rx.Var[bool],
    errors: rx.Var[dict[str, str]],
    busy: rx.Var[bool],
    handlers: dict[str, Any],
) -> rx.Component:
    """Account, reading options and the file; the button checks and queues it."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                labelled(
                    "Account",
                    rx.select.root(
                        rx.select.trigger(placeholder="Choose an account", id="import-account"),
                        rx.select.content(
                            rx.foreach(accounts, lambda a: rx.select.item(a["name"], value=a["id"]))
                        ),
                        value=account_id,
                        on_change=handlers["account"],
                    ),
                ),
                labelled(
                    "Time zone of the file",
                    rx.input(
                        value=time_zone,
                        on_change=handlers["time_zone"],
                        id="import-time-zone",
                        placeholder="America/New_York",
                    ),
                ),
                labelled(
                    "Dates",
                    rx.select(
                        ["auto", "day_first", "month_first"],
                        value=date_order,
                        on_change=handlers["date_order"],
                    ),
                ),
                labelled(
                    "Numbers",
                    rx.select(
                        ["auto", "point", "comma"],
                        value=decimal_style,
                        on_change=handlers["decimal_style"],
                    ),
                ),
                spacing="4",
                wrap="wrap",
            ),
            field_error(errors["account"], name="import-account"),
            csv_dropzone(
                upload_id,
                "Drop a broker CSV here or click to choose",
                hint="CSV, at most 10 MB and 100,000 rows",
                size="2",
                padding="16px",
            ),
            field_error(errors["file"], name="import-file"),
            field_error(errors["options"], name="import-options"),
            rx.hstack(
                rx.checkbox(
                    "If some rows are bad, import the good ones (and list the bad)",
                    checked=accept_partial,
                    on_change=handlers["accept_partial"],
                    id="import-accept-partial",
                ),
                rx.spacer(),
                rx.button(
                    rx.cond(busy, rx.spinner(size="1"), rx.icon("upload", size=14)),
                    "Import",
                    on_click=handlers["upload"](rx.upload_files(upload_id=upload_id)),
                    id="import-submit",
                ),
                width="100%",
                align="center",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def counter(label: str, value: rx.Var[int], element_id: str) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        rx.heading(value, size="5", id=element_id),
        spacing="0",
    )


def line_errors(rows: rx.Var[list[dict[str, str]]]) -> rx.Component:
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell("Line"),
                rx.table.column_header_cell("Column"),
                rx.table.column_header_cell("Problem"),
            )
        ),
        rx.table.body(
            rx.foreach(
                rows,
                lambda e: rx.table.row(
                    rx.table.cell(e["line"]),
                    rx.table.cell(e["column"]),
                    rx.table.cell(e["message"]),
                ),
            )
        ),
        size="1",
        id="import-errors",
    )


def question_panel(questions: rx.Var[list[dict[str, str]]], on_answer: Any) -> rx.Component:
    def one(question: rx.Var[dict[str, str]]) -> rx.Component:
        def buttons(kind: str) -> rx.Component:
            return rx.hstack(
                *(
                    rx.button(
                        label, on_click=on_answer(kind, value), variant="soft", id=f"answer-{value}"
                    )
                    for value, label in ANSWERS[kind]
                )
            )

        return rx.callout.root(
            rx.callout.text(question["message"]),
            rx.match(
                question["column"],
                ("date_order", buttons("date_order")),
                ("decimal_style", buttons("decimal_style")),
                rx.fragment(),
            ),
            color_scheme="amber",
        )

    return rx.vstack(rx.foreach(questions, one), spacing="2", width="100%")


def progress_panel(view: Any, *, on_answer: Any, on_good_rows: Any) -> rx.Component:
    """The watched import: progress bar, status, summary counters, problems."""
    return rx.cond(
        view.status != "",
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.text(view.filename, weight="medium"),
                    rx.badge(view.format, variant="soft"),
                    rx.spacer(),
                    status_badge(view.status, id="import-status"),
                    width="100%",
                ),
                rx.progress(value=view.percent, max=100, id="import-progress", width="100%"),
                rx.text(view.message, size="2", id="import-message"),
                rx.hstack(
                    counter("Rows read", view.rows_total, "import-rows"),
                    counter("Trades created", view.trades_created, "import-trades"),
                    counter("Duplicates skipped", view.duplicates, "import-duplicates"),
                    counter("Rows rejected", view.rejected, "import-rejected"),
                    spacing="6",
                    wrap="wrap",
                ),
                question_panel(view.questions, on_answer),
                rx.cond(
                    view.status == "rejected",
                    rx.button(
                        "Import the good rows only",
                        on_click=on_good_rows,
                        variant="soft",
                        color_scheme="amber",
                        id="import-good-rows",
                    ),
                ),
                rx.cond(view.errors.length() > 0, line_errors(view.errors)),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
    )


def column_mapper(
    *,
    header: rx.Var[list[str]],
    mapping: rx.Var[dict[str, str]],
    fields: list[str],
    required: tuple[str, ...],
    errors: rx.Var[dict[str, str]],
    on_field: Any,
    on_import: Any,
    upload_id: str,
) -> rx.Component:
    """Shown for an unknown layout: which column holds which field (remembered per account)."""

    def picker(field: str) -> rx.Component:
        label = field.replace("_", " ") + (" *" if field in required else "")
        return rx.vstack(
            rx.text(label, size="1", weight="medium"),
            rx.select(
                header,
                value=rx.cond(mapping[field] != "", mapping[field], "-"),
                on_change=lambda column: on_field(field, column),
                placeholder="-",
                id=f"map-{field}",
            ),
            field_error(errors[f"mapping.{field}"], name=f"map-{field}"),
            spacing="1",
        )

    return rx.cond(
        header.length() > 0,
        rx.card(
            rx.vstack(
                rx.heading("Column mapper", size="3"),
                rx.text(
                    "TrendEdge does not know this layout. Say which column holds each field "
                    "(* required); the mapping is remembered for this account.",
                    size="2",
                ),
                rx.hstack(*(picker(f) for f in fields), spacing="3", wrap="wrap"),
                rx.button(
                    "Import with this mapping",
                    on_click=on_import(rx.upload_files(upload_id=upload_id)),
                    id="import-mapped",
                ),
                spacing="3",
            ),
            width="100%",
        ),
    )


def history_table(rows: rx.Var[list[Any]]) -> rx.Component:
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                *(
                    rx.table.column_header_cell(h)
                    for h in (
                        "When",
                        "File",
                        "Format",
                        "Status",
                        "Trades",
                        "Duplicates",
                        "Rejected",
                    )
                )
            )
        ),
        rx.table.body(
            rx.foreach(
                rows,
                lambda r: rx.table.row(
                    rx.table.cell(r.created_at),
                    rx.table.cell(r.filename),
                    rx.table.cell(r.format),
                    rx.table.cell(status_badge(r.status)),
                    rx.table.cell(r.trades_created),
                    rx.table.cell(r.duplicates),
                    rx.table.cell(r.rejected),
                ),
            )
        ),
        size="1",
        width="100%",
    )
