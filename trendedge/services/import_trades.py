"""Turn an account's stored executions into imported trades (FIFO, flat to flat).

`rebuild_trades` replays every stored execution of the given contract roots through
`trendedge.domain.matching.match_fifo` and reconciles the result with the trades
already imported for them. A trade's `uid` is derived from the keys of its
executions, so replaying the same executions gives the same trades: re-imports and
overlapping files create nothing new. When a later file changes a cycle (an
execution that falls inside it), the old trade is replaced and its journal entry and
playbook link move to the new trade that holds its first execution.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, text, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.domain.contracts import resolve_symbol
from trendedge.domain.matching import MatchedTrade, MatchFill, Side, match_fifo
from trendedge.domain.risk import effective_stop, initial_risk, r_multiple
from trendedge.models import Account, Execution, JournalEntry, Trade
from trendedge.models._base import utcnow
from trendedge.services.bulk import insert_unnest, stage
from trendedge.services.tenancy import get_owned

UID_NAMESPACE = uuid.UUID("6f1c7a52-2d0e-4b7e-9d55-8a0f3c1e9b21")
INSERT_BATCH = 10_000
TRADE_COLUMNS = (
    ("user_id", "integer"),
    ("account_id", "integer"),
    ("uid", "varchar"),
    ("root", "varchar"),
    ("symbol", "varchar"),
    ("direction", "varchar"),
    ("quantity", "numeric"),
    ("entry_price", "numeric"),
    ("exit_price", "numeric"),
    ("entry_time", "timestamptz"),
    ("exit_time", "timestamptz"),
    ("gross_pnl", "numeric"),
    ("commission", "numeric"),
    ("net_pnl", "numeric"),
    ("stop", "numeric"),
    ("risk", "numeric"),
    ("r_multiple", "numeric"),
    ("currency", "varchar"),
    ("source", "varchar"),
    ("updated_at", "timestamptz"),
)


@dataclass(frozen=True, slots=True)
class Rebuilt:
    created: int
    kept: int
    replaced: int


def _side(text: str) -> Side:
    return "buy" if text == "buy" else "sell"


def trade_uid(account_id: int, keys: tuple[str, ...]) -> str:
    """Deterministic uid of the trade made of executions `keys` in `account_id`."""
    return str(uuid.uuid5(UID_NAMESPACE, f"{account_id}\n" + "\n".join(keys)))


def _trade_row(
    *, user_id: int, account: Account, root: str, symbol: str, currency: str, m: MatchedTrade
) -> dict[str, Any]:
    spec = resolve_symbol(root)
    gross = m.points * spec.point_value
    net = gross - m.fees
    stop = effective_stop(
        stop=None,
        direction=m.direction,
        entry_price=m.entry_price,
        default_ticks=account.default_stop_ticks,
        tick_size=spec.tick_size,
    )
    risk = (
        initial_risk(
            entry_price=m.entry_price,
            stop=stop,
            quantity=m.quantity,
            point_value=spec.point_value,
        )
        if stop is not None
        else None
    )
    now = utcnow()
    return {
        "user_id": user_id,
        "account_id": account.id,
        "uid": trade_uid(account.id or 0, m.execution_keys),
        "root": root,
        "symbol": symbol,
        "direction": m.direction,
        "quantity": m.quantity,
        "entry_price": m.entry_price,
        "exit_price": m.exit_price,
        "entry_time": m.entry_time,
        "exit_time": m.exit_time,
        "gross_pnl": gross,
        "commission": m.fees,
        "net_pnl": net,
        "stop": stop,
        "risk": risk,
        "r_multiple": r_multiple(
            direction=m.direction, entry_price=m.entry_price, exit_price=m.exit_price, stop=stop
        ),
        "currency": currency,
        "source": "import",
        "updated_at": now,
    }


@dataclass(frozen=True, slots=True)
class PendingExecution:
    """An execution about to be stored (its trade is decided before it is written)."""

    key: str
    time: datetime
    side: Side
    quantity: Decimal
    price: Decimal
    fee: Decimal
    symbol: str
    currency: str


async def _stored(session: AsyncSession, *, account_id: int, root: str) -> list[Any]:
    query: Any = text(
        "SELECT key, executed_at, side, quantity, price, fee, symbol, currency, trade_id "
        "FROM executions WHERE account_id = :account_id AND root = :root "
        "ORDER BY executed_at, id"
    ).bindparams(account_id=account_id, root=root)
    return list((await session.exec(query)).all())


async def _insert_trades(session: AsyncSession, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert trade rows (a uid stored meanwhile is kept); uid -> id of every row."""
    ids: dict[str, int] = {}
    for start in range(0, len(rows), INSERT_BATCH):
        chunk = rows[start : start + INSERT_BATCH]
        batch = [tuple(row[name] for name, _ in TRADE_COLUMNS) for row in chunk]
        inserted = await insert_unnest(
            session,
            table="trades",
            columns=TRADE_COLUMNS,
            rows=batch,
            suffix="ON CONFLICT ON CONSTRAINT uq_trades_user_uid DO NOTHING RETURNING uid, id",
        )
        ids.update({uid: trade_id for uid, trade_id in inserted})
    missing = [row["uid"] for row in rows if row["uid"] not in ids]
    if missing:  # stored by a concurrent import of the same executions
        found = await session.exec(
            select(Trade.uid, Trade.id).where(
                Trade.user_id == rows[0]["user_id"], col(Trade.uid).in_(missing)
            )
        )
        ids.update({uid: trade_id for uid, trade_id in found.all() if trade_id is not None})
    return ids


async def _relink_stored(
    session: AsyncSession, *, account_id: int, changes: list[tuple[str, int | None]]
) -> None:
    """Point stored executions at their (new) trade."""
    if not changes:
        return
    await stage(
        session,
        name="staged_links",
        columns=(("key", "varchar"), ("trade_id", "integer")),
        rows=changes,
    )
    statement: Any = text(
        "UPDATE executions SET trade_id = link.trade_id FROM staged_links AS link "
        "WHERE executions.account_id = :account_id AND executions.key = link.key"
    ).bindparams(account_id=account_id)
    await session.exec(statement)
    await session.exec(text("DROP TABLE staged_links"))  # type: ignore[call-overload]


async def rebuild_root(
    session: AsyncSession,
    *,
    user_id: int,
    account: Account,
    root: str,
    pending: list[PendingExecution] | None = None,
) -> tuple[Rebuilt, dict[str, int]]:
    """Match the stored executions of `root` plus `pending` ones into trades, reconcile
    the stored imported trades, and return the trade id of each pending execution that
    belongs to a closed trade (store them with it)."""
    account_id = account.id or 0
    stored = await _stored(session, account_id=account_id, root=root)
    stored_keys = {row[0] for row in stored}
    fresh = [p for p in pending or [] if p.key not in stored_keys]
    fills = [
        MatchFill(k, at, _side(side), q, price, fee) for k, at, side, q, price, fee, *_ in stored
    ]
    fills += [MatchFill(p.key, p.time, p.side, p.quantity, p.price, p.fee) for p in fresh]
    symbol_of = {row[0]: (row[6], row[7]) for row in stored}
    symbol_of.update({p.key: (p.symbol, p.currency) for p in fresh})
    matched = (await asyncio.to_thread(match_fifo, fills)).trades  # CPU work off the loop
    wanted = {trade_uid(account_id, m.execution_keys): m for m in matched}

    existing_rows = await session.exec(
        select(Trade.uid, Trade.id).where(
            Trade.user_id == user_id,
            Trade.account_id == account_id,
            Trade.root == root,
            Trade.source == "import",
        )
    )
    existing = {uid: trade_id for uid, trade_id in existing_rows.all() if trade_id is not None}
    new_rows = await asyncio.to_thread(
        lambda: [
            _trade_row(
                user_id=user_id,
                account=account,
                root=root,
                symbol=symbol_of[m.execution_keys[0]][0],
                currency=symbol_of[m.execution_keys[0]][1],
                m=m,
            )
            for uid, m in wanted.items()
            if uid not in existing
        ]
    )
    uid_to_id = {**existing, **await _insert_trades(session, new_rows)}

    stale = {uid: trade_id for uid, trade_id in existing.items() if uid not in wanted}
    if stale:  # deleting them sets their executions' trade_id to NULL (ON DELETE SET NULL)
        await _move_links(session, stale=stale, wanted=wanted, uid_to_id=uid_to_id)
        await session.exec(delete(Trade).where(col(Trade.id).in_(list(stale.values()))))  # type: ignore[call-overload]

    owner = {key: uid_to_id[uid] for uid, m in wanted.items() for key in m.execution_keys}
    stale_ids = set(stale.values())
    changes = [
        (row[0], owner.get(row[0]))
        for row in stored
        if owner.get(row[0]) != (None if row[8] in stale_ids else row[8])
    ]
    await _relink_stored(session, account_id=account_id, changes=changes)
    links = {p.key: owner[p.key] for p in fresh if p.key in owner}
    return Rebuilt(len(new_rows), len(existing) - len(stale), len(stale)), links


async def _move_links(
    session: AsyncSession,
    *,
    stale: dict[str, int],
    wanted: dict[str, MatchedTrade],
    uid_to_id: dict[str, int],
) -> None:
    """Move journal entries and playbook links of replaced trades to their successors."""
    first_keys = (
        await session.exec(
            select(Execution.trade_id, Execution.key)
            .where(col(Execution.trade_id).in_(list(stale.values())))
            .order_by(col(Execution.executed_at), col(Execution.id))
        )
    ).all()
    first_of: dict[int, str] = {}
    for trade_id, key in first_keys:
        if trade_id is not None:
            first_of.setdefault(trade_id, key)
    owner_of = {key: uid_to_id[uid] for uid, m in wanted.items() for key in m.execution_keys}
    for old_id in stale.values():
        successor = owner_of.get(first_of.get(old_id, ""))
        if successor is None:
            continue
        old = await session.get(Trade, old_id)
        if old is not None and old.playbook_id is not None:
            await session.exec(  # type: ignore[call-overload]
                update(Trade)
                .where(col(Trade.id) == successor)
                .values(playbook_id=old.playbook_id, rules_followed=old.rules_followed)
            )
        taken = (
            await session.exec(select(JournalEntry.id).where(JournalEntry.trade_id == successor))
        ).first()
        if taken is None:
            await session.exec(  # type: ignore[call-overload]
                update(JournalEntry)
                .where(col(JournalEntry.trade_id) == old_id)
                .values(trade_id=successor)
            )


async def rebuild_trades(
    *, session: AsyncSession, user_id: int, account_id: int, roots: set[str]
) -> Rebuilt:
    """Reconcile the imported trades of `roots` in the user's account with its executions."""
    account = await get_owned(session, Account, user_id=user_id, row_id=account_id)
    totals = Rebuilt(0, 0, 0)
    for root in sorted(roots):
        done, _ = await rebuild_root(session, user_id=user_id, account=account, root=root)
        totals = Rebuilt(
            totals.created + done.created,
            totals.kept + done.kept,
            totals.replaced + done.replaced,
        )
    return totals
