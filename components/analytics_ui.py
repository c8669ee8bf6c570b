"""Pieces of the analytics dashboard: KPI cards, chart boxes, period and breakdown
tables, and the "How these are computed" section. They take Vars / data, never fetch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import reflex as rx
from plotly.io import templates

from components.trading import pnl_text

METRIC_DEFINITIONS = (Path(__file__).parent / "metric_definitions.md").read_text("utf-8")


def kpi_card(kpi: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(kpi.label, size="1", color=rx.color("gray", 11)),
            pnl_text(kpi.value, kpi.sign, size="5", class_name="kpi-value"),
            rx.cond(kpi.hint != "", rx.text(kpi.hint, size="1", color=rx.color("gray", 10))),
            spacing="1",
        ),
        id="kpi-" + kpi.id.to(str),
        class_name="kpi",
    )


def kpi_grid(kpis: rx.Var[list]) -> rx.Component:
    return rx.grid(
        rx.foreach(kpis, kpi_card),
        columns=rx.breakpoints(initial="2", sm="3", lg="5"),
        spacing="3",
        width="100%",
        id="kpis",
    )


def chart_box(
    title: str, figure: rx.Var, element_id: str, *, height: str = "320px"
) -> rx.Component:
    """A titled Plotly chart (hover for values, drag to zoom, double-click to reset)."""
    return rx.card(
        rx.vstack(
            rx.text(title, weight="medium", size="2"),
            rx.plotly(
                data=figure,
                template=templates["plotly_white"],
                config={"displaylogo": False, "responsive": True},
                use_resize_handler=True,
                width="100%",
                height=height,
            ),
            spacing="2",
            width="100%",
        ),
        id=element_id,
        width="100%",
        min_width="0",
    )


def _header(*labels: str) -> rx.Component:
    return rx.table.header(rx.table.row(*(rx.table.column_header_cell(x) for x in labels)))


def period_table(rows: rx.Var[list], element_id: str, first: str) -> rx.Component:
    def row(r: rx.Var) -> rx.Component:
        return rx.table.row(
            rx.table.cell(r.date),
            rx.table.cell(r.trades),
            rx.table.cell(r.win_rate),
            rx.table.cell(pnl_text(r.net, r.sign)),
        )

    return rx.table.root(
        _header(first, "Trades", "Win rate", "Net P&L"),
        rx.table.body(rx.foreach(rows, row)),
        size="1",
        id=element_id,
        width="100%",
    )


def group_table(rows: rx.Var[list], element_id: str, first: str) -> rx.Component:
    def row(r: rx.Var) -> rx.Component:
        return rx.table.row(
            rx.table.cell(r.key),
            rx.table.cell(r.trades),
            rx.table.cell(r.win_rate),
            rx.table.cell(pnl_text(r.net, r.sign)),
            rx.table.cell(r.profit_factor),
            rx.table.cell(r.expectancy),
            rx.table.cell(r.avg_r),
        )

    return rx.table.root(
        _header(first, "Trades", "Win rate", "Net P&L", "Profit factor", "Expectancy", "Avg R"),
        rx.table.body(rx.foreach(rows, row)),
        size="1",
        id=element_id,
        width="100%",
    )


def definitions() -> rx.Component:
    """The collapsible metric definitions (docs/metrics.md has the full text)."""
    return rx.el.details(
        rx.el.summary(
            rx.text("How these are computed", as_="span", weight="medium"), cursor="pointer"
        ),
        rx.box(rx.markdown(METRIC_DEFINITIONS), padding_top="8px"),
        id="metric-definitions",
        width="100%",
    )


def section(title: str, *children: Any, **props: Any) -> rx.Component:
    return rx.vstack(rx.heading(title, size="4"), *children, spacing="3", width="100%", **props)
