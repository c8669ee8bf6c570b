"""Load one user's closed trades for the analytics dashboard: ONE SQL statement that
returns whole columns, each as one `bytea` of concatenated PostgreSQL binary values
(`string_agg(float8send(x), '')`, `timestamptz_send`, `int4send`), read with
`numpy.frombuffer`: no Python object is built per trade on either side of the wire.

Strings (instrument root, currency, tag) come back as int4 codes (`hashtext`) plus the
small list of distinct labels with their hashes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import ARRAY, DateTime, Integer, bindparam, text
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.domain.trade_arrays import TradeArrays
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


_FLOAT_COLUMNS = ("net_pnl", "commission", "r_multiple", "risk", "mae", "mfe")

# The trade columns come back unordered (no sort in SQL; numpy orders them by exit_time,
# id) so PostgreSQL may aggregate them in parallel. Strings come back as int4 codes:
# hashtext() per row plus the distinct labels with their hashes (a second, tiny result);
# on the (astronomically rare) hash collision the labels are passed back as parameters
# and array_position() gives the codes instead.
_SQL = """
WITH tagged AS MATERIALIZED (
    SELECT j.trade_id, tag
    FROM journal_entries j CROSS JOIN LATERAL unnest(j.tags) AS tag
    WHERE j.user_id = :user_id AND j.trade_id IS NOT NULL
),
pairs AS MATERIALIZED (
    SELECT DISTINCT root, currency FROM trades t WHERE t.user_id = :user_id {filters}
)
SELECT m.*, lr.*, lc.*, g.*, gl.*, p.*, a.*, q.*
FROM (
    SELECT
        string_agg(int4send(t.id), '') AS ids,
        string_agg(timestamptz_send(t.entry_time), '') AS entry_us,
        string_agg(timestamptz_send(t.exit_time), '') AS exit_us,
        {floats},
        string_agg(int4send(CASE WHEN t.direction = 'short' THEN -1 ELSE 1 END), '') AS direction,
        string_agg(int4send(coalesce(t.playbook_id, -1)), '') AS playbook,
        string_agg(int4send({root_code}), '') AS instrument,
        string_agg(int4send(t.account_id), '') AS account,
        string_agg(int4send({currency_code}), '') AS currency
    FROM trades t
    WHERE t.user_id = :user_id {filters}
) m
CROSS JOIN (
    SELECT array_agg(root) AS roots, array_agg(hashtext(root)) AS root_hash
    FROM (SELECT DISTINCT root FROM pairs) d
) lr
CROSS JOIN (
    SELECT array_agg(currency) AS currencies, array_agg(hashtext(currency)) AS currency_hash
    FROM (SELECT DISTINCT currency FROM pairs) d
) lc
CROSS JOIN (
    SELECT string_agg(int4send(trade_id), '') AS tag_trade,
           string_agg(int4send({tag_code}), '') AS tag_code
    FROM tagged
) g
CROSS JOIN (
    SELECT array_agg(tag) AS tags, array_agg(hashtext(tag)) AS tag_hash
    FROM (SELECT DISTINCT tag FROM tagged) d
) gl
CROSS JOIN (
    SELECT array_agg(id) AS pb_id, array_agg(name) AS pb_name
    FROM playbooks WHERE user_id = :user_id
) p
CROSS JOIN (
    SELECT array_agg(id ORDER BY name, id) AS acct_id,
           array_agg(name ORDER BY name, id) AS acct_name,
           array_agg(currency ORDER BY name, id) AS acct_currency,
           array_agg(initial_balance::float8 ORDER BY name, id) AS acct_balance
    FROM accounts WHERE user_id = :user_id
) a
CROSS JOIN ({prior}) q
"""

_PRIOR = """
    SELECT array_agg(currency) AS prior_currency, array_agg(total) AS prior_total
    FROM (
        SELECT currency, sum(net_pnl)::float8 AS total FROM trades
        WHERE user_id = :user_id AND exit_time < :start {accounts}
        GROUP BY currency
    ) x
