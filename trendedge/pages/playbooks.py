"""`/playbooks` (list, create) and `/playbooks/[playbook_id]` (rules, statistics, edit)."""

from __future__ import annotations

import reflex as rx

from components.dialogs import confirm_action
from components.layout import app_shell
from components.playbooks import (
    adherence_table,
    description_text,
    equity_chart,
    playbook_form,
    playbooks_table,
    rules_list,
    stat_cards,
)
from trendedge.state.auth import AuthState
from trendedge.state.playbooks import PlaybookDetailState as D
from trendedge.state.playbooks import PlaybooksState as L


def _section(title: str, *children: rx.Component) -> rx.Component:
    return rx.vstack(rx.heading(title, size="4"), *children, spacing="3", width="100%")


def playbooks_page() -> rx.Component:
    return app_shell(
        rx.cond(
            L.loaded,
            rx.flex(
                rx.vstack(
                    rx.text(
                        "Playbooks are your named setups: a description and a checklist of "
                        "rules. Link trades to them and see how each setup really performs.",
                        color=rx.color("gray", 11),
                    ),
                    rx.cond(
                        L.rows.length() > 0,
                        playbooks_table(L.rows, on_delete=L.delete),
                        rx.callout(
                            "No playbooks yet. Create your first one.",
                            icon="info",
                            id="no-playbooks",
                        ),
                    ),
                    spacing="4",
                    flex="2 1 480px",
                ),
                rx.card(
                    rx.heading("New playbook", size="3", margin_bottom="8px"),
                    playbook_form(
                        values=L.form,
                        errors=L.errors,
                        form_error=L.form_error,
                        on_submit=L.create,
                        submit_label="Create playbook",
                        form_id="new-playbook-form",
                        key=L.form_key,
                    ),
                    flex="1 1 320px",
                ),
                gap="20px",
                wrap="wrap",
                width="100%",
                align="start",
            ),
            rx.spinner(),
        ),
        title="Playbooks",
        email=AuthState.email,
        on_sign_out=AuthState.sign_out,
    )


def _delete_button() -> rx.Component:
    return confirm_action(
        rx.button(
            "Delete", type="button", color_scheme="red", variant="soft", id="delete-playbook"
        ),
        title="Delete playbook?",
        description="Its trades are kept, without a playbook and without rules followed.",
        confirm="Delete",
        on_confirm=D.delete,
    )


def _details() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(D.name, size="6", id="playbook-name"),
            rx.spacer(),
            rx.link(
                rx.button("All playbooks", variant="soft", color_scheme="gray"), href="/playbooks"
            ),
            width="100%",
            align="center",
        ),
        description_text(D.description),
        _section("Statistics", stat_cards(D.cards, "playbook-stats")),
        rx.cond(
            D.currency_note != "",
            rx.text(D.currency_note, size="1", color=rx.color("gray", 10)),
        ),
        _section("Equity (cumulative net P&L)", equity_chart(D.figure)),
        _section(
            "Rules and adherence",
            rx.cond(D.rules.length() > 0, adherence_table(D.adherence), rules_list(D.rules)),
            stat_cards(D.followed_all, "followed-all"),
        ),
        _section(
            "Edit",
            rx.card(
                playbook_form(
                    values=D.form,
                    errors=D.errors,
                    form_error=D.form_error,
                    on_submit=D.save,
                    submit_label="Save",
                    form_id="edit-playbook-form",
                    extra_actions=(_delete_button(),),
                ),
                width="100%",
            ),
        ),
        spacing="5",
        width="100%",
        max_width="960px",
    )


def playbook_page() -> rx.Component:
    return app_shell(
        rx.cond(
            D.loaded,
            rx.cond(
                D.found,
                _details(),
                rx.callout(
                    "Playbook not found.",
                    icon="search-x",
                    color_scheme="gray",
                    id="playbook-not-found",
                ),
            ),
            rx.spinner(),
        ),
        title="Playbook",
        email=AuthState.email,
        on_sign_out=AuthState.sign_out,
    )
