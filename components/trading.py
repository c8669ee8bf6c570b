"""Equity cards, open positions and closed trades tables, P&L text, the live indicator."""

from __future__ import annotations

import reflex as rx


def pnl_text(value: rx.Var[str], sign: rx.Var[int], **props) -> rx.Component:
    """Money coloured by its sign: green above zero, red below, gray at zero."""
    return rx.text(
        value,
        color=rx.match(
            sign, (1, rx.color("grass", 11)), (-1, rx.color("red", 11)), rx.color("gray", 11)
        ),
        weight="medium",
        as_="span",
        **props,
    )


def live_indicator(live: rx.Var[bool]) -> rx.Component:
    return rx.cond(
        live,
        rx.badge(
            rx.box(width="8px", height="8px", border_radius="50%", background=rx.color("grass", 9)),
            "Live",
            color_scheme="grass",
            variant="soft",
            id="live-status",
        ),
        rx.badge("Not live", color_scheme="gray", variant="soft", id="live-status-off"),
    )


def _figure(label: str, value: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color=rx.color("gray", 10)),
        value,
        spacing="0",
    )


def equity_card(card: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(card.account_name, size="3", trim="both"),
                rx.spacer(),
                rx.badge(card.currency, variant="surface"),
                width="100%",
                align="center",
            ),
            rx.hstack(
                rx.text(card.equity, size="6", weight="bold", class_name="equity-value"),
                rx.text("equity", size="1", color=rx.color("gray", 10)),
                align="baseline",
                spacing="2",
            ),
            rx.grid(
                _figure("Initial balance", rx.text(card.initial_balance, size="2")),
                _figure("Realized", pnl_text(card.realized, card.realized_sign, size="2")),
                _figure("Unrealized", pnl_text(card.unrealized, card.unrealized_sign, size="2")),
                columns="3",
                spacing="3",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        min_width="280px",
        flex="1 1 280px",
        max_width="420px",
    )


def equity_cards(cards: rx.Var[list]) -> rx.Component:
    return rx.flex(
        rx.foreach(cards, equity_card),
        wrap="wrap",
        gap="16px",
        width="100%",
        id="equity-cards",
    )


def _side_badge(side: rx.Var[str]) -> rx.Component:
    return rx.badge(
        side,
        color_scheme=rx.cond(side == "long", "grass", "red"),
        variant="soft",
    )


def _header(title: str) -> rx.Component:
    return rx.table.column_header_cell(title, white_space="nowrap")


def _num_header(title: str) -> rx.Component:
    return rx.table.column_header_cell(title, text_align="right", white_space="nowrap")


def _num_cell(value: rx.Var | rx.Component) -> rx.Component:
    return rx.table.cell(value, text_align="right", white_space="nowrap")


def positions_table(rows: rx.Var[list]) -> rx.Component:
    def row(position: rx.Var) -> rx.Component:
        return rx.table.row(
            rx.table.cell(position.account_name, white_space="nowrap"),
            rx.table.row_header_cell(
                rx.text(position.root, weight="bold", as_="span", title=position.symbol)
            ),
            rx.table.cell(_side_badge(position.side)),
            _num_cell(position.quantity),
            _num_cell(position.avg_entry),
            _num_cell(position.last_price),
            _num_cell(
                rx.hstack(
                    pnl_text(position.unrealized, position.unrealized_sign),
                    rx.text(position.currency, size="1", color=rx.color("gray", 10)),
                    spacing="1",
                    justify="end",
                    align="baseline",
                )
            ),
        )

    return rx.table.root(
        rx.table.header(
            rx.table.row(
                _header("Account"),
                _header("Symbol"),
                _header("Side"),
                _num_header("Quantity"),
                _num_header("Avg entry"),
                _num_header("Last price"),
                _num_header("Unrealized P&L"),
            )
        ),
        rx.table.body(rx.foreach(rows, row)),
        variant="surface",
        width="100%",
        id="positions-table",
    )


def trades_table(rows: rx.Var[list]) -> rx.Component:
    def row(trade: rx.Var) -> rx.Component:
        return rx.table.row(
            rx.table.cell(trade.exit_time, white_space="nowrap", color=rx.color("gray", 11)),
            rx.table.cell(trade.account_name, white_space="nowrap"),
            rx.table.row_header_cell(
                rx.link(
                    rx.text(trade.root, weight="bold", as_="span", title=trade.symbol),
                    href="/trades/" + trade.id.to_string(),
                    class_name="trade-link",
                )
            ),
            rx.table.cell(_side_badge(trade.direction)),
            _num_cell(trade.quantity),
            _num_cell(trade.entry_price),
            _num_cell(trade.exit_price),
            _num_cell(pnl_text(trade.net_pnl, trade.net_sign)),
            _num_cell(trade.r_multiple),
            _num_cell(trade.commission),
            rx.table.cell(trade.setup),
            rx.table.cell(rx.badge(trade.source, variant="surface", color_scheme="gray")),
            rx.table.cell(trade.playbook, white_space="nowrap"),
        )

    return rx.table.root(
        rx.table.header(
            rx.table.row(
                _header("Exit time (UTC)"),
                _header("Account"),
                _header("Symbol"),
                _header("Direction"),
                _num_header("Qty"),
                _num_header("Entry"),
                _num_header("Exit"),
                _num_header("Net P&L"),
                _num_header("R"),
                _num_header("Commission"),
                _header("Setup"),
                _header("Source"),
                _header("Playbook"),
            )
        ),
        rx.table.body(rx.foreach(rows, row)),
        variant="surface",
        width="100%",
        id="trades-table",
    )
