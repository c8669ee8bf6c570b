"""Getting bars in: stored coverage with quick "watch", and the CSV upload with its
line-numbered issues. Every component takes its data and handlers as arguments."""

from __future__ import annotations

from typing import Any

import reflex as rx

from components.forms import csv_dropzone, field_error
from components.trendlines import timeframe_select


def coverage_list(rows: rx.Var[list], *, on_watch: Any) -> rx.Component:
    """Stored bars per (instrument, timeframe), with a shortcut to watch each."""

    def item(row: rx.Var) -> rx.Component:
        return rx.hstack(
            rx.text(row.instrument, weight="bold", size="2"),
            rx.badge(row.timeframe, variant="surface"),
            rx.text(row.count, " bars", size="1", color=rx.color("gray", 11)),
            rx.spacer(),
            rx.cond(
                row.watched,
                rx.icon("check", size=14, color=rx.color("grass", 10)),
                rx.button(
                    "Watch",
                    size="1",
                    variant="soft",
                    on_click=on_watch(row.instrument, row.timeframe),
                    class_name="watch-coverage",
                ),
            ),
            align="center",
            spacing="2",
            width="100%",
            title=row.span,
        )

    return rx.cond(
        rows.length() > 0,
        rx.vstack(rx.foreach(rows, item), spacing="1", width="100%", id="coverage"),
        rx.text("No bars stored yet.", size="2", color=rx.color("gray", 10), id="coverage"),
    )


def _issues(rows: rx.Var[list], *, colour: str, element_id: str) -> rx.Component:
    return rx.cond(
        rows.length() > 0,
        rx.box(
            rx.foreach(
                rows,
                lambda issue: rx.text(
                    "line ",
                    issue.line,
                    " (",
                    issue.field,
                    "): ",
                    issue.message,
                    size="1",
                    color=rx.color(colour, 11),
                ),
            ),
            max_height="160px",
            overflow_y="auto",
            width="100%",
            id=element_id,
        ),
    )


def csv_upload(
    *,
    upload_id: str,
    instrument: rx.Var[str],
    timeframe: rx.Var[str],
    timeframes: list[str],
    errors: rx.Var[dict[str, str]],
    busy: rx.Var[bool],
    summary: rx.Var[str],
    issues: rx.Var[list],
    warnings: rx.Var[list],
    on_instrument: Any,
    on_timeframe: Any,
    on_upload: Any,
) -> rx.Component:
    """Instrument, timeframe and a CSV file; on import, the errors by line number."""
    return rx.vstack(
        rx.hstack(
            rx.vstack(
                rx.input(
                    value=instrument,
                    on_change=on_instrument,
                    placeholder="Instrument",
                    id="csv-instrument",
                    width="100%",
                ),
                field_error(errors["instrument"], name="csv-instrument"),
                spacing="1",
                flex="1",
            ),
            rx.vstack(
                timeframe_select(timeframe, on_timeframe, timeframes, element_id="csv-timeframe"),
                field_error(errors["timeframe"], name="csv-timeframe"),
                spacing="1",
            ),
            spacing="2",
            align="start",
            width="100%",
        ),
        csv_dropzone(upload_id, "Drop a CSV here or click to choose"),
        field_error(errors["file"], name="csv-file"),
        rx.button(
            rx.cond(busy, rx.spinner(size="1"), rx.icon("upload", size=14)),
            "Import CSV",
            on_click=on_upload(rx.upload_files(upload_id=upload_id)),
            variant="soft",
            width="100%",
            id="csv-import",
        ),
        rx.cond(summary != "", rx.text(summary, size="1", id="csv-summary")),
        _issues(issues, colour="red", element_id="csv-errors"),
        _issues(warnings, colour="amber", element_id="csv-warnings"),
        spacing="2",
        width="100%",
    )
