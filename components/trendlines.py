"""Trendlines page pieces: watchlist, scan status, chart, lines table, alerts.
Every component takes its data and handlers as arguments."""

from __future__ import annotations

from typing import Any

import reflex as rx
from plotly.io import templates

from components.forms import field_error

SCAN_COLOURS = (
    ("queued", "amber"),
    ("running", "blue"),
    ("succeeded", "grass"),
    ("failed", "red"),
)


def card(title: str, *children: rx.Component, element_id: str = "", **props) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(title, size="3"),
            *children,
            spacing="3",
            width="100%",
        ),
        width="100%",
        id=element_id or None,
        **props,
    )


def scan_badge(status: rx.Var[str]) -> rx.Component:
    return rx.cond(
        status != "",
        rx.badge(
            rx.cond(status == "succeeded", "done", status),
            color_scheme=rx.match(status, *SCAN_COLOURS, "gray"),
            variant="soft",
            class_name="scan-badge",
        ),
        rx.badge("never scanned", color_scheme="gray", variant="soft", class_name="scan-badge"),
    )


def timeframe_select(
    value: rx.Var[str], on_change: Any, choices: list[str], *, element_id: str
) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(id=element_id, width="80px"),
        rx.select.content(*(rx.select.item(tf, value=tf) for tf in choices)),
        value=value,
        on_change=on_change,
    )


def add_pair_form(
    *,
    instrument: rx.Var[str],
    timeframe: rx.Var[str],
    errors: rx.Var[dict[str, str]],
    timeframes: list[str],
    on_instrument: Any,
    on_timeframe: Any,
    on_submit: Any,
) -> rx.Component:
    """Instrument + timeframe; each field shows its own error below it."""
    return rx.form(
        rx.hstack(
            rx.vstack(
                rx.input(
                    value=instrument,
                    on_change=on_instrument,
                    placeholder="e.g. NQ",
                    name="instrument",
                    id="watch-instrument",
                    width="100%",
                ),
                field_error(errors["instrument"], name="watch-instrument"),
                spacing="1",
                flex="1",
            ),
            rx.vstack(
                timeframe_select(timeframe, on_timeframe, timeframes, element_id="watch-timeframe"),
                field_error(errors["timeframe"], name="watch-timeframe"),
                spacing="1",
            ),
            rx.button(rx.icon("plus", size=16), "Watch", type="submit", id="watch-add"),
            spacing="2",
            align="start",
            width="100%",
        ),
        on_submit=on_submit,
        id="watch-form",
        width="100%",
    )


def watchlist(
    rows: rx.Var[list],
    selected: rx.Var[str],
    *,
    on_select: Any,
    on_alerts: Any,
    on_remove: Any,
) -> rx.Component:
    """The watched pairs; click one to chart it. Each shows its latest scan."""

    def item(row: rx.Var) -> rx.Component:
        is_selected = row.key == selected
        return rx.box(
            rx.vstack(
                rx.hstack(
                    rx.text(row.instrument, weight="bold", size="3"),
                    rx.badge(row.timeframe, variant="surface"),
                    rx.spacer(),
                    rx.tooltip(
                        rx.switch(
                            checked=row.alerts_enabled,
                            on_change=lambda value: on_alerts(row.id, value),
                            size="1",
                            class_name="alerts-switch",
                        ),
                        content="Alerts on/off",
                    ),
                    rx.icon_button(
                        rx.icon("trash-2", size=14),
                        size="1",
                        variant="ghost",
                        color_scheme="gray",
                        on_click=on_remove(row.id).stop_propagation,
                        class_name="remove-pair",
                        aria_label="Remove",
                    ),
                    align="center",
                    spacing="2",
                    width="100%",
                ),
                rx.hstack(
                    scan_badge(row.scan_status),
                    rx.text(row.scan_text, size="1", color=rx.color("gray", 10)),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.cond(
                    row.scan_error != "",
                    rx.text(
                        row.scan_error, size="1", color=rx.color("red", 11), class_name="scan-error"
                    ),
                ),
                spacing="1",
                width="100%",
            ),
            padding="8px 10px",
            border_radius="8px",
            cursor="pointer",
            border=rx.cond(
                is_selected,
                f"1px solid {rx.color('accent', 8)}",
                f"1px solid {rx.color('gray', 4)}",
            ),
            background=rx.cond(is_selected, rx.color("accent", 2), "transparent"),
            _hover={"background": rx.color("accent", 3)},
            on_click=on_select(row.key),
            class_name="watch-item",
            width="100%",
        )

    return rx.vstack(rx.foreach(rows, item), spacing="2", width="100%", id="watchlist")


def scan_panel(
    *,
    can_scan: rx.Var[bool],
    status: rx.Var[str],
    detail: rx.Var[str],
    error: rx.Var[str],
    scanning: rx.Var[bool],
    on_scan: Any,
) -> rx.Component:
    """ "Scan now" for the selected pair and where its latest scan is."""
    return rx.hstack(
        rx.button(
            rx.cond(scanning, rx.spinner(size="1"), rx.icon("scan-line", size=16)),
            "Scan now",
            on_click=on_scan,
            disabled=~can_scan,
            id="scan-now",
        ),
        rx.vstack(
            rx.hstack(
                scan_badge(status),
                rx.text(detail, size="2", color=rx.color("gray", 11)),
                spacing="2",
                align="center",
                id="scan-status",
                data_status=status,
            ),
            rx.cond(
                error != "",
                rx.text(error, size="2", color=rx.color("red", 11), id="scan-error"),
            ),
            spacing="1",
        ),
        spacing="3",
        align="center",
        wrap="wrap",
    )


def chart(figure: rx.Var, *, note: rx.Var[str]) -> rx.Component:
    """The Plotly chart: drag to pan, scroll to zoom, double-click to reset."""
    return rx.box(
        rx.plotly(
            data=figure,
            template=templates["plotly_white"],
            config={"scrollZoom": True, "displaylogo": False, "responsive": True},
            use_resize_handler=True,
            width="100%",
            height="520px",
        ),
        rx.cond(note != "", rx.text(note, id="chart-note", size="2", color=rx.color("gray", 11))),
        id="trendline-chart",
        width="100%",
        min_height="520px",
    )


def _kind_badge(kind: rx.Var[str]) -> rx.Component:
    return rx.badge(kind, color_scheme=rx.cond(kind == "support", "grass", "red"), variant="soft")


def _anchor(when: rx.Var[str], price: rx.Var[str]) -> rx.Component:
    return rx.vstack(
        rx.text(when, size="1", white_space="nowrap"),
        rx.text(price, size="1", color=rx.color("gray", 10)),
        spacing="0",
    )


def lines_table(rows: rx.Var[list], *, on_hidden: Any, on_favourite: Any) -> rx.Component:
    """The pair's lines with this user's hide/favourite toggles."""

    def row(line: rx.Var) -> rx.Component:
        return rx.table.row(
            rx.table.cell(_kind_badge(line.kind)),
            rx.table.cell(_anchor(line.anchor1, line.anchor1_price)),
            rx.table.cell(_anchor(line.anchor2, line.anchor2_price)),
            rx.table.cell(line.touches, text_align="right"),
            rx.table.cell(line.score, text_align="right"),
            rx.table.cell(
                rx.badge(
                    line.status,
                    color_scheme=rx.cond(line.status == "active", "indigo", "gray"),
                    variant="outline",
                )
            ),
            rx.table.cell(
                rx.hstack(
                    rx.icon_button(
                        rx.cond(line.hidden, rx.icon("eye-off", size=14), rx.icon("eye", size=14)),
                        size="1",
                        variant=rx.cond(line.hidden, "solid", "soft"),
                        color_scheme="gray",
                        on_click=on_hidden(line.id, ~line.hidden),
                        class_name="toggle-hidden",
                        aria_label=rx.cond(line.hidden, "Show", "Hide"),
                    ),
                    rx.icon_button(
                        rx.icon("star", size=14),
                        size="1",
                        variant=rx.cond(line.favourite, "solid", "soft"),
                        color_scheme=rx.cond(line.favourite, "amber", "gray"),
                        on_click=on_favourite(line.id, ~line.favourite),
                        class_name="toggle-favourite",
                        aria_label="Favourite",
                    ),
                    spacing="2",
                )
            ),
            class_name=rx.cond(line.hidden, "line-row line-hidden", "line-row"),
            opacity=rx.cond(line.hidden, "0.55", "1"),
            data_line_id=line.id,
        )

    def header(title: str, **props) -> rx.Component:
        return rx.table.column_header_cell(title, white_space="nowrap", **props)

    return rx.table.root(
        rx.table.header(
            rx.table.row(
                header("Kind"),
                header("Anchor 1 (UTC)"),
                header("Anchor 2 (UTC)"),
                header("Touches", text_align="right"),
                header("Score", text_align="right"),
                header("Status"),
                header("Hide / ★"),
            )
        ),
        rx.table.body(rx.foreach(rows, row)),
        variant="surface",
        size="1",
        width="100%",
        id="lines-table",
    )


def alerts_list(rows: rx.Var[list]) -> rx.Component:
    """The user's newest touch/break alerts."""

    def item(alert: rx.Var) -> rx.Component:
        return rx.hstack(
            rx.badge(
                alert.event,
                color_scheme=rx.cond(alert.event == "break", "red", "blue"),
                variant="soft",
            ),
            rx.vstack(
                rx.text(alert.pair, weight="bold", size="2"),
                rx.text(
                    "close ",
                    alert.price,
                    " · line ",
                    alert.line_price,
                    size="1",
                    color=rx.color("gray", 11),
                ),
                rx.text("bar ", alert.bar, size="1", color=rx.color("gray", 9), title=alert.when),
                spacing="0",
            ),
            spacing="2",
            align="start",
            class_name="alert-item",
            width="100%",
        )

    return rx.cond(
        rows.length() > 0,
        rx.vstack(rx.foreach(rows, item), spacing="3", width="100%", id="alerts-list"),
        rx.text("No alerts yet.", size="2", color=rx.color("gray", 10), id="alerts-list"),
    )
