"""`/data`: export trades and journal entries as CSV, import TrendEdge CSV files."""

from __future__ import annotations

import reflex as rx

from components.data_transfer import export_card, import_card
from components.layout import app_shell
from trendedge.state.auth import AuthState
from trendedge.state.data_transfer import UPLOAD_ID, DataTransferState

S = DataTransferState


def data_transfer_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            export_card(
                accounts=S.account_options,
                account=S.export_account,
                start=S.export_from,
                end=S.export_to,
                range_error=S.range_error,
                trades_url=S.trades_url,
                journal_url=S.journal_url,
                on_account=S.set_export_account,
                on_start=S.set_export_from,
                on_end=S.set_export_to,
            ),
            import_card(
                upload_id=UPLOAD_ID,
                accounts=S.account_options,
                target=S.import_account,
                on_target=S.set_import_account,
                on_upload=S.upload,
                busy=S.import_busy,
                summary=S.import_summary,
                ok=S.import_ok,
                errors=S.import_errors,
                file_error=S.import_file_error,
            ),
            spacing="4",
            width="100%",
            max_width="860px",
        ),
        title="Import & export",
        email=AuthState.email,
        on_sign_out=AuthState.sign_out,
    )
