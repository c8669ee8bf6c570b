"""Stable keys that make re-importing a broker file idempotent. Pure: no I/O.

`assign_keys(executions)` gives every execution of ONE parsed file a key:

* `id:<account>:<execution id>` when the broker wrote an execution id (Tradovate fill
  id, NinjaTrader ID, IBKR IBExecID, the order number of order-level exports);
  `<account>` is the account label of the file, empty when it has none;
* otherwise `fp:<sha256>:<n>`: the hash of the normalised fields (account label, UTC
  time to the second, symbol upper-cased, side, quantity, price and fee without
  trailing zeros), and `n`, the occurrence of that fingerprint in the file (1, 2, ...
  in file order). Two genuine one-lot fills at the same price in the same second get
  `:1` and `:2`, so both are kept.

The importer stores the keys (per TrendEdge account) and inserts only executions whose
key it does not hold yet (`new_positions`). Then:

* re-reading the same file gives the same keys, so nothing is added;
* a file overlapping one already imported gives the same keys for the shared rows: a
  row's fingerprint does not depend on the rest of the file, and if the overlap holds
  k identical fills they are keys 1..k, which are already stored when the earlier file
  held at least k of them. In effect the stored count of a fingerprint is the largest
  count any single file showed.

Occurrence numbers must count within the file, NOT continue from the count already
stored: continuing would turn every re-import of a file with one such fill into a new
`:2`, the duplicate this scheme exists to prevent.

Limitation: identical fills split across two files that do not overlap (file A ends
with the first of two same-second fills, file B starts with the second) both get `:1`
and the second is taken for a duplicate. No rule can tell that apart from an overlap
without a broker id. Exporting whole trading days (or overlapping ranges) avoids it;
formats with execution ids never have it.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Container, Sequence
from decimal import Decimal

from trendedge.domain.broker_csv.executions import Execution


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def fingerprint(execution: Execution) -> str:
    """sha256 hex of the normalised fields of `execution` (see the module doc)."""
    fields = (
        (execution.account or "").strip(),
        execution.time.replace(microsecond=0).isoformat(),
        execution.symbol.strip().upper(),
        execution.side,
        _plain(execution.quantity),
        _plain(execution.price),
        _plain(execution.fee),
    )
    return hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()


def assign_keys(executions: Sequence[Execution]) -> list[str]:
    """One key per execution of one file, in the same order (see the module doc)."""
    seen: Counter[str] = Counter()
    keys = []
    for execution in executions:
        if execution.execution_id:
            keys.append(f"id:{(execution.account or '').strip()}:{execution.execution_id.strip()}")
            continue
        digest = fingerprint(execution)
        seen[digest] += 1
        keys.append(f"fp:{digest}:{seen[digest]}")
    return keys


def new_positions(keys: Sequence[str], stored: Container[str]) -> list[int]:
    """Positions of the keys to insert: not in `stored`, first of their kind in `keys`
    (a broker id repeated inside one file is one execution)."""
    fresh = []
    taken: set[str] = set()
    for position, key in enumerate(keys):
        if key in stored or key in taken:
            continue
        taken.add(key)
        fresh.append(position)
    return fresh
