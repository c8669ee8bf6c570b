"""Run one queued import: parse, resolve contracts, store executions, rebuild trades.

Each step commits on its own, so the page can show progress while the job runs:
`progress(run)` is awaited after every stored batch (at most `BATCH` rows, a few
hundred milliseconds). Nothing is written for a rejected file; with
`accept_partial` the good rows are stored and the bad ones listed. Executions are
inserted with ON CONFLICT DO NOTHING on (account, key), so re-imports and
overlapping files store nothing twice, even when two imports run at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import text
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.db import session_scope
from trendedge.domain.broker_csv.executions import Execution as ParsedExecution
from trendedge.domain.broker_csv.executions import LineError, ParseResult
from trendedge.domain.broker_csv.fingerprints import assign_keys
from trendedge.domain.broker_csv.symbols import ticker_for
from trendedge.domain.contracts import ContractSpec, resolve_symbol
from trendedge.domain.statement_import import ImportOptions, parse_statement
from trendedge.domain.statement_text import StatementRejected, decode_statement
from trendedge.logging import get_logger
from trendedge.models import Account, ImportFile, ImportRun
from trendedge.models._base import utcnow
from trendedge.services import analytics_cache
from trendedge.services.bulk import stage
from trendedge.services.import_trades import PendingExecution, Rebuilt, rebuild_root
from trendedge.services.imports import MAX_STORED_ERRORS, discard_file, mark
from trendedge.settings import get_settings

log = get_logger("trendedge.imports")
BATCH = 5_000  # the event loop breathes between batches: the heartbeat keeps going
HEARTBEAT_S = 0.5
T = TypeVar("T")
Progress = Callable[[ImportRun], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Resolved:
    execution: ParsedExecution
    spec: ContractSpec
    key: str


def _resolve(
    parsed: list[ParsedExecution], keys: list[str]
) -> tuple[list[Resolved], list[LineError]]:
    resolved: list[Resolved] = []
    errors: list[LineError] = []
    specs: dict[str, ContractSpec | None] = {}
    for execution, key in zip(parsed, keys, strict=True):
        symbol = execution.symbol.strip()
        if symbol not in specs:
            try:
                specs[symbol] = resolve_symbol(ticker_for(symbol))
            except ValueError:
                specs[symbol] = None
        spec = specs[symbol]
        if spec is None:
            errors.append(LineError(execution.line, "symbol", f"unknown contract {symbol!r}"))
            continue
        resolved.append(Resolved(execution, spec, key))
    return resolved, errors


def _error_rows(errors: list[LineError]) -> list[dict[str, Any]]:
    ordered = sorted(errors, key=lambda e: e.line)
    return [
        {"line": e.line, "column": e.column, "message": e.message}
        for e in ordered[:MAX_STORED_ERRORS]
    ]


async def _load(import_id: int) -> tuple[ImportRun, bytes]:
    async with session_scope() as session:
        run = (await session.exec(select(ImportRun).where(col(ImportRun.id) == import_id))).first()
        if run is None:
            raise LookupError(f"import {import_id} does not exist")
        file = await session.get(ImportFile, import_id)
        content = file.content if file is not None else b""
        run = await mark(session=session, run=run, status="running", message="Reading the file")
        session.expunge(run)
    return run, content


async def _finish(run: ImportRun, status: str, message: str, **counts: Any) -> ImportRun:
    async with session_scope() as session:
        run = await session.merge(run)
        run = await mark(session=session, run=run, status=status, message=message, **counts)
        if status == "done":  # otherwise kept: the user may answer or accept partial
            await discard_file(session=session, import_id=run.id or 0)
        session.expunge(run)
    return run


EXECUTION_COLUMNS = (
    ("user_id", "integer"),
    ("account_id", "integer"),
    ("import_id", "integer"),
    ("trade_id", "integer"),
    ("key", "varchar"),
    ("broker_exec_id", "varchar"),
    ("executed_at", "timestamptz"),
    ("symbol", "varchar"),
    ("root", "varchar"),
    ("side", "varchar"),
    ("quantity", "numeric"),
    ("price", "numeric"),
    ("fee", "numeric"),
    ("currency", "varchar"),
    ("line", "integer"),
    ("created_at", "timestamptz"),
)


async def _store(
    session: AsyncSession, run: ImportRun, batch: list[Resolved], links: dict[str, int]
) -> int:
    """Insert executions with their trade; the number actually stored (new keys)."""
    rows = await asyncio.to_thread(_execution_rows, run, batch, links)
    names = ", ".join(column for column, _ in EXECUTION_COLUMNS)
    await stage(session, name="staged_executions", columns=EXECUTION_COLUMNS, rows=rows)
    statement: Any = text(
        f"INSERT INTO executions ({names}) SELECT {names} FROM staged_executions "  # noqa: S608 - constants
        "ON CONFLICT ON CONSTRAINT uq_executions_account_key DO NOTHING RETURNING 1"
    )
    stored = len((await session.exec(statement)).all())
    await session.exec(text("DROP TABLE staged_executions"))  # type: ignore[call-overload]
    return stored


def _execution_rows(
    run: ImportRun, batch: list[Resolved], links: dict[str, int]
) -> list[tuple[Any, ...]]:
    now = utcnow()
    return [
        (
            run.user_id,
            run.account_id,
            run.id,
            links.get(r.key),
            r.key,
            r.execution.execution_id,
            r.execution.time,
            r.execution.symbol.strip(),
            r.spec.root,
            r.execution.side,
            r.execution.quantity,
            r.execution.price,
            r.execution.fee,
            _currency(r),
            r.execution.line,
            now,
        )
        for r in batch
    ]


def _currency(r: Resolved) -> str:
    return (r.execution.currency or r.spec.currency).upper()


async def _fresh_by_root(run: ImportRun, resolved: list[Resolved]) -> dict[str, list[Resolved]]:
    """The executions whose key the account does not hold yet (first of each key), by root."""
    keys = [r.key for r in resolved]
    query: Any = text(
        "SELECT key FROM executions WHERE account_id = :account_id "
        "AND key = ANY(CAST(:keys AS varchar[]))"
    ).bindparams(account_id=run.account_id, keys=keys)
    async with session_scope() as session:
        held = {key for (key,) in (await session.exec(query)).all()}
    fresh: dict[str, list[Resolved]] = {}
    for r in resolved:
        if r.key not in held:
            held.add(r.key)
            fresh.setdefault(r.spec.root, []).append(r)
    return fresh


def _pending(items: list[Resolved]) -> list[PendingExecution]:
    return [
        PendingExecution(
            key=r.key,
            time=r.execution.time,
            side=r.execution.side,
            quantity=r.execution.quantity,
            price=r.execution.price,
            fee=r.execution.fee,
            symbol=r.execution.symbol.strip(),
            currency=_currency(r),
        )
        for r in items
    ]


async def _import_root(run: ImportRun, root: str, items: list[Resolved]) -> tuple[int, int]:
    """Trades and executions of one contract, in one transaction: (stored, trades created)."""
    async with session_scope() as session:
        account = await session.get(Account, run.account_id)
        assert account is not None and account.user_id == run.user_id
        rebuilt, links = await rebuild_root(
            session, user_id=run.user_id, account=account, root=root, pending=_pending(items)
        )
        stored = 0
        for start in range(0, len(items), BATCH):
            stored += await _store(session, run, items[start : start + BATCH], links)
    return stored, rebuilt.created


def _since(start: float) -> float:
    return round(time.monotonic() - start, 3)


def _read(text: str, options: ImportOptions) -> tuple[ParseResult, list[str]]:
    """Parse and key the executions (CPU work, run in a thread)."""
    parsed = parse_statement(text, options=options)
    return parsed, assign_keys(parsed.executions)


async def _progress(run: ImportRun, progress: Progress | None, message: str) -> None:
    run.message = message
    async with session_scope() as session:
        merged = await session.merge(run)
        await mark(
            session=session,
            run=merged,
            status="running",
            message=message,
            rows_done=run.rows_done,
            rows_total=run.rows_total,
        )
    if progress is not None:
        await progress(run)


async def _with_heartbeat(
    run: ImportRun, step: str, progress: Progress | None, work: Awaitable[T]
) -> T:
    """Await `work`, saying that `step` started, then every HEARTBEAT_S that it goes on."""
    task = asyncio.ensure_future(work)
    started = time.monotonic()
    await _progress(run, progress, step)
    while True:
        done, _ = await asyncio.wait({task}, timeout=HEARTBEAT_S)
        if done:
            return task.result()
        await _progress(run, progress, f"{step} ({time.monotonic() - started:.1f} s)")


async def _remember_mapping(session: AsyncSession, run: ImportRun, mapping: dict[str, Any]) -> None:
    account = await session.get(Account, run.account_id)
    if account is not None and account.user_id == run.user_id:
        account.import_mapping = mapping
        session.add(account)


async def run_import(*, import_id: int, progress: Progress | None = None) -> ImportRun:
    """Run import `import_id` to its end state: done, rejected, needs_input or failed."""
    run, content = await _load(import_id)
    options = ImportOptions.from_mapping(run.options)
    try:
        text = decode_statement(content, max_bytes=get_settings().import_max_bytes)
    except StatementRejected as exc:
        return await _finish(run, "rejected", str(exc))
    clock = time.monotonic()
    parsed, keys = await _with_heartbeat(
        run, "Reading and checking rows", progress, asyncio.to_thread(_read, text, options)
    )
    if parsed.questions:
        asked = " ".join(q.message for q in parsed.questions)
        questions = [{"line": 0, "column": q.kind, "message": q.message} for q in parsed.questions]
        return await _finish(run, "needs_input", asked, errors=questions)
    resolved, unknown = await asyncio.to_thread(_resolve, parsed.executions, keys)
    log.info("import_read", import_id=import_id, rows=len(keys), seconds=_since(clock))
    errors = [*parsed.errors, *unknown]
    rejected_lines = len({e.line for e in errors})
    if errors and not options.accept_partial:
        message = (
            f"{rejected_lines} bad rows: nothing was imported. Fix them, or choose to "
            "import the good rows only."
        )
        return await _finish(
            run, "rejected", message, errors=_error_rows(errors), rejected=rejected_lines
        )

    run.rows_total = len(resolved) + rejected_lines
    run.rows_done = 0
    fresh = await _with_heartbeat(
        run, "Checking for rows imported before", progress, _fresh_by_root(run, resolved)
    )
    created = trades_created = 0
    for root in sorted(fresh):
        stored, made = await _with_heartbeat(
            run, f"Matching and storing {root}", progress, _import_root(run, root, fresh[root])
        )
        created, trades_created = created + stored, trades_created + made
        run.rows_done += len(fresh[root])
        await _progress(run, progress, f"Stored {run.rows_done:,} of {len(resolved):,} rows")
    if options.mapping is not None:
        async with session_scope() as session:
            await _remember_mapping(session, run, options.mapping)
    rebuilt = Rebuilt(trades_created, 0, 0)
    log.info("import_matched", import_id=import_id, trades=rebuilt.created, seconds=_since(clock))
    await analytics_cache.invalidate(user_id=run.user_id)
    duplicates = len(resolved) - created
    summary = (
        f"{len(resolved) + rejected_lines:,} rows read: {rebuilt.created:,} trades created, "
        f"{duplicates:,} duplicates skipped, {rejected_lines:,} rows rejected"
    )
    return await _finish(
        run,
        "done",
        summary,
        rows_done=len(resolved),
        executions_created=created,
        duplicates=duplicates,
        trades_created=rebuilt.created,
        rejected=rejected_lines,
        errors=_error_rows(errors),
    )
