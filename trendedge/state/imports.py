"""`/imports`: upload a broker statement into an account, watch it run, answer questions.

The upload is checked and stored by `services.imports.start_import`, then queued on
`low`; `watch` (a background task) reads the import every 0.4 s and updates the
progress bar until it reaches an end state.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import reflex as rx

from trendedge.db import session_scope
from trendedge.domain.broker_csv.mapping import OPTIONAL, REQUIRED
from trendedge.domain.csv_formats import detect_format
from trendedge.models import ImportRun
from trendedge.services import accounts, imports, preferences, trade_import
from trendedge.services.errors import ServiceError
from trendedge.state.auth import AuthState, require_user_id
from trendedge.state.display_time import show_time

UPLOAD_ID = "statement-upload"
POLL_S = 0.4
ACTIVE = ("queued", "running")
MAPPING_FIELDS = [*REQUIRED, *OPTIONAL]
NO_ERRORS = {"account": "", "file": "", "options": ""}


@dataclasses.dataclass
class ImportView:
    id: int = 0
    filename: str = ""
    format: str = ""
    status: str = ""
    message: str = ""
    percent: int = 0
    rows_done: int = 0
    rows_total: int = 0
    trades_created: int = 0
    executions_created: int = 0
    duplicates: int = 0
    rejected: int = 0
    errors: list[dict[str, str]] = dataclasses.field(default_factory=list)
    questions: list[dict[str, str]] = dataclasses.field(default_factory=list)
    created_at: str = ""


def progress_percent(run: ImportRun) -> int:
    """Reading ~10 %, then 10-95 % by rows matched and stored, done 100."""
    if run.status == "done":
        return 100
    if run.status != "running":
        return 0
    if not run.rows_done or not run.rows_total:
        return 10
    return min(95, 10 + int(85 * run.rows_done / run.rows_total))


def view_of(run: ImportRun) -> ImportView:
    percent = progress_percent(run)
    entries = [{k: str(v) for k, v in e.items()} for e in run.errors]
    asking = run.status == "needs_input"
    return ImportView(
        id=run.id or 0,
        filename=run.filename,
        format=run.format,
        status=run.status,
        message=run.message,
        percent=percent,
        rows_done=run.rows_done,
        rows_total=run.rows_total,
        trades_created=run.trades_created,
        executions_created=run.executions_created,
        duplicates=run.duplicates,
        rejected=run.rejected,
        errors=[] if asking else entries,
        questions=entries if asking else [],
        created_at=show_time(run.created_at),
    )


class ImportsState(rx.State):
    """The import form, the import being watched and the recent imports."""

    account_options: list[dict[str, str]] = []
    account_id: str = ""
    time_zone: str = "UTC"
    date_order: str = "auto"
    decimal_style: str = "auto"
    accept_partial: bool = False
    errors: dict[str, str] = NO_ERRORS
    header: list[str] = []
    mapping: dict[str, str] = {}
    current: ImportView = ImportView()
    history: list[ImportView] = []
    busy: bool = False

    async def _reload(self, user_id: int) -> None:
        async with session_scope() as session:
            found = await accounts.list_accounts(session=session, user_id=user_id)
            prefs = await preferences.get_preferences(session=session, user_id=user_id)
            runs = await imports.list_imports(session=session, user_id=user_id)
        self.account_options = [{"id": str(a.id), "name": a.name} for a in found]
        if self.account_id not in {o["id"] for o in self.account_options}:
            self.account_id = self.account_options[0]["id"] if self.account_options else ""
        self.time_zone = prefs.time_zone
        self.history = [view_of(r) for r in runs]

    @rx.event
    async def load(self):
        user_id = await require_user_id(self)
        if user_id is not None:
            self.errors, self.header = dict(NO_ERRORS), []
            await self._reload(user_id)
            await self._load_saved_mapping(user_id)

    async def _load_saved_mapping(self, user_id: int) -> None:
        if not self.account_id:
            return
        async with session_scope() as session:
            account = await accounts.get_account(
                session=session, user_id=user_id, account_id=int(self.account_id)
            )
        saved = account.import_mapping or {}
        self.mapping = {name: str(saved.get(name) or "") for name in MAPPING_FIELDS}

    @rx.event
    async def set_account(self, value: str):
        self.account_id = value
        user_id = await require_user_id(self)
        if user_id is not None:
            await self._load_saved_mapping(user_id)

    @rx.event
    def set_time_zone(self, value: str):
        self.time_zone = value

    @rx.event
    def set_date_order(self, value: str):
        self.date_order = value

    @rx.event
    def set_decimal_style(self, value: str):
        self.decimal_style = value

    @rx.event
    def set_accept_partial(self, value: bool):
        self.accept_partial = value

    @rx.event
    def set_mapping_field(self, field: str, column: str):
        self.mapping = {**self.mapping, field: "" if column == "-" else column}

    def _options(self, *, with_mapping: bool) -> dict[str, Any]:
        options: dict[str, Any] = {
            "time_zone": self.time_zone or "UTC",
            "accept_partial": self.accept_partial,
        }
        if self.date_order != "auto":
            options["date_order"] = self.date_order
        if self.decimal_style != "auto":
            options["decimal_style"] = self.decimal_style
        if with_mapping:
            options["mapping"] = {k: v for k, v in self.mapping.items() if v}
        return options

    async def _start(self, files: list[rx.UploadFile], *, with_mapping: bool) -> list[Any]:
        user_id = await require_user_id(self)
        if user_id is None:
            return [(await self.get_state(AuthState)).signin_redirect()]
        self.errors = dict(NO_ERRORS)
        if not self.account_id:
            self.errors = {**NO_ERRORS, "account": "create an account first"}
            return []
        if not files:
            self.errors = {**NO_ERRORS, "file": "choose a CSV file"}
            return []
        content = await files[0].read()
        if own_export_kind(content) is not None:
            return await self._import_own_export(user_id, files[0].name or "", content)
        try:
            async with session_scope() as session:
                run = await imports.start_import(
                    session=session,
                    user_id=user_id,
                    account_id=int(self.account_id),
                    filename=files[0].name or "statement.csv",
                    content=content,
                    options=self._options(with_mapping=with_mapping),
                )
        except ServiceError as exc:
            header = exc.details.get("header")
            self.header = header.split("|") if header else []
            problems = {k: v for k, v in exc.details.items() if k != "header"}
            self.errors = {**NO_ERRORS, "file": exc.message, **problems}
            return []
        self.header = []
        await _enqueue(run.id or 0)
        self.current = view_of(run)
        return [rx.clear_selected_files(UPLOAD_ID), ImportsState.watch]

    @rx.event
    async def upload(self, files: list[rx.UploadFile]):
        """Check and queue the chosen statement (detected layout)."""
        self.busy = True
        yield
        try:
            for event in await self._start(files, with_mapping=False):
                yield event
        finally:
            self.busy = False

    @rx.event
    async def upload_mapped(self, files: list[rx.UploadFile]):
        """Check and queue the chosen statement read with the column mapping."""
        self.busy = True
        yield
        try:
            for event in await self._start(files, with_mapping=True):
                yield event
        finally:
            self.busy = False

    async def _import_own_export(self, user_id: int, filename: str, content: bytes) -> list[Any]:
        """TrendEdge's own trades/journal CSV: read back directly (all or nothing)."""
        account_name = next(
            (o["name"] for o in self.account_options if o["id"] == self.account_id), None
        )
        try:
            report = await trade_import.import_file(
                user_id=user_id, data=content, account_name=account_name
            )
        except ServiceError as exc:
            self.errors = {**NO_ERRORS, "file": exc.message}
            return []
        self.current = ImportView(
            id=-1,
            filename=filename,
            format=f"trendedge_{report.kind}",
            status="done" if report.ok else "rejected",
            message=report.summary(),
            percent=100 if report.ok else 0,
            rows_done=report.rows_read,
            rows_total=report.rows_read,
            trades_created=report.created,
            duplicates=report.duplicates,
            rejected=len({e.line for e in report.errors}),
            errors=[
                {"line": str(e.line), "column": e.field, "message": e.message}
                for e in report.errors[:1000]
            ],
        )
        return [rx.clear_selected_files(UPLOAD_ID)]

    async def _resubmit(self, answers: dict[str, Any]):
        user_id = await require_user_id(self)
        if user_id is None:
            return (await self.get_state(AuthState)).signin_redirect()
        try:
            async with session_scope() as session:
                run = await imports.resubmit_import(
                    session=session, user_id=user_id, import_id=self.current.id, answers=answers
                )
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        await _enqueue(run.id or 0)
        self.current = view_of(run)
        return ImportsState.watch

    @rx.event
    async def answer(self, kind: str, value: str):
        """Answer the import's question (date_order / decimal_style) and run it again."""
        return await self._resubmit({kind: value})

    @rx.event
    async def import_good_rows(self):
        """Run the rejected import again, keeping its good rows."""
        return await self._resubmit({"accept_partial": True})

    @rx.event(background=True)
    async def watch(self):
        """Follow the current import until it ends; toast the outcome."""
        async with self:
            user_id = await require_user_id(self)
            import_id = self.current.id
        if user_id is None or not import_id:
            return
        while True:
            async with session_scope() as session:
                run = await imports.get_import(
                    session=session, user_id=user_id, import_id=import_id
                )
            async with self:
                if self.current.id != import_id:
                    return  # another import took over
                self.current = view_of(run)
            if run.status not in ACTIVE:
                break
            await asyncio.sleep(POLL_S)
        async with self:
            await self._reload(user_id)
        if run.status == "done":
            yield rx.toast.success(run.message)
        elif run.status == "needs_input":
            yield rx.toast.info("The file needs an answer before it can be imported")
        else:
            yield rx.toast.error(run.message)


def own_export_kind(content: bytes) -> str | None:
    """ "trades"/"journal" when `content` is TrendEdge's own export (by its header)."""
    head = content[:4096].decode("utf-8-sig", errors="replace")
    return detect_format(head)


async def _enqueue(import_id: int) -> None:
    from jobs.imports import enqueue_import  # jobs import services; keep it lazy

    await asyncio.to_thread(enqueue_import, import_id)
