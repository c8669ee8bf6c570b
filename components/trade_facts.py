"""The stored trade at a glance: instrument, direction, source, P&L, R, playbook."""

from __future__ import annotations

import reflex as rx

from components.trading import pnl_text


def _figure(label: str, value: rx.Component | rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color=rx.color("gray", 10)),
        value if isinstance(value, rx.Component) else rx.text(value, size="2", weight="medium"),
        spacing="0",
    )


def trade_facts(facts: rx.Var) -> rx.Component:
    """The stored trade at a glance."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(facts.root, size="5"),
                rx.badge(
                    facts.direction,
                    color_scheme=rx.cond(facts.direction == "long", "grass", "red"),
                    variant="soft",
                ),
                rx.badge(facts.source, variant="surface", id="trade-source"),
                rx.spacer(),
                pnl_text(facts.net_pnl, facts.net_sign, size="5", id="trade-net"),
                rx.text(facts.currency, size="1", color=rx.color("gray", 10)),
                width="100%",
                align="center",
            ),
            rx.grid(
                _figure("Account", facts.account_name),
                _figure("Symbol", facts.symbol),
                _figure("Quantity", facts.quantity),
                _figure("Avg entry", facts.entry_price),
                _figure("Avg exit", facts.exit_price),
                _figure("R", rx.text(facts.r_multiple, size="2", weight="medium", id="trade-r")),
                _figure("Entry (UTC)", facts.entry_time),
                _figure("Exit (UTC)", facts.exit_time),
                _figure("Risk", facts.risk),
                _figure("Gross P&L", facts.gross_pnl),
                _figure("Commission", facts.commission),
                _figure("Stop / target", facts.stop + " / " + facts.target),
                _figure(
                    "Playbook",
                    rx.text(facts.playbook_name, size="2", weight="medium", id="trade-playbook"),
                ),
                _figure("Rules followed", facts.rules_followed),
                columns=rx.breakpoints(initial="2", sm="3", md="4"),
                spacing="3",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="trade-facts",
    )
