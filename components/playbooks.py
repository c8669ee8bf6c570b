"""Playbook form, playbooks table, statistics cards, rule adherence and equity curve."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
import reflex as rx
from plotly.io import templates

from components.charts import UP_COLOUR, empty_figure
from components.dialogs import confirm_action
from components.forms import form_banner, text_area_field, text_field
from components.trading import pnl_text

EQUITY_HEIGHT = 260


def equity_figure(times: Sequence[Any], equity: Sequence[float]) -> go.Figure:
    """Cumulative net P&L after each trade (exit time on x); an empty chart says so."""
    if len(equity) == 0:
        return empty_figure("No trades in this playbook yet", height=EQUITY_HEIGHT)
    x = np.asarray(times, dtype="datetime64[us]")
    y = np.round(np.asarray(equity, dtype=float), 2)
    figure = go.Figure(
        go.Scatter(
            x=x,
            y=y,
            mode="lines+markers",
            line={"color": UP_COLOUR, "width": 2, "shape": "hv"},
            marker={"size": 5},
            fill="tozeroy",
            fillcolor="rgba(18, 184, 134, 0.10)",
            hovertemplate="%{x|%Y-%m-%d %H:%M} UTC<br>cumulative P&L %{y:,.2f}<extra></extra>",
            name="equity",
        )
    )
    figure.update_layout(
        height=EQUITY_HEIGHT,
        margin={"l": 10, "r": 60, "t": 10, "b": 30},
        hovermode="x",
        showlegend=False,
        yaxis={"side": "right", "zeroline": True, "zerolinecolor": "#adb5bd"},
        plot_bgcolor="white",
        paper_bgcolor="white",
    )
    return figure


def equity_chart(figure: rx.Var) -> rx.Component:
    return rx.box(
        rx.plotly(
            data=figure,
            template=templates["plotly_white"],
            config={"displaylogo": False, "responsive": True},
            use_resize_handler=True,
            width="100%",
            height=f"{EQUITY_HEIGHT}px",
        ),
        id="playbook-equity",
        width="100%",
        min_height=f"{EQUITY_HEIGHT}px",
    )


def playbook_form(
    *,
    values: rx.Var[dict[str, str]],
    errors: rx.Var[dict[str, str]],
    form_error: rx.Var[str],
    on_submit: Any,
    submit_label: str,
    form_id: str,
    extra_actions: tuple[rx.Component, ...] = (),
    key: Any = None,
) -> rx.Component:
    return rx.form(
        rx.vstack(
            form_banner(form_error),
            text_field(
                "Name",
                name="name",
                value=values["name"],
                error=errors["name"],
                placeholder="e.g. Opening range breakout",
            ),
            text_area_field(
                "Description",
                name="description",
                value=values["description"],
                error=errors["description"],
                placeholder="When and why you take this setup",
            ),
            text_area_field(
                "Rules (one per line)",
                name="rules",
                value=values["rules"],
                error=errors["rules"],
                placeholder="Trend up on the 15-minute chart\nWait for the pullback",
            ),
            rx.hstack(
                *extra_actions,
                rx.button(submit_label, type="submit", id=f"{form_id}-submit"),
                justify="end",
                width="100%",
                spacing="3",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=on_submit,
        reset_on_submit=False,
        id=form_id,
        key=key,
        width="100%",
    )


def playbooks_table(rows: rx.Var[list], *, on_delete: Any) -> rx.Component:
    def row(book: rx.Var) -> rx.Component:
        return rx.table.row(
            rx.table.row_header_cell(rx.link(book.name, href="/playbooks/" + book.id.to_string())),
            rx.table.cell(book.rules, text_align="right"),
            rx.table.cell(book.trades, text_align="right"),
            rx.table.cell(
                rx.hstack(
                    pnl_text(book.net_pnl, book.net_sign),
                    rx.text(book.currency, size="1", color=rx.color("gray", 10)),
                    spacing="1",
                    justify="end",
                    align="baseline",
                ),
                text_align="right",
            ),
            rx.table.cell(
                confirm_action(
                    rx.icon_button(
                        rx.icon("trash-2", size=14),
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        aria_label="Delete " + book.name,
                    ),
                    title="Delete playbook?",
                    description="This deletes '" + book.name + "'. Its trades are kept, without "
                    "a playbook and without rules followed.",
                    confirm="Delete",
                    on_confirm=on_delete(book.id),
                ),
            ),
        )

    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell("Playbook"),
                rx.table.column_header_cell("Rules", text_align="right"),
                rx.table.column_header_cell("Trades", text_align="right"),
                rx.table.column_header_cell("Net P&L", text_align="right"),
                rx.table.column_header_cell(""),
            )
        ),
        rx.table.body(rx.foreach(rows, row)),
        variant="surface",
        width="100%",
        id="playbooks-table",
    )


def stat_card(card: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(card.label, size="1", color=rx.color("gray", 10)),
            pnl_text(card.value, card.sign, size="5", id="stat-" + card.key),
            spacing="1",
        ),
        flex="1 1 140px",
    )


def stat_cards(cards: rx.Var[list], element_id: str) -> rx.Component:
    return rx.flex(
        rx.foreach(cards, stat_card), wrap="wrap", gap="12px", width="100%", id=element_id
    )


def adherence_table(rows: rx.Var[list]) -> rx.Component:
    """Per rule: how many of the playbook's trades followed it, and the share."""
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell("Rule"),
                rx.table.column_header_cell("Followed", text_align="right"),
                rx.table.column_header_cell("Adherence", text_align="right"),
            )
        ),
        rx.table.body(
            rx.foreach(
                rows,
                lambda r: rx.table.row(
                    rx.table.cell(r.rule),
                    rx.table.cell(r.followed, text_align="right"),
                    rx.table.cell(r.rate, text_align="right"),
                ),
            )
        ),
        variant="surface",
        width="100%",
        id="adherence-table",
    )


def description_text(text: rx.Var[str]) -> rx.Component:
    """The description as plain text (markdown is shown as typed; nothing is interpreted)."""
    return rx.cond(
        text != "",
        rx.text(text, white_space="pre-wrap", id="playbook-description"),
        rx.text("No description.", color=rx.color("gray", 10), id="playbook-description"),
    )


def rules_list(rules: rx.Var[list]) -> rx.Component:
    return rx.cond(
        rules.length() > 0,
        rx.list.ordered(rx.foreach(rules, lambda rule: rx.list.item(rule)), id="playbook-rules"),
        rx.text("No rules yet.", color=rx.color("gray", 10)),
    )