"""
_NO_PRIOR = "SELECT NULL::text[] AS prior_currency, NULL::float8[] AS prior_total"
# Let PostgreSQL split the one big scan + aggregate across workers (this transaction only).
_PARALLEL = (
    "SET LOCAL parallel_setup_cost = 0",
    "SET LOCAL parallel_tuple_cost = 0",
    "SET LOCAL min_parallel_table_scan_size = 0",
    "SET LOCAL work_mem = '64MB'",
)
_PARALLEL_RESET = tuple(f"SET LOCAL {setting.split()[2]} TO DEFAULT" for setting in _PARALLEL)


def _statement(query: AnalyticsQuery, *, by_position: bool = False) -> Any:
    by_account = query.account_ids is not None
    accounts = "AND account_id = ANY(:account_ids)" if by_account else ""
    filters = ["AND t.account_id = ANY(:account_ids)" if by_account else ""]
    if query.start is not None:
        filters.append("AND t.exit_time >= :start")
    if query.end is not None:
        filters.append("AND t.exit_time < :end")
    floats = ",\n        ".join(
        f"string_agg(float8send(coalesce(t.{c}::float8, 'NaN')), '') AS {c}" for c in _FLOAT_COLUMNS
    )

    def code(column: str, labels: str) -> str:
        if by_position:
            return f"array_position(CAST(:{labels} AS text[]), {column}::text) - 1"
        return f"hashtext({column})"

    sql = _SQL.format(
        filters=" ".join(filters),
        floats=floats,
        root_code=code("t.root", "root_labels"),
        currency_code=code("t.currency", "currency_labels"),
        tag_code=code("tag", "tag_labels"),
        prior=_PRIOR.format(accounts=accounts) if query.start is not None else _NO_PRIOR,
    )
    statement = text(sql)
    params: dict[str, Any] = {}
    if query.account_ids is not None:
        statement = statement.bindparams(bindparam("account_ids", type_=ARRAY(Integer)))
        params["account_ids"] = list(query.account_ids)
    for name in ("start", "end"):
        if getattr(query, name) is not None:
            statement = statement.bindparams(bindparam(name, type_=DateTime(timezone=True)))
            params[name] = getattr(query, name)
    return statement, params


PG_EPOCH_US = 946_684_800 * 1_000_000  # 2000-01-01, the zero of PostgreSQL timestamps


def _packed(value: bytes | None, wire: str, dtype: Any) -> Any:
    """A column sent as concatenated PostgreSQL binary values (big-endian `wire` type,
    e.g. '>i4' from int4send, '>f8' from float8send), as a native numpy array."""
    if value is None:  # no rows
        return np.zeros(0, dtype=dtype)
    return np.frombuffer(value, dtype=wire).astype(dtype)


def _ints(value: bytes | None, dtype: Any = np.int64) -> Any:
    return _packed(value, ">i4", dtype)


def _floats(value: bytes | None) -> NDArray[np.float64]:
    return _packed(value, ">f8", np.float64)


def _times(value: bytes | None) -> NDArray[np.int64]:
    """Microseconds since the Unix epoch from timestamptz_send values."""
    return _packed(value, ">i8", np.int64) + PG_EPOCH_US


class _HashCollision(Exception):
    """Two distinct labels share a hashtext() value (run again with array_position)."""


def _codes(hashes: NDArray[np.int64], labels: list[str], label_hash: list[int]) -> Any:
    """(sorted labels, per-row index into them) from per-row label hashes."""
    order = sorted(range(len(labels)), key=lambda i: labels[i])
    sorted_labels = [labels[i] for i in order]
    keys = np.asarray([label_hash[i] for i in order], dtype=np.int64)
    if np.unique(keys).shape[0] != keys.shape[0]:
        raise _HashCollision
    if hashes.size == 0:
        return sorted_labels, hashes.astype(np.int32)
    by_key = np.argsort(keys)
    pos = by_key[np.searchsorted(keys[by_key], hashes)]
    return sorted_labels, pos.astype(np.int32)


async def _fetch(
    session: AsyncSession, *, user_id: int, query: AnalyticsQuery, by_position: bool
) -> Any:
    """The statement's one row, (labels, codes) resolved; hash codes first."""
    statement, params = _statement(query)
    for setting in _PARALLEL:
        await session.exec(text(setting))  # type: ignore[call-overload]
    try:
        row = (await session.exec(statement, params={"user_id": user_id, **params})).one()  # type: ignore[call-overload]
        r = dict(row._mapping)
        try:
            if by_position:
                raise _HashCollision
            for codes, labels, hashes in _LABELLED:
                r[labels], r[codes] = _codes(
                    _ints(r[codes], np.int64), list(r[labels] or []), list(r[hashes] or [])
                )
            return r
        except _HashCollision:
            pass
        names = {"root_labels": "roots", "currency_labels": "currencies", "tag_labels": "tags"}
        labelled = {k: sorted(r[v] or []) for k, v in names.items()}
        statement, params = _statement(query, by_position=True)
        row = (
            await session.exec(statement, params={"user_id": user_id, **params, **labelled})  # type: ignore[call-overload]
        ).one()
        r = dict(row._mapping)
        for k, v in names.items():
            r[v] = labelled[k]
        for codes, _, _ in _LABELLED:
            r[codes] = _ints(r[codes], np.int32)
        return r
    finally:
        for setting in _PARALLEL_RESET:
            await session.exec(text(setting))  # type: ignore[call-overload]


