"""`/imports`: broker statements into an account, with progress and a column mapper."""

from __future__ import annotations

import reflex as rx

from components.imports import column_mapper, history_table, import_form, progress_panel
from components.layout import app_shell
from trendedge.domain.broker_csv.detect import FORMATS
from trendedge.domain.broker_csv.mapping import REQUIRED
from trendedge.state.auth import AuthState
from trendedge.state.imports import MAPPING_FIELDS, UPLOAD_ID, ImportsState

S = ImportsState


def formats_note() -> rx.Component:
    return rx.el.details(
        rx.el.summary("Supported formats (detected from the header)", style={"cursor": "pointer"}),
        rx.unordered_list(
            *(rx.list_item(f"{fmt.label} — times: {fmt.times}") for fmt in FORMATS),
            rx.list_item("Anything else: the column mapper"),
        ),
        rx.text(
            "Executions are matched into round-trip trades first in, first out; the same "
            "file (or an overlapping one) never creates a trade twice.",
            size="2",
        ),
    )


def imports_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            import_form(
                upload_id=UPLOAD_ID,
                accounts=S.account_options,
                account_id=S.account_id,
                time_zone=S.time_zone,
                date_order=S.date_order,
                decimal_style=S.decimal_style,
                accept_partial=S.accept_partial,
                errors=S.errors,
                busy=S.busy,
                handlers={
                    "account": S.set_account,
                    "time_zone": S.set_time_zone,
                    "date_order": S.set_date_order,
                    "decimal_style": S.set_decimal_style,
                    "accept_partial": S.set_accept_partial,
                    "upload": S.upload,
                },
            ),
            column_mapper(
                header=S.header,
                mapping=S.mapping,
                fields=MAPPING_FIELDS,
                required=REQUIRED,
                errors=S.errors,
                on_field=S.set_mapping_field,
                on_import=S.upload_mapped,
                upload_id=UPLOAD_ID,
            ),
            progress_panel(S.current, on_answer=S.answer, on_good_rows=S.import_good_rows),
            formats_note(),
            rx.heading("Recent imports", size="4"),
            history_table(S.history),
            spacing="4",
            width="100%",
        ),
        title="Import statements",
        email=AuthState.email,
        on_sign_out=AuthState.sign_out,
    )
