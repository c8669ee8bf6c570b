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
from trendedge.models import Account, ImportFile, ImportRun
from trendedge.models._base import utcnow
from trendedge.services import analytics_cache
from trendedge.services.bulk import insert_unnest
from trendedge.services.import_trades import Rebuilt, rebuild_trades
from trendedge.services.imports import MAX_STORED_ERRORS, discard_file, mark
from trendedge.settings import get_settings

BATCH = 2_500  # one batch stores in well under a second: progress keeps moving
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


async def _store_batch(run: ImportRun, batch: list[Resolved]) -> list[str]:
    """Insert a batch of executions; the contract root of each one actually stored."""
    now = utcnow()
    rows = [
        (
            run.user_id,
            run.account_id,
            run.id,
            r.key,
            r.execution.execution_id,
            r.execution.time,
            r.execution.symbol.strip(),
            r.spec.root,
            r.execution.side,
            r.execution.quantity,
            r.execution.price,
            r.execution.fee,
            (r.execution.currency or r.spec.currency).upper(),
            r.execution.line,
            now,
        )
        for r in batch
    ]
    async with session_scope() as session:
        stored = await insert_unnest(
            session,
            table="executions",
            columns=EXECUTION_COLUMNS,
            rows=rows,
            suffix="ON CONFLICT ON CONSTRAINT uq_executions_account_key DO NOTHING RETURNING root",
        )
    return [root for (root,) in stored]


def _read(text: str, options: ImportOptions) -> tuple[ParseResult, list[str]]:
    """Parse and key the executions (CPU work, run in a thread)."""
    parsed = parse_statement(text, options=options)
    return parsed, assign_keys(parsed.executions)


async def _with_heartbeat(
    run: ImportRun, stage: str, progress: Progress | None, work: Awaitable[T]
) -> T:
    """Await `work`, saying every HEARTBEAT_S that `stage` is still going on."""
    task = asyncio.ensure_future(work)
    started = time.monotonic()
    while True:
        done, _ = await asyncio.wait({task}, timeout=HEARTBEAT_S)
        if done:
            return task.result()
        run.message = f"{stage} ({time.monotonic() - started:.0f} s)"
        async with session_scope() as session:
            merged = await session.merge(run)
            await mark(session=session, run=merged, status="running", message=run.message)
        if progress is not None:
            await progress(run)


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
    parsed, keys = await _with_heartbeat(
        run, "Reading and checking rows", progress, asyncio.to_thread(_read, text, options)
    )
    if parsed.questions:
        asked = " ".join(q.message for q in parsed.questions)
        questions = [{"line": 0, "column": q.kind, "message": q.message} for q in parsed.questions]
        return await _finish(run, "needs_input", asked, errors=questions)
    resolved, unknown = _resolve(parsed.executions, keys)
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
    created = 0
    new_roots: set[str] = set()
    for start in range(0, len(resolved), BATCH):
        stored_roots = await _store_batch(run, resolved[start : start + BATCH])
        created += len(stored_roots)
        new_roots.update(stored_roots)
        run.rows_done = min(start + BATCH, len(resolved))
        async with session_scope() as session:
            merged = await session.merge(run)
            await mark(
                session=session,
                run=merged,
                status="running",
                message=f"Stored {run.rows_done:,} of {len(resolved):,} executions",
                rows_done=run.rows_done,
                rows_total=run.rows_total,
            )
        if progress is not None:
            await progress(run)

    async def rebuild() -> Rebuilt:
        async with session_scope() as session:
            done = await rebuild_trades(
                session=session, user_id=run.user_id, account_id=run.account_id, roots=new_roots
            )  # only contracts that received new executions can change
            if options.mapping is not None:
                await _remember_mapping(session, run, options.mapping)
        return done

    rebuilt = await _with_heartbeat(run, "Matching executions into trades", progress, rebuild())
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
