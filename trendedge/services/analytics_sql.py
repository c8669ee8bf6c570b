"""The SQL of the analytics dashboard (`services.analytics_query` runs it) and the
binary layouts it returns.

Two statements run at the same time on two connections (one core each on a small
server), both returning whole columns as concatenated PostgreSQL binary values read
with `numpy.frombuffer`, so no Python object is built per trade:

* MAIN: the trades, as the concatenation of their `analytics_row` (a stored generated
  column, one fixed-width record per trade, layout ROW_DTYPE, defined at
  trendedge.models.trading.ANALYTICS_ROW_SQL) plus the int4 `hashtext()` codes of their
  instrument root and currency. No sort in SQL (numpy orders by exit_time, id).
* SIDE: everything small: the distinct (root, currency) labels with their hashes, the
  playbooks, the accounts and the P&L closed before the range; then (TAGS) one row per
  distinct tag list of the user's journal entries with the ids of their trades.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import ARRAY, DateTime, Integer, bindparam, text

if TYPE_CHECKING:
    from trendedge.services.analytics_query import AnalyticsQuery

# One trades.analytics_row (big-endian PostgreSQL send formats); see ANALYTICS_ROW_SQL.
ROW_DTYPE = np.dtype(
    [
        ("id", ">i4"),
        ("entry_us", ">i8"),
        ("exit_us", ">i8"),
        ("net_pnl", ">f8"),
        ("commission", ">f8"),
        ("r_multiple", ">f8"),
        ("risk", ">f8"),
        ("mae", ">f8"),
        ("mfe", ">f8"),
        ("direction", ">i4"),
        ("playbook", ">i4"),
        ("account", ">i4"),
    ]
)
PG_EPOCH_US = 946_684_800 * 1_000_000  # 2000-01-01, the zero of PostgreSQL timestamps

# Strings come back as int4 codes: hashtext() per row, with the distinct labels and
# their hashes from SIDE. On the (astronomically rare) hash collision, or when SIDE saw
# other trades than MAIN, the labels are read again on MAIN's connection and passed back
# as parameters, and array_position() gives the codes instead (`by_position`).
_MAIN = """
SELECT
    string_agg(t.analytics_row, '') AS rows,
    string_agg(int4send({root_code}), '') AS instrument,
    string_agg(int4send({currency_code}), '') AS currency
FROM trades t
WHERE t.user_id = :user_id {filters}
"""

_LABELS = """
WITH pairs AS MATERIALIZED (
    SELECT DISTINCT root, currency FROM trades t WHERE t.user_id = :user_id {filters}
)
SELECT lr.*, lc.*
FROM (
    SELECT array_agg(root) AS roots, array_agg(hashtext(root)) AS root_hash
    FROM (SELECT DISTINCT root FROM pairs) d
) lr
CROSS JOIN (
    SELECT array_agg(currency) AS currencies, array_agg(hashtext(currency)) AS currency_hash
    FROM (SELECT DISTINCT currency FROM pairs) d
) lc
"""

_SIDE = """
SELECT l.*, p.*, a.*, q.*
FROM ({labels}) l
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

# Tags of all the user's journal entries (the loader keeps those of loaded trades): one
# row per distinct tag list, far fewer than entries, so no per-tag row in SQL.
TAGS = text(
    "SELECT tags, string_agg(int4send(trade_id), '') AS trade_ids FROM journal_entries"
    " WHERE user_id = :user_id AND trade_id IS NOT NULL GROUP BY tags"
)

# Both statements run without parallel workers: MAIN and SIDE already keep two cores
# busy, and extra workers only cost start-up and contention (measured slower on two
# cores). SET LOCAL lasts until the end of the transaction, so MAIN resets it.
SERIAL = "SET LOCAL max_parallel_workers_per_gather = 0"
SERIAL_RESET = "SET LOCAL max_parallel_workers_per_gather TO DEFAULT"


def _filters(query: AnalyticsQuery) -> str:
    filters = ["AND t.account_id = ANY(:account_ids)" if query.account_ids is not None else ""]
    if query.start is not None:
        filters.append("AND t.exit_time >= :start")
    if query.end is not None:
        filters.append("AND t.exit_time < :end")
    return " ".join(filters)


def _bind(sql: str, query: AnalyticsQuery, names: tuple[str, ...]) -> tuple[Any, dict[str, Any]]:
    statement = text(sql)
    params: dict[str, Any] = {}
    if query.account_ids is not None and ":account_ids" in sql:
        statement = statement.bindparams(bindparam("account_ids", type_=ARRAY(Integer)))
        params["account_ids"] = list(query.account_ids)
    for name in names:
        if getattr(query, name) is not None and f":{name}" in sql:
            statement = statement.bindparams(bindparam(name, type_=DateTime(timezone=True)))
            params[name] = getattr(query, name)
    return statement, params


def main_statement(query: AnalyticsQuery, *, by_position: bool = False) -> tuple[Any, Any]:
    """MAIN and its parameters (besides user_id, and the labels when `by_position`)."""

    def code(column: str, labels: str) -> str:
        if by_position:
            # -1 for a label missing from the list (stored meanwhile): the loader checks
            return f"coalesce(array_position(CAST(:{labels} AS text[]), {column}::text) - 1, -1)"
        return f"hashtext({column})"

    sql = _MAIN.format(
        filters=_filters(query),
        root_code=code("t.root", "root_labels"),
        currency_code=code("t.currency", "currency_labels"),
    )
    return _bind(sql, query, ("start", "end"))


def labels_statement(query: AnalyticsQuery) -> tuple[Any, Any]:
    """The distinct roots and currencies of the selected trades, with their hashes."""
    return _bind(_LABELS.format(filters=_filters(query)), query, ("start", "end"))


def side_statement(query: AnalyticsQuery) -> tuple[Any, Any]:
    """The labels, playbooks, accounts and prior P&L, in one row."""
    accounts = "AND account_id = ANY(:account_ids)" if query.account_ids is not None else ""
    sql = _SIDE.format(
        labels=_LABELS.format(filters=_filters(query)),
        prior=_PRIOR.format(accounts=accounts) if query.start is not None else _NO_PRIOR,
    )
    return _bind(sql, query, ("start", "end"))
