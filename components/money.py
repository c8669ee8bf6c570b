"""/money pieces: currency selector, KPI cards, per-account table, balance chart and
the conversion note (cash movements: `components.cash_movements`). Data and handlers
come in as arguments; `balances_figure` is a pure Plotly figure builder."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
import reflex as rx
from plotly.io import templates

from components.charts import DOWN_COLOUR, UP_COLOUR, empty_figure

MISSING_COLOUR = "#adb5bd"
BAR_HEIGHT = 340


def balances_figure(
    names: Sequence[str], values: Sequence[float | None], currency: str
) -> go.Figure:
    """One bar per account (balance in `currency`); a missing rate is a grey stub
    labelled "missing rate", never a bar of a guessed height."""
    if not names:
        return empty_figure("No accounts yet", height=BAR_HEIGHT)
    heights = [0.0 if v is None else v for v in values]
    colours = [
        MISSING_COLOUR if v is None else (UP_COLOUR if v >= 0 else DOWN_COLOUR) for v in values
    ]
    labels = ["missing rate" if v is None else f"{v:,.2f}" for v in values]
    figure = go.Figure(
        go.Bar(
            x=list(names),
            y=heights,
            marker={"color": colours},
            text=labels,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{text} " + currency + "<extra></extra>",
            name=f"Balance ({currency})",
        )
    )
    figure.update_layout(
        height=BAR_HEIGHT,
        margin={"l": 10, "r": 60, "t": 30, "b": 40},
        yaxis={"side": "right", "title": {"text": currency}, "zeroline": True},
        showlegend=False,
        plot_bgcolor="white",
        paper_bgcolor="white",
        uirevision="balances",
    )
    return figure


def balance_chart(figure: rx.Var) -> rx.Component:
    return rx.box(
        rx.plotly(
            data=figure,
            template=templates["plotly_white"],
            config={"displaylogo": False, "responsive": True},
            use_resize_handler=True,
            width="100%",
            height=f"{BAR_HEIGHT}px",
        ),
        id="balance-chart",
        width="100%",
        min_height=f"{BAR_HEIGHT}px",
    )


def currency_select(value: rx.Var[str], options: rx.Var[list[str]], on_change: Any):
    """The currency every converted value is shown in; changing it re-renders in place."""
    return rx.hstack(
        rx.text("Show in", size="2", weight="medium"),
        rx.select.root(
            rx.select.trigger(id="currency-select", width="100px"),
            rx.select.content(rx.foreach(options, lambda c: rx.select.item(c, value=c))),
            value=value,
            on_change=on_change,
        ),
        align="center",
        spacing="2",
    )


def kpi_card_grid(cards: rx.Var[list], currency: rx.Var[str]) -> rx.Component:
    def card(item: rx.Var) -> rx.Component:
        return rx.card(
            rx.vstack(
                rx.text(item.label, size="2", color=rx.color("gray", 11)),
                rx.hstack(
                    rx.heading(
                        item.value,
                        size="6",
                        color=rx.cond(item.missing, rx.color("red", 11), rx.color("gray", 12)),
                        class_name="kpi-value",
                    ),
                    rx.cond(
                        item.missing,
                        rx.fragment(),
                        rx.text(currency, size="2", color=rx.color("gray", 10)),
                    ),
                    align="baseline",
                    spacing="2",
                ),
                rx.text(item.note, size="1", color=rx.color("gray", 10), class_name="kpi-note"),
                spacing="1",
            ),
            id="kpi-" + item.key,
            min_width="190px",
        )

    return rx.grid(
        rx.foreach(cards, card),
        columns=rx.breakpoints(initial="2", md="3"),
        spacing="3",
        width="100%",
        id="kpi-cards",
    )


def missing_rates_note(missing: rx.Var[list[str]]) -> rx.Component:
    return rx.cond(
        missing.length() > 0,
        rx.callout(
            rx.vstack(
                rx.text(
                    "Some values cannot be converted: no rate for these currencies and days "
                    "(add one on the Settings page).",
                ),
                rx.hstack(
                    rx.foreach(missing, lambda m: rx.badge(m, color_scheme="red")),
                    wrap="wrap",
                    spacing="2",
                ),
                spacing="2",
            ),
            icon="circle-alert",
            color_scheme="red",
            id="missing-rates",
            width="100%",
        ),
    )


TABLE_HEADERS = ("Balance", "Net P&L", "Fees", "Deposits", "Withdrawals", "Day change")


def accounts_money_table(
    rows: rx.Var[list], *, currency: rx.Var[str], show_converted: rx.Var[bool]
) -> rx.Component:
    """Each metric in the account's own currency, and beside it in `currency`."""

    def cell(money: rx.Var) -> rx.Component:
        return rx.table.cell(
            rx.hstack(
                rx.text(money.original, class_name="money-original", white_space="nowrap"),
                rx.cond(
                    show_converted,
                    rx.text(
                        money.converted,
                        class_name="money-converted",
                        white_space="nowrap",
                        color=rx.cond(money.missing, rx.color("red", 11), rx.color("gray", 10)),
                    ),
                ),
                spacing="3",
                justify="end",
            ),
            text_align="right",
        )

    def row(account: rx.Var) -> rx.Component:
        return rx.table.row(
            rx.table.row_header_cell(account.name, white_space="nowrap"),
            rx.foreach(account.cells, cell),
            id="money-row-" + account.id.to_string(),
        )

    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Account"),
                    *(
                        rx.table.column_header_cell(
                            rx.vstack(
                                rx.text(h, white_space="nowrap"),
                                rx.cond(
                                    show_converted,
                                    rx.text(
                                        f"own · {currency}",
                                        size="1",
                                        weight="regular",
                                        color=rx.color("gray", 10),
                                    ),
                                ),
                                spacing="0",
                                align="end",
                            ),
                            text_align="right",
                        )
                        for h in TABLE_HEADERS
                    ),
                )
            ),
            rx.table.body(rx.foreach(rows, row)),
            variant="surface",
            width="100%",
            id="money-table",
        ),
        overflow_x="auto",
        width="100%",
    )


CONVENTIONS = (
    "Rates are the European Central Bank's reference rates: units of a currency per 1 EUR. "
    "Other pairs are crossed through EUR.",
    "A day without a published rate (weekend, holiday) uses the nearest earlier business "
    "day, at most 7 days back.",
    "Balance = initial balance + deposits - withdrawals + net P&L - fee entries + "
    "adjustments. It is a stock: converted at the rate of the as-of day.",
    "Net P&L (after commissions), fees (commissions + fee entries), deposits and "
    "withdrawals are flows: each day's amount is converted at that day's rate, then summed.",
    "Day change is the net flow of the latest day with activity, at that day's rate.",
    "Days follow your time zone (Settings). A missing rate makes the converted value "
    "\u201cmissing rate\u201d — never a 1.0 guess — and the missing pairs are listed.",
)


def conventions_note() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("How values are converted", size="3"),
            rx.unordered_list(*(rx.list_item(rx.text(line, size="2")) for line in CONVENTIONS)),
            spacing="2",
        ),
        width="100%",
        id="conversion-note",
    )