_LABELLED = (
    ("instrument", "roots", "root_hash"),
    ("currency", "currencies", "currency_hash"),
    ("tag_code", "tags", "tag_hash"),
)


async def load_trade_rows(
    session: AsyncSession, *, user_id: int, query: AnalyticsQuery, by_position: bool = False
) -> TradeRows:
    """The user's closed trades matching `query` (any currency), ordered by exit time
    then id, from one SQL statement (a second one only on a label hash collision, or with
    `by_position`, which tests that path)."""
    r = await _fetch(session, user_id=user_id, query=query, by_position=by_position)
    ids = _ints(r["ids"], np.int64)
    exit_us = _times(r["exit_us"])
    order = np.lexsort((ids, exit_us))

    def col(name: str, dtype: Any) -> Any:
        return _ints(r[name], dtype)[order]

    net, fees, r_mult = (_floats(r[c])[order] for c in ("net_pnl", "commission", "r_multiple"))
    trades = TradeArrays(
        entry_time=_times(r["entry_us"])[order].view("datetime64[us]"),
        exit_time=exit_us[order].view("datetime64[us]"),
        net_pnl=net,
        commission=fees,
        r_multiple=r_mult,
        risk=_risk(_floats(r["risk"])[order], net, fees, r_mult),
        mae=_floats(r["mae"])[order],
        mfe=_floats(r["mfe"])[order],
        direction=col("direction", np.int8),
        playbook_id=col("playbook", np.int32),
        instrument=np.asarray(r["instrument"], dtype=np.int32)[order],
        account=col("account", np.int32),
    )
    ids = ids[order]
    # Tags of all the user's trades: keep the pairs of selected trades, as positions
    # (ids are ordered by exit time, not by id).
    tag_trade_ids = _ints(r["tag_trade"], np.int64)
    tag_codes = np.asarray(r["tag_code"], dtype=np.int64)
    by_id = np.argsort(ids)
    sorted_ids = ids[by_id]
    pos = np.minimum(np.searchsorted(sorted_ids, tag_trade_ids), max(ids.size - 1, 0))
    found = sorted_ids[pos] == tag_trade_ids if ids.size else np.zeros(0, np.bool_)
    tag_index = by_id[pos[found]] if ids.size else tag_trade_ids[:0]
    return TradeRows(
        trades=trades,
        ids=ids,
        currency=np.asarray(r["currency"], dtype=np.int32)[order],
        currencies=list(r["currencies"]),
        instruments=list(r["roots"]),
        tag_trade=tag_index.astype(np.int64),
        tag_code=tag_codes[found] if ids.size else tag_codes[:0],
        tags=list(r["tags"]),
        playbooks=dict(zip(r["pb_id"] or [], r["pb_name"] or [], strict=True)),
        accounts=[
            AccountInfo(i, n, c, float(b))
            for i, n, c, b in zip(
                r["acct_id"] or [],
                r["acct_name"] or [],
                r["acct_currency"] or [],
                r["acct_balance"] or [],
                strict=True,
            )
        ],
        prior_pnl=dict(zip(r["prior_currency"] or [], r["prior_total"] or [], strict=True)),
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
