"""`/`: the analytics dashboard of the signed-in user: filters, KPI cards, charts,
daily / weekly summaries and breakdowns, with the metric definitions at the bottom."""

from __future__ import annotations

from typing import Any

import reflex as rx

from components.analytics_ui import (
    chart_box,
    definitions,
    group_table,
    kpi_grid,
    period_table,
    section,
)
from components.layout import app_shell
from components.trading import live_indicator
from trendedge.state.accounts import AccountsState
from trendedge.state.analytics import AnalyticsState
from trendedge.state.analytics_views import GROUP_TABS, PRESET_LABELS, PRESETS
from trendedge.state.auth import AuthState
from trendedge.state.live import LiveState

TAB_LABELS = {
    "playbook": "Playbook",
    "instrument": "Instrument",
    "tag": "Tag",
    "direction": "Direction",
    "account": "Account",
}
# Handlers called with arguments (typed Any: Reflex's event namespaces confuse mypy).
_SET_PRESET: Any = AnalyticsState.set_preset
_TOGGLE_ACCOUNT: Any = AnalyticsState.toggle_account


def preset_button(preset: str) -> rx.Component:
    return rx.button(
        PRESET_LABELS[preset],
        variant=rx.cond(AnalyticsState.preset == preset, "solid", "soft"),
        size="1",
        on_click=_SET_PRESET(preset),
        id=f"preset-{preset}",
    )


def account_checkbox(option: rx.Var) -> rx.Component:
    return rx.checkbox(
        option.name + " (" + option.currency + ")",
        checked=option.selected,
        on_change=lambda checked: _TOGGLE_ACCOUNT(option.id, checked),
        class_name="account-choice",
    )


def filter_bar() -> rx.Component:
    return rx.card(
        rx.flex(
            rx.hstack(*(preset_button(p) for p in PRESETS), spacing="1", id="presets"),
            rx.hstack(
                rx.input(
                    type="date",
                    value=AnalyticsState.start_date,
                    on_change=AnalyticsState.set_start_date,
                    id="start-date",
                    size="1",
                ),
                rx.text("→", size="2"),
                rx.input(
                    type="date",
                    value=AnalyticsState.end_date,
                    on_change=AnalyticsState.set_end_date,
                    id="end-date",
                    size="1",
                ),
                align="center",
                spacing="2",
            ),
            rx.hstack(
                rx.checkbox(
                    "All accounts",
                    checked=AnalyticsState.all_accounts,
                    on_change=AnalyticsState.set_all_accounts,
                    id="all-accounts",
                ),
                rx.foreach(AnalyticsState.account_options, account_checkbox),
                spacing="3",
                wrap="wrap",
                id="account-filter",
            ),
            rx.cond(
                AnalyticsState.currency_choices.length() > 1,
                rx.select(
                    AnalyticsState.currency_choices,
                    value=AnalyticsState.currency,
                    on_change=AnalyticsState.set_currency,
                    size="1",
                    id="currency-select",
                ),
            ),
            rx.spacer(),
            rx.text(
                "Times in " + AnalyticsState.tz_label,
                size="1",
                color=rx.color("gray", 10),
                id="tz-note",
            ),
            live_indicator(LiveState.live),
            gap="16px",
            wrap="wrap",
            align="center",
            width="100%",
        ),
        width="100%",
    )


def notices() -> rx.Component:
    return rx.fragment(
        rx.cond(
            AnalyticsState.error != "",
            rx.callout(
                AnalyticsState.error,
                icon="triangle-alert",
                color_scheme="red",
                id="analytics-error",
            ),
        ),
        rx.cond(
            AnalyticsState.currency_notice != "",
            rx.callout(
                AnalyticsState.currency_notice,
                icon="coins",
                color_scheme="amber",
                id="currency-notice",
            ),
        ),
        rx.cond(
            AccountsState.loaded & (AccountsState.rows.length() == 0),
            rx.callout(
                rx.text(
                    "Start by creating a trading account on the ",
                    rx.link("Accounts", href="/accounts"),
                    " page.",
                ),
                icon="info",
                id="no-accounts",
            ),
        ),
    )


def breakdown_tabs() -> rx.Component:
    figures = {
        "playbook": AnalyticsState.playbook_fig,
        "instrument": AnalyticsState.instrument_fig,
        "tag": AnalyticsState.tag_fig,
        "direction": AnalyticsState.direction_fig,
        "account": AnalyticsState.account_fig,
    }
    return rx.tabs.root(
        rx.tabs.list(*(rx.tabs.trigger(TAB_LABELS[k], value=k) for k in GROUP_TABS)),
        *(
            rx.tabs.content(
                rx.grid(
                    chart_box(f"Net P&L by {TAB_LABELS[k].lower()}", figures[k], f"{k}-chart"),
                    group_table(AnalyticsState.groups[k], f"{k}-table", TAB_LABELS[k]),
                    columns=rx.breakpoints(initial="1", lg="2"),
                    spacing="4",
                    width="100%",
                    padding_top="12px",
                ),
                value=k,
            )
            for k in GROUP_TABS
        ),
        default_value="playbook",
        width="100%",
        id="breakdowns",
    )


def charts() -> rx.Component:
    pair = {"columns": rx.breakpoints(initial="1", md="2"), "spacing": "4", "width": "100%"}
    return rx.vstack(
        chart_box("Equity and drawdown", AnalyticsState.equity_fig, "equity-chart", height="440px"),
        chart_box("Daily P&L calendar", AnalyticsState.calendar_fig, "calendar-chart"),
        rx.grid(
            chart_box("R-multiple distribution", AnalyticsState.r_fig, "r-chart"),
            chart_box("MAE vs result", AnalyticsState.mae_fig, "mae-chart"),
            chart_box("P&L by hour of entry", AnalyticsState.hour_fig, "hour-chart"),
            chart_box("P&L by weekday of entry", AnalyticsState.weekday_fig, "weekday-chart"),
            **pair,
        ),
        spacing="4",
        width="100%",
    )


def dashboard_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            rx.heading("Welcome, " + AuthState.display_name, size="5", id="welcome"),
            filter_bar(),
            notices(),
            rx.cond(
                AnalyticsState.loaded,
                rx.vstack(
                    kpi_grid(AnalyticsState.kpis),
                    charts(),
                    section("Breakdowns", breakdown_tabs()),
                    rx.grid(
                        section("Daily", period_table(AnalyticsState.daily, "daily-table", "Day")),
                        section(
                            "Weekly", period_table(AnalyticsState.weekly, "weekly-table", "Week of")
                        ),
                        columns=rx.breakpoints(initial="1", md="2"),
                        spacing="4",
                        width="100%",
                    ),
                    definitions(),
                    spacing="5",
                    width="100%",
                    id="analytics",
                ),
                rx.center(rx.spinner(size="3"), width="100%", padding="40px"),
            ),
            spacing="5",
            width="100%",
        ),
        title="Dashboard",
        email=AuthState.email,
        on_sign_out=AuthState.sign_out,
    )
