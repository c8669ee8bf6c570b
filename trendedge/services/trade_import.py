"""Import TrendEdge's own CSV (trades or journal entries) back into one user's data.

Contract:

* The whole file is validated first. If any line is bad, **nothing is written** and the
  report lists every bad line with its number and field (`ImportReport.errors`).
  File-level problems (over `MAX_BYTES`, not UTF-8, an unknown header) raise
  `InvalidInputError` naming ``file``.
* Trades are keyed by ``(user, uid)``: a uid the user already has is **skipped and
  counted as a duplicate**, never updated (the stored trade, possibly edited since the
  export, wins). Importing the same file twice therefore creates nothing new.
* ``account`` names are resolved among the user's accounts; an unknown name is a line
  error. `account_name` sends every row to that one account instead.
* ``playbook`` names are resolved among the user's playbooks; a missing playbook is
  created with the rules the file records for it. A rule that an existing playbook
  does not have is a line error.
* Journal entries are keyed by uid; an entry whose trade or day already has an entry
  is also a duplicate. ``trade_uid`` must name a trade of the user (import the trades
  CSV first).
* ``source`` is kept as written (a restored paper trade stays "paper", without fills).

`import_csv` works inside the caller's transaction; `import_file` commits it and then
invalidates the user's analytics cache when anything was created. Parsing runs in a
worker thread, so a 100,000-row file does not stall the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.db import session_scope
from trendedge.domain.csv_cells import LineError
from trendedge.domain.csv_formats import Kind, describe_formats, detect_format
from trendedge.domain.journal_csv import parse_journal_csv
from trendedge.domain.trade_csv import MAX_ROWS, TradeRecord, parse_trade_csv
from trendedge.models import Account, JournalEntry, Playbook, Trade
from trendedge.models._base import utcnow
from trendedge.services import analytics_cache
from trendedge.services.errors import InvalidInputError
from trendedge.services.tenancy import owned_by

MAX_BYTES = 10 * 1024 * 1024
INSERT_BATCH = 1000  # 25 columns x 1000 rows stays under PostgreSQL's 32,767 parameters
LOOKUP_BATCH = 5000
MAX_PLAYBOOK_RULES = 50


@dataclass
class ImportReport:
    """What an import read and did; `errors` non-empty means nothing was written."""

    kind: Kind
    rows_read: int
    created: int = 0
    duplicates: int = 0
    playbooks_created: int = 0
    errors: list[LineError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        noun = "trades" if self.kind == "trades" else "journal entries"
        if self.errors:
            return f"Nothing imported: {len(self.errors)} line(s) of {self.rows_read} have errors."
        text = f"{self.rows_read} rows read: {self.created} {noun} created, "
        text += f"{self.duplicates} duplicates skipped"
        if self.playbooks_created:
            text += f", {self.playbooks_created} playbooks created"
        return text + "."


def decode(data: bytes) -> str:
    """The file as text; InvalidInputError (field ``file``) when too big or not UTF-8."""
    if len(data) > MAX_BYTES:
        message = f"The file is {len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES // 2**20} MB"
        raise InvalidInputError(message, details={"file": message})
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        message = f"The file is not UTF-8 text (byte {exc.start + 1})"
        raise InvalidInputError(message, details={"file": message}) from None


async def import_csv(
    *, session: AsyncSession, user_id: int, data: bytes, account_name: str | None = None
) -> ImportReport:
    """Import a TrendEdge trades or journal CSV for `user_id` (see the module doc)."""
    text = decode(data)
    kind = detect_format(text)
    if kind is None:
        message = f"Not a TrendEdge CSV: expected {describe_formats()}"
        raise InvalidInputError(message, details={"file": message})
    if kind == "trades":
        return await _import_trades(session, user_id, text, account_name)
    return await _import_journal(session, user_id, text)


async def import_file(
    *,
    user_id: int,
    data: bytes,
    account_name: str | None = None,
    scope: Callable[[], AbstractAsyncContextManager[AsyncSession]] = session_scope,
) -> ImportReport:
    """`import_csv` in its own transaction; invalidates analytics after the commit."""
    async with scope() as session:
        report = await import_csv(
            session=session, user_id=user_id, data=data, account_name=account_name
        )
    if report.created:
        await analytics_cache.invalidate(user_id=user_id)
    return report


async def _existing(
    session: AsyncSession, column: Any, user_column: Any, user_id: int, values: Sequence[Any]
) -> dict[Any, Any]:
    """{value: row id} of the user's rows whose `column` is in `values` (batched)."""
    model = column.class_
    found: dict[Any, Any] = {}
    for start in range(0, len(values), LOOKUP_BATCH):
        chunk = list(values[start : start + LOOKUP_BATCH])
        query: Any = select(column, model.id).where(user_column == user_id, column.in_(chunk))
        found.update({value: row_id for value, row_id in (await session.exec(query)).all()})
    return found


