"""Broker statement imports: accept an upload, then run it (in an RQ job) to trades.

`start_import` checks the file before anything is written (size, text, row count,
a known layout or a usable column mapping) and stores the run and its bytes.
`run_import` parses, resolves contracts, stores executions idempotently and
rebuilds the account's imported trades, reporting progress through a callback.
A file with bad rows writes nothing unless the user chose to import the good rows;
the bad ones are always listed with line number and reason.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.domain.broker_csv.executions import ParseResult
from trendedge.domain.broker_csv.mapping import ColumnMapping, validate_mapping
from trendedge.domain.statement_import import (
    ImportOptions,
    UnknownLayout,
    header_of,
    parse_statement,
    sniff_format,
)
from trendedge.domain.statement_text import StatementRejected, decode_statement
from trendedge.models import Account, ImportFile, ImportRun
from trendedge.models._base import utcnow
from trendedge.services.errors import InvalidInputError, NotFoundError
from trendedge.services.tenancy import get_owned, new_owned, owned_by
from trendedge.settings import get_settings

MAX_STORED_ERRORS = 1_000
Progress = Callable[[ImportRun], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class StatementCheck:
    format_name: str
    rows: int


def check_statement(content: bytes, *, options: ImportOptions) -> StatementCheck:
    """Limits and layout, before anything is stored; `InvalidInputError` names `file`."""
    settings = get_settings()
    try:
        text = decode_statement(content, max_bytes=settings.import_max_bytes)
    except StatementRejected as exc:
        raise InvalidInputError(str(exc), details={"file": str(exc)}) from exc
    rows = max(0, sum(1 for line in text.splitlines() if line.strip()) - 1)
    if rows == 0:
        raise InvalidInputError("The file has no data rows", details={"file": "no data rows"})
    if rows > settings.import_max_rows:
        message = f"The file has {rows:,} rows; the limit is {settings.import_max_rows:,}"
        raise InvalidInputError(message, details={"file": message})
    try:
        format_name = sniff_format(text, options=options)
    except UnknownLayout as exc:
        raise InvalidInputError(
            str(exc), details={"file": str(exc), "header": "|".join(exc.header)}
        ) from exc
    if options.mapping is not None:
        problems = validate_mapping(ColumnMapping.from_dict(options.mapping), header_of(text))
        if problems:
            raise InvalidInputError(
                "The column mapping does not fit the file",
                details={f"mapping.{name}": message for name, message in problems.items()},
            )
    return StatementCheck(format_name=format_name, rows=rows)


async def start_import(
    *,
    session: AsyncSession,
    user_id: int,
    account_id: int,
    filename: str,
    content: bytes,
    options: Mapping[str, Any],
) -> ImportRun:
    """Check the upload and store it as a queued import of the user's account."""
    await get_owned(session, Account, user_id=user_id, row_id=account_id)
    try:
        chosen = ImportOptions.from_mapping(options)
    except ValueError as exc:
        raise InvalidInputError(str(exc), details={"options": str(exc)}) from exc
    check = check_statement(content, options=chosen)
    run = new_owned(
        ImportRun,
        user_id=user_id,
        account_id=account_id,
        filename=filename[:255],
        size_bytes=len(content),
        format=check.format_name,
        rows_total=check.rows,
        options=chosen.to_dict(),
    )
    session.add(run)
    await session.flush()
    assert run.id is not None
    session.add(ImportFile(import_id=run.id, user_id=user_id, content=content))
    await session.flush()
    return run


async def get_import(*, session: AsyncSession, user_id: int, import_id: int) -> ImportRun:
    """One import of the user (fresh from the database); `NotFoundError` otherwise."""
    query = (
        owned_by(ImportRun, user_id=user_id)
        .where(col(ImportRun.id) == import_id)
        .execution_options(populate_existing=True)
    )
    run = (await session.exec(query)).first()
    if run is None:
        raise NotFoundError(f"Import {import_id} not found")
    return run


async def list_imports(
    *, session: AsyncSession, user_id: int, account_id: int | None = None, limit: int = 20
) -> list[ImportRun]:
    """The user's latest imports, newest first."""
    query = owned_by(ImportRun, user_id=user_id)
    if account_id is not None:
        query = query.where(col(ImportRun.account_id) == account_id)
    query = query.order_by(col(ImportRun.id).desc()).limit(limit)
    return list((await session.exec(query)).all())


RESUBMITTABLE = {"needs_input", "rejected", "failed"}


async def resubmit_import(
    *, session: AsyncSession, user_id: int, import_id: int, answers: Mapping[str, Any]
) -> ImportRun:
    """Queue an unfinished import again with `answers` added to its options (a date
    order, a decimal style, accept_partial); the stored file is read again."""
    run = await get_import(session=session, user_id=user_id, import_id=import_id)
    if run.status not in RESUBMITTABLE:
        raise InvalidInputError(
            f"Import {import_id} is {run.status}; only an unfinished import can run again",
            details={"import": run.status},
        )
    if await session.get(ImportFile, import_id) is None:
        raise InvalidInputError(
            "The file of this import is gone; upload it again", details={"file": "gone"}
        )
    try:
        options = ImportOptions.from_mapping({**run.options, **answers})
    except ValueError as exc:
        raise InvalidInputError(str(exc), details={"options": str(exc)}) from exc
    run.options = options.to_dict()
    run.status, run.message, run.errors = "queued", "Queued again", []
    run.rows_done = run.executions_created = run.duplicates = 0
    run.trades_created = run.rejected = 0
    run.started_at = run.finished_at = None
    session.add(run)
    await session.flush()
    return run


async def purge_unfinished_files(*, session: AsyncSession, older_than: timedelta) -> int:
    """Drop the kept bytes of imports that ended unfinished (needs input, rejected, failed)
    longer ago than `older_than`; the import rows and their summaries stay."""
    cutoff = utcnow() - older_than
    stale: Any = (
        select(ImportRun.id)
        .where(col(ImportRun.status).in_(sorted(RESUBMITTABLE)))
        .where(col(ImportRun.finished_at) < cutoff)
    )
    result = await session.exec(  # type: ignore[call-overload]
        delete(ImportFile).where(col(ImportFile.import_id).in_(stale))
    )
    return int(result.rowcount or 0)


def error_rows(result: ParseResult) -> list[dict[str, Any]]:
    return [
        {"line": e.line, "column": e.column, "message": e.message}
        for e in result.errors[:MAX_STORED_ERRORS]
    ]


async def discard_file(*, session: AsyncSession, import_id: int) -> None:
    """Drop the stored bytes of a finished import."""
    await session.exec(delete(ImportFile).where(col(ImportFile.import_id) == import_id))  # type: ignore[call-overload]


async def mark(
    *, session: AsyncSession, run: ImportRun, status: str, message: str = "", **counts: Any
) -> ImportRun:
    """Store a status change of `run` (and any counters given)."""
    run.status, run.message = status, message or run.message
    for name, value in counts.items():
        setattr(run, name, value)
    if status == "running" and run.started_at is None:
        run.started_at = utcnow()
    if status in {"done", "failed", "rejected", "needs_input"}:
        run.finished_at = utcnow()
    session.add(run)
    await session.flush()
    return run


__all__ = [
    "ImportOptions",
    "Progress",
    "StatementCheck",
    "check_statement",
    "discard_file",
    "error_rows",
    "get_import",
    "list_imports",
    "mark",
    "parse_statement",
    "purge_unfinished_files",
    "resubmit_import",
    "start_import",
]
