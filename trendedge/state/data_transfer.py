"""`/data`: download the user's trades and journal as CSV; import TrendEdge CSV files.

Downloads are plain links to the streaming export routes
(`trendedge.api.export_routes`), so a large export never travels through the
websocket. An upload is imported by `trade_import.import_file` (parsing runs in a
thread; the database work is async).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from urllib.parse import urlencode

import reflex as rx

from trendedge.db import session_scope
from trendedge.services import accounts, trade_import
from trendedge.services.errors import ServiceError
from trendedge.state.auth import AuthState, require_user_id

UPLOAD_ID = "trades-upload"
ALL = "all"
FROM_FILE = "file"
MAX_SHOWN_ERRORS = 200


@dataclasses.dataclass
class AccountOption:
    id: str
    name: str


def export_url(kind: str, account: str, start: str, end: str) -> str:
    """The export route for the chosen filters (blank or invalid dates are left out)."""
    params: dict[str, str] = {}
    if account != ALL:
        params["account"] = account
    for name, value in (("from", start), ("to", end)):
        try:
            params[name] = date.fromisoformat(value).isoformat()
        except ValueError:
            continue
    query = urlencode(params)
    return f"/api/v1/export/{kind}.csv" + (f"?{query}" if query else "")


class DataTransferState(rx.State):
    """Export filters, the import target and the last import's report."""

    account_options: list[AccountOption] = []
    export_account: str = ALL
    export_from: str = ""
    export_to: str = ""
    import_account: str = FROM_FILE
    import_busy: bool = False
    import_summary: str = ""
    import_ok: bool = True
    import_errors: list[str] = []
    import_file_error: str = ""

    @rx.var
    def trades_url(self) -> str:
        return export_url("trades", self.export_account, self.export_from, self.export_to)

    @rx.var
    def journal_url(self) -> str:
        return export_url("journal", self.export_account, self.export_from, self.export_to)

    @rx.var
    def range_error(self) -> str:
        try:
            start, end = date.fromisoformat(self.export_from), date.fromisoformat(self.export_to)
        except ValueError:
            return ""
        return "The end date is before the start date" if end < start else ""

    @rx.event
    async def load(self):
        user_id = await require_user_id(self)
        if user_id is None:
            return
        async with session_scope() as session:
            found = await accounts.list_accounts(session=session, user_id=user_id)
        self.account_options = [AccountOption(str(a.id), a.name) for a in found]
        known = {option.id for option in self.account_options}
        if self.export_account not in known:
            self.export_account = ALL
        if self.import_account not in {o.name for o in self.account_options}:
            self.import_account = FROM_FILE

    @rx.event
    def set_export_account(self, value: str):
        self.export_account = value

    @rx.event
    def set_export_from(self, value: str):
        self.export_from = value

    @rx.event
    def set_export_to(self, value: str):
        self.export_to = value

    @rx.event
    def set_import_account(self, value: str):
        self.import_account = value

    @rx.event
    async def upload(self, files: list[rx.UploadFile]):
        """Import the chosen file: everything, or nothing and every bad line."""
        user_id = await require_user_id(self)
        if user_id is None:
            yield (await self.get_state(AuthState)).signin_redirect()
            return
        self.import_summary, self.import_errors, self.import_file_error = "", [], ""
        if not files:
            self.import_file_error = "Choose a CSV file first"
            return
        self.import_busy = True
        yield
        try:
            data = await files[0].read()
            report = await trade_import.import_file(
                user_id=user_id,
                data=data,
                account_name=None if self.import_account == FROM_FILE else self.import_account,
            )
        except ServiceError as exc:
            self.import_file_error = exc.details.get("file") or exc.message
            return
        finally:
            self.import_busy = False
        self.import_ok = report.ok
        self.import_summary = report.summary()
        shown = report.errors[:MAX_SHOWN_ERRORS]
        self.import_errors = [str(error) for error in shown]
        if len(report.errors) > len(shown):
            self.import_errors.append(f"… and {len(report.errors) - len(shown)} more")
        yield rx.clear_selected_files(UPLOAD_ID)
        if report.ok:
            yield rx.toast.success(self.import_summary)