def _accounts_for(
    rows: list[tuple[int, TradeRecord]], names: dict[str, int], override: int | None
) -> tuple[dict[int, int], list[LineError]]:
    resolved: dict[int, int] = {}
    errors: list[LineError] = []
    for line, record in rows:
        if override is not None:
            resolved[line] = override
        elif not record.account:
            errors.append(LineError(line, "account", "is required (or choose a target account)"))
        elif record.account not in names:
            errors.append(
                LineError(line, "account", f"you have no account named {record.account!r}")
            )
        else:
            resolved[line] = names[record.account]
    return resolved, errors


def _playbook_rule_errors(
    rows: list[tuple[int, TradeRecord]], playbooks: dict[str, Playbook]
) -> list[LineError]:
    errors = []
    for line, record in rows:
        if record.rules_followed and not record.playbook:
            errors.append(LineError(line, "rules_followed", "needs a playbook"))
        book = playbooks.get(record.playbook)
        if book is None:
            continue
        missing = [r for r in record.rules_followed if r not in book.rules]
        if missing:
            errors.append(
                LineError(
                    line,
                    "rules_followed",
                    f"{missing[0]!r} is not a rule of playbook {book.name!r}",
                )
            )
    return errors


async def _import_trades(
    session: AsyncSession, user_id: int, text: str, account_name: str | None
) -> ImportReport:
    parsed = await asyncio.to_thread(parse_trade_csv, text, max_rows=MAX_ROWS)
    report = ImportReport("trades", rows_read=len(parsed.rows) + _bad_lines(parsed.errors))
    accounts = {
        a.name: a.id
        for a in (await session.exec(owned_by(Account, user_id=user_id)))
        if a.id is not None
    }
    override = None
    if account_name is not None:
        override = accounts.get(account_name.strip())
        if override is None:
            message = f"You have no account named {account_name!r}"
            raise InvalidInputError(message, details={"account": message})
    playbooks = {p.name: p for p in (await session.exec(owned_by(Playbook, user_id=user_id)))}
    account_of, account_errors = _accounts_for(parsed.rows, accounts, override)
    report.errors = sorted(
        [*parsed.errors, *account_errors, *_playbook_rule_errors(parsed.rows, playbooks)]
    )
    if report.errors:
        return report
    known = await _existing(
        session, col(Trade.uid), col(Trade.user_id), user_id, [r.uid for _, r in parsed.rows]
    )
    fresh = [(line, r) for line, r in parsed.rows if r.uid not in known]
    report.playbooks_created = await _create_playbooks(session, user_id, fresh, playbooks)
    now = utcnow()
    values = [_trade_values(r, user_id, account_of[line], playbooks, now) for line, r in fresh]
    for start in range(0, len(values), INSERT_BATCH):
        statement: Any = (
            insert(Trade)
            .values(values[start : start + INSERT_BATCH])
            .on_conflict_do_nothing(constraint="uq_trades_user_uid")
            .returning(col(Trade.id))
        )
        report.created += len((await session.exec(statement)).all())
    report.duplicates = len(parsed.rows) - report.created
    return report


def _bad_lines(errors: list[LineError]) -> int:
    return len({e.line for e in errors if e.field not in ("header", "file") and e.line > 1})


