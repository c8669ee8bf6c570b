"""`/trendlines`: watchlist and data on the left; chart, lines and alerts on the right."""

from __future__ import annotations

import reflex as rx

from components.bar_data import coverage_list, csv_upload
from components.layout import app_shell
from components.trading import live_indicator
from components.trendlines import (
    add_pair_form,
    alerts_list,
    card,
    chart,
    lines_table,
    scan_panel,
    watchlist,
)
from trendedge.state.auth import AuthState
from trendedge.state.bar_data import UPLOAD_ID, BarDataState
from trendedge.state.live import LiveState
from trendedge.state.trendlines import TIMEFRAMES, TrendlinesState

S = TrendlinesState
D = BarDataState


def watchlist_card() -> rx.Component:
    return card(
        "Watchlist",
        add_pair_form(
            instrument=S.new_instrument,
            timeframe=S.new_timeframe,
            errors=S.field_errors,
            timeframes=TIMEFRAMES,
            on_instrument=S.set_new_instrument,
            on_timeframe=S.set_new_timeframe,
            on_submit=S.add_item,
        ),
        rx.cond(
            S.items.length() > 0,
            watchlist(
                S.items,
                S.selected,
                on_select=S.select_pair,
                on_alerts=S.set_alerts,
                on_remove=S.remove_item,
            ),
            rx.text(
                "Nothing watched yet. Add an instrument and timeframe that has bars.",
                size="2",
                color=rx.color("gray", 10),
                id="no-watchlist",
            ),
        ),
        element_id="watchlist-card",
    )


def data_card() -> rx.Component:
    return card(
        "Market data",
        rx.button(
            rx.cond(D.sample_busy, rx.spinner(size="1"), rx.icon("database", size=14)),
            "Load sample data",
            on_click=D.load_sample,
            disabled=D.sample_busy,
            variant="soft",
            width="100%",
            id="load-sample",
        ),
        rx.text(
            "S&P 500 (SPX) and NASDAQ (COMP), daily 1999-2018.",
            size="1",
            color=rx.color("gray", 10),
        ),
        coverage_list(D.coverage, on_watch=D.watch_pair),
        rx.divider(),
        rx.text("Upload bars (CSV)", size="2", weight="medium"),
        csv_upload(
            upload_id=UPLOAD_ID,
            instrument=D.csv_instrument,
            timeframe=D.csv_timeframe,
            timeframes=TIMEFRAMES,
            errors=D.csv_field_errors,
            busy=D.csv_busy,
            summary=D.csv_summary,
            issues=D.csv_errors,
            warnings=D.csv_warnings,
            on_instrument=D.set_csv_instrument,
            on_timeframe=D.set_csv_timeframe,
            on_upload=D.upload_csv,
        ),
        element_id="data-card",
    )


def chart_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(rx.cond(S.selected != "", S.selected, "No pair selected"), size="4"),
                rx.spacer(),
                scan_panel(
                    can_scan=S.can_scan,
                    status=S.scan_status,
                    detail=S.scan_detail,
                    error=S.scan_error,
                    scanning=S.scanning,
                    on_scan=S.scan_now,
                ),
                width="100%",
                align="center",
                wrap="wrap",
                spacing="3",
            ),
            chart(S.figure, note=S.chart_note),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def lines_card() -> rx.Component:
    return card(
        "Lines",
        rx.cond(
            S.lines.length() > 0,
            rx.box(
                lines_table(S.lines, on_hidden=S.set_hidden, on_favourite=S.set_favourite),
                max_height="420px",
                overflow_y="auto",
                width="100%",
            ),
            rx.text(
                "No lines for this pair yet: run a scan.",
                size="2",
                color=rx.color("gray", 10),
                id="no-lines",
            ),
        ),
    )


def trendlines_page() -> rx.Component:
    return app_shell(
        rx.cond(
            S.loaded,
            rx.vstack(
                rx.hstack(
                    rx.text(
                        "Support and resistance lines detected on the pairs you watch. "
                        "Drag to pan, scroll to zoom.",
                        color=rx.color("gray", 11),
                    ),
                    rx.spacer(),
                    live_indicator(LiveState.live),
                    width="100%",
                    align="center",
                ),
                rx.flex(
                    rx.vstack(
                        watchlist_card(),
                        card("Recent alerts", alerts_list(S.alerts)),
                        data_card(),
                        spacing="4",
                        width=rx.breakpoints(initial="100%", lg="320px"),
                        min_width=rx.breakpoints(initial="0", lg="320px"),
                        flex_shrink="0",
                    ),
                    rx.vstack(
                        chart_card(),
                        lines_card(),
                        spacing="4",
                        flex="1",
                        min_width="0",
                        width="100%",
                    ),
                    direction=rx.breakpoints(initial="column", lg="row"),
                    gap="16px",
                    width="100%",
                    align="start",
                ),
                spacing="4",
                width="100%",
            ),
            rx.spinner(),
        ),
        title="Trendlines",
        email=AuthState.email,
        on_sign_out=AuthState.sign_out,
    )
