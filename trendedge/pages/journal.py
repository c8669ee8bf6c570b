"""`/journal` (filtered list), `/journal/trade/[trade_id]` and `/journal/day/[day]` (editor)."""

from __future__ import annotations

import reflex as rx

from components.journal import day_picker, journal_filters, journal_table
from components.journal_editor import entry_form, screenshots_panel, trade_summary
from components.layout import app_shell
from trendedge.state.auth import AuthState
from trendedge.state.journal import JournalEntryState, JournalState


def journal_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            rx.hstack(
                rx.text(
                    "Every trade and every trading day, reviewed. Open a trade from the trades "
                    "page or pick a day.",
                    color=rx.color("gray", 11),
                ),
                rx.spacer(),
                day_picker(today=JournalState.today, on_open=JournalState.open_day),
                width="100%",
                align="center",
                wrap="wrap",
            ),
            journal_filters(
                filters=JournalState.filters,
                errors=JournalState.filter_errors,
                tags=JournalState.tag_options,
                accounts=JournalState.account_options,
                setups=JournalState.setup_options,
                instruments=JournalState.instrument_options,
                on_filter=JournalState.set_filter,
                on_clear=JournalState.clear_filters,
            ),
            rx.cond(
                JournalState.rows.length() > 0,
                journal_table(JournalState.rows, on_tag=JournalState.show_tag),
                rx.cond(
                    JournalState.loaded,
                    rx.callout(
                        "No journal entries match. Write one from a trade, or open today's "
                        "journal.",
                        icon="info",
                        id="no-entries",
                    ),
                    rx.spinner(),
                ),
            ),
            spacing="4",
            width="100%",
        ),
        title="Journal",
        email=AuthState.email,
        on_sign_out=AuthState.sign_out,
    )


def _editor(header: rx.Component) -> rx.Component:
    state = JournalEntryState
    return rx.cond(
        state.loaded,
        rx.cond(
            state.found,
            rx.vstack(
                header,
                entry_form(
                    notes=state.notes,
                    tags=state.tags,
                    mistakes=state.mistakes,
                    rating=state.rating,
                    errors=state.errors,
                    form_error=state.form_error,
                    on_notes=state.set_notes,
                    on_tags=state.set_tags,
                    on_mistakes=state.set_mistakes,
                    on_rating=state.set_rating,
                    on_submit=state.save,
                    on_delete=state.delete,
                ),
                screenshots_panel(
                    state.shots,
                    errors=state.upload_errors,
                    on_drop=state.upload,
                    on_delete=state.delete_shot,
                ),
                rx.link("← Back to the journal", href="/journal", size="2"),
                spacing="4",
                width="100%",
            ),
            rx.vstack(
                rx.callout(
                    state.problem,
                    icon="search-x",
                    color_scheme="gray",
                    id="journal-not-found",
                ),
                rx.link("← Back to the journal", href="/journal", size="2"),
                spacing="3",
            ),
        ),
        rx.spinner(),
    )


def journal_trade_page() -> rx.Component:
    header = rx.vstack(
        trade_summary(JournalEntryState.trade),
        rx.link(
            "Open the trade",
            href="/trades/" + JournalEntryState.trade_id.to_string(),
            size="2",
        ),
        spacing="2",
        width="100%",
    )
    return app_shell(
        _editor(header),
        title="Trade journal",
        email=AuthState.email,
        on_sign_out=AuthState.sign_out,
    )


def journal_day_page() -> rx.Component:
    header = rx.heading("Trading day " + JournalEntryState.day, size="4", id="journal-day")
    return app_shell(
        _editor(header),
        title="Day journal",
        email=AuthState.email,
        on_sign_out=AuthState.sign_out,
    )