async def _create_playbooks(
    session: AsyncSession,
    user_id: int,
    rows: list[tuple[int, TradeRecord]],
    playbooks: dict[str, Playbook],
) -> int:
    """Create the playbooks `rows` name that the user lacks; adds them to `playbooks`."""
    wanted: dict[str, list[str]] = {}
    for _, record in rows:
        if record.playbook and record.playbook not in playbooks:
            rules = wanted.setdefault(record.playbook, [])
            rules.extend(r for r in record.rules_followed if r not in rules)
    now = utcnow()
    for name, rules in wanted.items():
        book = Playbook(
            user_id=user_id,
            name=name,
            description="Created by a CSV import.",
            rules=rules[:MAX_PLAYBOOK_RULES],
            created_at=now,
            updated_at=now,
        )
        session.add(book)
        playbooks[name] = book
    await session.flush()
    return len(wanted)


def _trade_values(
    r: TradeRecord, user_id: int, account_id: int, playbooks: dict[str, Playbook], now: Any
) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "account_id": account_id,
        "uid": r.uid,
        "source": r.source,
        "symbol": r.symbol,
        "root": r.root,
        "direction": r.direction,
        "quantity": r.quantity,
        "entry_price": r.entry_price,
        "exit_price": r.exit_price,
        "entry_time": r.entry_time,
        "exit_time": r.exit_time,
        "gross_pnl": r.gross_pnl,
        "commission": r.commission,
        "net_pnl": r.net_pnl,
        "r_multiple": r.r_multiple,
        "stop": r.stop,
        "target": r.target,
        "risk": r.risk,
        "mae": r.mae,
        "mfe": r.mfe,
        "setup": r.setup or None,
        "currency": r.currency,
        "playbook_id": playbooks[r.playbook].id if r.playbook else None,
        "rules_followed": list(r.rules_followed),
        "legs": [dict(leg) for leg in r.legs],
        "updated_at": now,
    }


async def _import_journal(session: AsyncSession, user_id: int, text: str) -> ImportReport:
    parsed = await asyncio.to_thread(parse_journal_csv, text, max_rows=MAX_ROWS)
    report = ImportReport("journal", rows_read=len(parsed.rows) + _bad_lines(parsed.errors))
    trade_uids = sorted({r.trade_uid for _, r in parsed.rows if r.trade_uid})
    trades = await _existing(session, col(Trade.uid), col(Trade.user_id), user_id, trade_uids)
    missing = [
        LineError(line, "trade_uid", f"you have no trade {r.trade_uid} (import the trades first)")
        for line, r in parsed.rows
        if r.trade_uid and r.trade_uid not in trades
    ]
    report.errors = sorted([*parsed.errors, *missing])
    if report.errors:
        return report
    uids = await _existing(
        session,
        col(JournalEntry.uid),
        col(JournalEntry.user_id),
        user_id,
        [r.uid for _, r in parsed.rows],
    )
    taken_trades = await _existing(
        session,
        col(JournalEntry.trade_id),
        col(JournalEntry.user_id),
        user_id,
        list(trades.values()),
    )
    days = [r.day for _, r in parsed.rows if r.day is not None]
    taken_days = await _existing(
        session, col(JournalEntry.day), col(JournalEntry.user_id), user_id, days
    )
    now = utcnow()
    values = [
        {
            "user_id": user_id,
            "uid": r.uid,
            "trade_id": trades[r.trade_uid] if r.trade_uid else None,
            "day": r.day,
            "notes": r.notes,
            "tags": list(r.tags),
            "mistakes": list(r.mistakes),
            "rating": r.rating,
            "created_at": now,
            "updated_at": now,
        }
        for _, r in parsed.rows
        if r.uid not in uids
        and (
            trades.get(r.trade_uid) not in taken_trades if r.trade_uid else r.day not in taken_days
        )
    ]
    for start in range(0, len(values), INSERT_BATCH):
        statement: Any = (
            insert(JournalEntry)
            .values(values[start : start + INSERT_BATCH])
            .on_conflict_do_nothing()
            .returning(col(JournalEntry.id))
        )
        report.created += len((await session.exec(statement)).all())
    report.duplicates = len(parsed.rows) - report.created
    return report
