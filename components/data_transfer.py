"""The pieces of the "Import & export" page; data and handlers come in as arguments."""

from __future__ import annotations

from typing import Any

import reflex as rx

from components.forms import csv_dropzone, field_error


def _account_select(
    value: rx.Var[str],
    on_change: Any,
    options: rx.Var[list],
    *,
    first: tuple[str, str],
    element_id: str,
    by: str,
) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(width="100%", id=element_id),
        rx.select.content(
            rx.select.item(first[1], value=first[0]),
            rx.foreach(options, lambda o: rx.select.item(o.name, value=o[by])),
        ),
        value=value,
        on_change=on_change,
    )


def _labelled(label: str, control: rx.Component) -> rx.Component:
    return rx.vstack(rx.text(label, size="2", weight="medium"), control, spacing="1", flex="1")


def _download(label: str, href: rx.Var[str], element_id: str) -> rx.Component:
    # A browser download of the streaming route (a router link would not download).
    return rx.button(
        rx.icon("download", size=16),
        label,
        variant="soft",
        type="button",
        on_click=rx.download(url=href),
        id=element_id,
    )


def export_card(
    *,
    accounts: rx.Var[list],
    account: rx.Var[str],
    start: rx.Var[str],
    end: rx.Var[str],
    range_error: rx.Var[str],
    trades_url: rx.Var[str],
    journal_url: rx.Var[str],
    on_account: Any,
    on_start: Any,
    on_end: Any,
) -> rx.Component:
    """Filters and the two download links."""
    return rx.card(
        rx.vstack(
            rx.heading("Export", size="4"),
            rx.text(
                "Your trades and journal entries as TrendEdge CSV (UTF-8). "
                "TrendEdge reads these files back without creating duplicates.",
                size="2",
                color=rx.color("gray", 11),
            ),
            rx.hstack(
                _labelled(
                    "Account",
                    _account_select(
                        account,
                        on_account,
                        accounts,
                        first=("all", "All accounts"),
                        element_id="export-account",
                        by="id",
                    ),
                ),
                _labelled(
                    "Exit from",
                    rx.input(type="date", value=start, on_change=on_start, id="export-from"),
                ),
                _labelled(
                    "Exit to", rx.input(type="date", value=end, on_change=on_end, id="export-to")
                ),
                spacing="3",
                width="100%",
                align="end",
            ),
            field_error(range_error, name="export-range"),
            rx.hstack(
                _download("Trades CSV", trades_url, "export-trades"),
                _download("Journal CSV", journal_url, "export-journal"),
                spacing="3",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def import_card(
    *,
    upload_id: str,
    accounts: rx.Var[list],
    target: rx.Var[str],
    on_target: Any,
    on_upload: Any,
    busy: rx.Var[bool],
    summary: rx.Var[str],
    ok: rx.Var[bool],
    errors: rx.Var[list[str]],
    file_error: rx.Var[str],
) -> rx.Component:
    """The upload, the target account and the report of the last import."""
    return rx.card(
        rx.vstack(
            rx.heading("Import", size="4"),
            rx.text(
                "Only TrendEdge's own CSV format (trades or journal entries, as exported "
                "above) is read here for now; broker statements have their own import. "
                "A file with any bad line imports nothing; trades you already have are "
                "skipped as duplicates. Import the trades file before its journal file.",
                size="2",
                color=rx.color("gray", 11),
            ),
            _labelled(
                "Into account",
                _account_select(
                    target,
                    on_target,
                    accounts,
                    first=("file", "The account named in each row"),
                    element_id="import-account",
                    by="name",
                ),
            ),
            csv_dropzone(upload_id, "Drop a TrendEdge CSV here or click to choose", padding="16px"),
            field_error(file_error, name="import-file"),
            rx.button(
                rx.cond(busy, rx.spinner(size="1"), rx.icon("upload", size=14)),
                "Import CSV",
                on_click=on_upload(rx.upload_files(upload_id=upload_id)),
                disabled=busy,
                id="import-csv",
            ),
            rx.cond(
                summary != "",
                rx.callout(
                    summary,
                    icon=rx.cond(ok, "circle-check", "triangle-alert"),
                    color_scheme=rx.cond(ok, "grass", "red"),
                    size="1",
                    id="import-summary",
                ),
            ),
            rx.cond(
                errors.length() > 0,
                rx.box(
                    rx.foreach(errors, lambda e: rx.text(e, size="1", color=rx.color("red", 11))),
                    max_height="240px",
                    overflow_y="auto",
                    width="100%",
                    id="import-errors",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )
