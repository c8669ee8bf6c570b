"""Load one user's closed trades for the analytics dashboard: two SQL statements run
at the same time on two connections (`services.analytics_sql`), returning whole columns
as concatenated PostgreSQL binary values read with `numpy.frombuffer`: no Python object
is built per trade on either side of the wire.

Instrument roots and currencies come back as int4 codes (`hashtext`) plus the small
list of distinct labels with their hashes; tags as one row per distinct tag list.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.db import session_scope
from trendedge.domain.trade_arrays import TradeArrays
from trendedge.services import analytics_sql as sql
from trendedge.services.errors import InvalidInputError

MAX_OFFSET_MINUTES = 14 * 60


@dataclass(frozen=True, slots=True)
class AnalyticsQuery:
    """What the dashboard shows: trades with start <= exit_time < end (None = open),
    of `account_ids` (None = every account), in `currency` (None = the currency with the
    most trades), calendar groupings in UTC + offset_minutes."""

    start: datetime | None = None
    end: datetime | None = None
    account_ids: tuple[int, ...] | None = None
    currency: str | None = None
    offset_minutes: int = 0

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if value is not None and value.utcoffset() is None:
                raise InvalidInputError(f"{name} needs a timezone", details={name: "no timezone"})
        if self.start and self.end and self.end <= self.start:
            raise InvalidInputError(
                "The end of the range must be after its start", details={"end": "before start"}
            )
        if not -MAX_OFFSET_MINUTES <= self.offset_minutes <= MAX_OFFSET_MINUTES:
            raise InvalidInputError(
                "The time zone offset is out of range", details={"offset_minutes": "+-14 h"}
            )

    def cache_hash(self) -> str:
        """A short stable hash of the parameters (part of the cache key)."""
        canonical = json.dumps(
            {
                "start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None,
                "accounts": sorted(self.account_ids) if self.account_ids is not None else None,
                "currency": self.currency,
                "offset": self.offset_minutes,
            },
            sort_keys=True,
        )
        return hashlib.sha256(canonical.encode()).hexdigest()[:24]


@dataclass(frozen=True, slots=True)
class AccountInfo:
    id: int
    name: str
    currency: str
    initial_balance: float


@dataclass(slots=True)
class TradeRows:
    """The loaded trades (ordered by exit_time, id) and their labels.

    trades: the metric columns; instrument codes index `instruments`, account codes are
    account ids, playbook codes are playbook ids (-1 none). ids: trade ids (int64).
    currency: per-trade index into `currencies`. tag_trade / tag_code: one pair per
    (trade, tag) of the trades' journal entries: index into the trades / into `tags`.
    prior_pnl: net P&L per currency of the selected accounts' trades closed before start.
    """

    trades: TradeArrays
    ids: NDArray[np.int64]
    currency: NDArray[np.int32]
    currencies: list[str]
    instruments: list[str]
    tag_trade: NDArray[np.int64]
    tag_code: NDArray[np.int64]
    tags: list[str]
    playbooks: dict[int, str] = field(default_factory=dict)
    accounts: list[AccountInfo] = field(default_factory=list)
    prior_pnl: dict[str, float] = field(default_factory=dict)


class _Relabel(Exception):
    """The labels do not give every row its code: two labels share a hashtext() value, or
    SIDE saw other trades than MAIN (read the labels again on MAIN's connection)."""


async def _run(session: AsyncSession, statement: Any, params: dict[str, Any]) -> Any:
    return await session.exec(statement, params=params)  # type: ignore[call-overload]


async def _main(
    session: AsyncSession, query: AnalyticsQuery, params: dict[str, Any], labels: Any = None
) -> dict[str, Any]:
    """MAIN's one row (hash codes, or positions in `labels` when given)."""
    statement, extra = sql.main_statement(query, by_position=labels is not None)
    await session.exec(text(sql.SERIAL))  # type: ignore[call-overload]
    try:
        row = (await _run(session, statement, {**params, **extra, **(labels or {})})).one()
        return dict(row._mapping)
    finally:
        await session.exec(text(sql.SERIAL_RESET))  # type: ignore[call-overload]


async def _side(
    session: AsyncSession, query: AnalyticsQuery, params: dict[str, Any]
) -> tuple[dict[str, Any], list[Any]]:
    """SIDE's row (labels, playbooks, accounts, prior P&L) and the tag rows."""
    statement, extra = sql.side_statement(query)
    await session.exec(text(sql.SERIAL))  # type: ignore[call-overload]
    try:
        side = dict((await _run(session, statement, {**params, **extra})).one()._mapping)
        tags = list((await _run(session, sql.TAGS, params)).all())
        return side, tags
    finally:
        await session.exec(text(sql.SERIAL_RESET))  # type: ignore[call-overload]


async def _side_session(
    engine: AsyncEngine, query: AnalyticsQuery, params: dict[str, Any]
) -> tuple[dict[str, Any], list[Any]]:
    async with session_scope(engine) as session:
        return await _side(session, query, params)


async def _fetch(
    session: AsyncSession, *, user_id: int, query: AnalyticsQuery, by_position: bool
) -> tuple[dict[str, Any], dict[str, Any], list[Any]]:
    """MAIN's row with its labels and codes resolved, SIDE's row, the tag rows.

    MAIN runs on `session`, SIDE at the same time on a second connection of the same
    engine, so SIDE sees committed data only. Each statement has its own snapshot, so a
    trade stored or deleted in between may be in one and not the other; that is
    harmless: tag rows of trades MAIN did not load are dropped (`_tag_pairs`), labels
    missing a row's code are read again on MAIN's connection (`_Relabel`), and the
    cache generation bumped by the change makes the next view recompute anyway. With
    unflushed ORM changes pending on `session`, both run on `session`, one by one."""
    params = {"user_id": user_id}
    engine = session.bind
    pending = session.new or session.dirty or session.deleted
    if isinstance(engine, AsyncEngine) and not pending:
        main, (side, tags) = await asyncio.gather(
            _main(session, query, params), _side_session(engine, query, params)
        )
    else:
        main = await _main(session, query, params)
        side, tags = await _side(session, query, params)
    try:
        if by_position:
            raise _Relabel
        for codes, labels, hashes in _LABELLED:
            main[labels], main[codes] = _codes(
                _ints(main[codes]), list(side[labels] or []), list(side[hashes] or [])
            )
        return main, side, tags
    except _Relabel:
        pass
    statement, extra = sql.labels_statement(query)
    fresh = dict((await _run(session, statement, {**params, **extra})).one()._mapping)
    labelled = {k: sorted(fresh[v] or []) for k, v in _NAMES.items()}
    main = await _main(session, query, params, labelled)
    for k, v in _NAMES.items():
        main[v] = labelled[k]
    for codes, _, _ in _LABELLED:
        main[codes] = _ints(main[codes], np.int32)
        if (main[codes] < 0).any():
            raise RuntimeError("trades changed while the analytics were loaded; try again")
    return main, side, tags


_LABELLED = (("instrument", "roots", "root_hash"), ("currency", "currencies", "currency_hash"))
_NAMES = {"root_labels": "roots", "currency_labels": "currencies"}


def _codes(hashes: NDArray[np.int64], labels: list[str], label_hash: list[int]) -> Any:
    """(sorted labels, per-row index into them) from per-row label hashes."""
    order = sorted(range(len(labels)), key=lambda i: labels[i])
    sorted_labels = [labels[i] for i in order]
    keys = np.asarray([label_hash[i] for i in order], dtype=np.int64)
    if np.unique(keys).shape[0] != keys.shape[0]:
        raise _Relabel
    if hashes.size == 0:
        return sorted_labels, hashes.astype(np.int32)
    if keys.size == 0:
        raise _Relabel
    by_key = np.argsort(keys)
    sorted_keys = keys[by_key]
    at = np.minimum(np.searchsorted(sorted_keys, hashes), keys.size - 1)
    if not np.array_equal(sorted_keys[at], hashes):
        raise _Relabel
    return sorted_labels, by_key[at].astype(np.int32)


def _ints(value: bytes | None, dtype: Any = np.int64) -> Any:
    """A column of concatenated int4send values as a native numpy array."""
    if value is None:  # no rows
        return np.zeros(0, dtype=dtype)
    return np.frombuffer(value, dtype=">i4").astype(dtype)


def _time_order(exit_us: NDArray[np.int64], ids: NDArray[np.int64]) -> NDArray[np.int64]:
    """Indices ordering the trades by exit time, then id. One quicksort on exit time
    (several times faster than a lexsort); the lexsort only when exit times tie."""
    order = np.argsort(exit_us)
    ordered = exit_us[order]
    if bool((ordered[1:] == ordered[:-1]).any()):
        return np.lexsort((ids, exit_us))
    return order


def _positions(ids: NDArray[np.int64], wanted: NDArray[np.int64]) -> NDArray[np.int64]:
    """The index in `ids` (unique) of each of `wanted`, -1 where absent: through a lookup
    table when the ids are dense enough, else by binary search."""
    low, high = int(ids.min()), int(ids.max())
    if high - low < 8 * ids.size + (1 << 20):
        table = np.full(high - low + 2, -1, np.int64)
        table[ids - low] = np.arange(ids.size)
        return table[np.clip(wanted - low, -1, high - low + 1)]
    by_id = np.argsort(ids)
    sorted_ids = ids[by_id]
    at = np.minimum(np.searchsorted(sorted_ids, wanted), ids.size - 1)
    return np.where(sorted_ids[at] == wanted, by_id[at], -1)


def _tag_pairs(
    tags: list[Any], ids: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64], list[str]]:
    """(position of the trade among `ids`, index into the sorted tag labels) for each tag
    of each journal entry of a loaded trade, ordered by position; and the labels."""
    labels = sorted({tag for row in tags for tag in row.tags or () if tag is not None})
    index = {tag: i for i, tag in enumerate(labels)}
    trade_ids, codes = [], []
    for row in tags:
        entry_ids = np.frombuffer(row.trade_ids, dtype=">i4")
        for tag in row.tags or ():
            if tag is not None:
                trade_ids.append(entry_ids)
                codes.append(np.full(entry_ids.shape[0], index[tag], np.int64))
    if not trade_ids or ids.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), labels
    position = _positions(ids, np.concatenate(trade_ids).astype(np.int64))
    found = position >= 0
    position = position[found]
    code = np.concatenate(codes)[found]
    order = np.argsort(position)  # time order within each tag (deterministic sums)
    return position[order], code[order], labels


async def load_trade_rows(
    session: AsyncSession, *, user_id: int, query: AnalyticsQuery, by_position: bool = False
) -> TradeRows:
    """The user's closed trades matching `query` (any currency), ordered by exit time
    then id (see the module docstring; `by_position` forces the label fallback, for
    tests)."""
    r, side, tags = await _fetch(session, user_id=user_id, query=query, by_position=by_position)
    packed = np.frombuffer(r["rows"] or b"", dtype=sql.ROW_DTYPE)
    ids = packed["id"].astype(np.int64)
    exit_us = packed["exit_us"].astype(np.int64)
    order = _time_order(exit_us, ids)
    ids = ids[order]

    def col(name: str, dtype: Any) -> Any:  # native, contiguous, in time order
        return packed[name].astype(dtype)[order]

    def times(name: str) -> Any:
        return (col(name, np.int64) + sql.PG_EPOCH_US).view("datetime64[us]")

    net, fees, r_mult = (col(c, np.float64) for c in ("net_pnl", "commission", "r_multiple"))
    trades = TradeArrays(
        entry_time=times("entry_us"),
        exit_time=times("exit_us"),
        net_pnl=net,
        commission=fees,
        r_multiple=r_mult,
        risk=_risk(col("risk", np.float64), net, fees, r_mult),
        mae=col("mae", np.float64),
        mfe=col("mfe", np.float64),
        direction=col("direction", np.int8),
        playbook_id=col("playbook", np.int32),
        instrument=np.asarray(r["instrument"], dtype=np.int32)[order],
        account=col("account", np.int32),
    )
    tag_trade, tag_code, tag_labels = _tag_pairs(tags, ids)
    return TradeRows(
        trades=trades,
        ids=ids,
        currency=np.asarray(r["currency"], dtype=np.int32)[order],
        currencies=list(r["currencies"]),
        instruments=list(r["roots"]),
        tag_trade=tag_trade,
        tag_code=tag_code,
        tags=tag_labels,
        playbooks=dict(zip(side["pb_id"] or [], side["pb_name"] or [], strict=True)),
        accounts=[
            AccountInfo(i, n, c, float(b))
            for i, n, c, b in zip(
                side["acct_id"] or [],
                side["acct_name"] or [],
                side["acct_currency"] or [],
                side["acct_balance"] or [],
                strict=True,
            )
        ],
        prior_pnl=dict(zip(side["prior_currency"] or [], side["prior_total"] or [], strict=True)),
    )


def _risk(
    risk: NDArray[np.float64],
    net: NDArray[np.float64],
    fees: NDArray[np.float64],
    r: NDArray[np.float64],
) -> NDArray[np.float64]:
    """The stored risk where it is > 0, else |gross P&L / R| where that is > 0 (R is
    measured before costs), else NaN (unknown); see docs/metrics.md."""
    with np.errstate(divide="ignore", invalid="ignore"):
        derived = np.abs((net + fees) / r)
    derived = np.where(np.isfinite(derived) & (derived > 0), derived, np.nan)
    return np.where(risk > 0, risk, derived)
