"""Closed trades as parallel numpy arrays (the input of every analytics metric), and
the small vectorised helpers the metrics share. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BreakdownKey = Literal["playbook", "instrument", "account", "direction"]
FloatColumn = ArrayLike | Sequence[float | Decimal | None]
"""A float column: a numpy array, or a list as a SQL driver returns it (None = unknown)."""
CodeColumn = ArrayLike | Sequence[int | None]
"""A group-code column: integers, None = no group (-1)."""

US_PER_SECOND = 1_000_000
US_PER_MINUTE = 60 * US_PER_SECOND
US_PER_HOUR = 60 * US_PER_MINUTE
US_PER_DAY = 24 * US_PER_HOUR
EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday (Monday = 0)
_COLUMNS = (
    "entry_time",
    "exit_time",
    "net_pnl",
    "commission",
    "r_multiple",
    "risk",
    "mae",
    "mfe",
    "direction",
    "playbook_id",
    "instrument",
    "account",
)
DIRECT_CODE_RANGE = 1 << 16  # codes spanning less than this are binned without sorting
KEY_FIELDS: dict[str, str] = {
    "playbook": "playbook_id",
    "instrument": "instrument",
    "account": "account",
    "direction": "direction",
}


# --------------------------------------------------------------------------- input


@dataclass(frozen=True, slots=True, eq=False)
class TradeArrays:
    """Closed trades as parallel 1-D arrays (one element per trade, any order).

    entry_time, exit_time: datetime64[us], UTC (naive); exit_time >= entry_time.
    net_pnl: float64, account currency, after commission; must be finite.
    commission: float64, account currency (>= 0 by convention, not enforced).
    r_multiple: float64, NaN when unknown (never +-inf).
    risk: float64 initial risk in currency (|entry - stop| * qty * point value), > 0 or
        NaN when unknown; used only to express MAE/MFE in R.
    mae, mfe: float64 currency, NaN when unknown; averaged as given (no sign change).
    direction: int8, +1 long / -1 short.
    playbook_id, instrument, account: int32 group codes, -1 = none.

    The constructor checks dtypes and lengths and does not copy; use `from_columns` to
    build from SQL result columns (lists of Decimal/None/datetime are converted). Rows
    ordered by exit_time are fastest: time-ordered metrics then skip a sort.
    """

    entry_time: NDArray[np.datetime64]
    exit_time: NDArray[np.datetime64]
    net_pnl: FloatArray
    commission: FloatArray
    r_multiple: FloatArray
    risk: FloatArray
    mae: FloatArray
    mfe: FloatArray
    direction: NDArray[np.int8]
    playbook_id: NDArray[np.int32]
    instrument: NDArray[np.int32]
    account: NDArray[np.int32]

    def __post_init__(self) -> None:
        n = self.net_pnl.shape[0] if self.net_pnl.ndim == 1 else -1
        expected = {
            "entry_time": np.dtype("datetime64[us]"),
            "exit_time": np.dtype("datetime64[us]"),
            "net_pnl": np.dtype(np.float64),
            "commission": np.dtype(np.float64),
            "r_multiple": np.dtype(np.float64),
            "risk": np.dtype(np.float64),
            "mae": np.dtype(np.float64),
            "mfe": np.dtype(np.float64),
            "direction": np.dtype(np.int8),
            "playbook_id": np.dtype(np.int32),
            "instrument": np.dtype(np.int32),
            "account": np.dtype(np.int32),
        }
        for name, dtype in expected.items():
            arr = getattr(self, name)
            if not isinstance(arr, np.ndarray) or arr.dtype != dtype:
                raise ValueError(f"{name} must be a numpy array of dtype {dtype}")
            if arr.ndim != 1 or arr.shape[0] != n:
                raise ValueError(f"{name} must be 1-D with the same length as net_pnl")
        if not np.isfinite(self.net_pnl).all():
            raise ValueError("net_pnl must be finite")
        if (self.exit_time < self.entry_time).any():
            raise ValueError("exit_time must not precede entry_time")
        if not (np.abs(self.direction) == 1).all():
            raise ValueError("direction must be +1 (long) or -1 (short)")
        for name in ("commission", "r_multiple", "risk", "mae", "mfe"):
            if np.isinf(getattr(self, name)).any():
                raise ValueError(f"{name} must not be infinite (NaN = unknown)")
        if (self.risk <= 0).any():
            raise ValueError("risk must be positive or NaN (unknown)")

    def sorted_by_exit(self) -> TradeArrays:
        """The same trades in ascending exit_time (stable); self when already sorted.

        Sorting once up front (or `ORDER BY exit_time` in SQL) saves each time-ordered
        metric its own sort."""
        order = time_order(self)
        if order is None:
            return self
        return TradeArrays(**{name: getattr(self, name)[order] for name in _COLUMNS})

    def __len__(self) -> int:
        return int(self.net_pnl.shape[0])

    @classmethod
    def empty(cls) -> TradeArrays:
        """No trades."""
        return cls.from_columns(entry_time=[], exit_time=[], net_pnl=[])

    @classmethod
    def from_columns(
        cls,
        *,
        entry_time: ArrayLike | Sequence[datetime],
        exit_time: ArrayLike | Sequence[datetime],
        net_pnl: FloatColumn,
        commission: FloatColumn | None = None,
        r_multiple: FloatColumn | None = None,
        risk: FloatColumn | None = None,
        mae: FloatColumn | None = None,
        mfe: FloatColumn | None = None,
        direction: ArrayLike | Sequence[int | str] | None = None,
        playbook_id: CodeColumn | None = None,
        instrument: CodeColumn | None = None,
        account: CodeColumn | None = None,
    ) -> TradeArrays:
        """Build from columns (numpy arrays, or lists as returned by a SQL driver).

        Float columns accept Decimal and None (-> NaN); times accept datetime64 or
        datetime objects (aware ones are converted to UTC). Omitted columns default to
        0 commission, unknown R/MAE/MFE, long, and code -1. When `risk` is omitted it is
        derived as |(net_pnl + commission) / r_multiple| where R is known and nonzero
        (R is measured on gross P&L), else NaN; a risk <= 0 becomes NaN.
        """
        pnl = floats(net_pnl)
        n = pnl.shape[0]
        fee = np.zeros(n) if commission is None else floats(commission)
        r = _nans(n) if r_multiple is None else floats(r_multiple)
        if risk is None:
            with np.errstate(divide="ignore", invalid="ignore"):
                derived = np.abs((pnl + fee) / r)
            risk_arr = np.where(np.isfinite(derived) & (derived > 0), derived, np.nan)
        else:
            risk_arr = floats(risk)
            risk_arr = np.where(risk_arr > 0, risk_arr, np.nan)
        return cls(
            entry_time=_times(entry_time),
            exit_time=_times(exit_time),
            net_pnl=pnl,
            commission=fee,
            r_multiple=r,
            risk=risk_arr,
            mae=_nans(n) if mae is None else floats(mae),
            mfe=_nans(n) if mfe is None else floats(mfe),
            direction=np.ones(n, np.int8) if direction is None else _directions(direction),
            playbook_id=_codes(playbook_id, n),
            instrument=_codes(instrument, n),
            account=_codes(account, n),
        )


def _nans(n: int) -> FloatArray:
    return np.full(n, np.nan)


def floats(col: FloatColumn) -> FloatArray:
    try:
        return np.ascontiguousarray(col, dtype=np.float64)
    except TypeError:  # None among Decimals: the per-row path
        values: list[Any] = list(col)  # type: ignore[arg-type]
        return np.fromiter(
            (np.nan if v is None else float(v) for v in values), np.float64, len(values)
        )


def _times(col: ArrayLike | Sequence[datetime]) -> NDArray[np.datetime64]:
    if isinstance(col, np.ndarray) and col.dtype.kind == "M":
        return np.ascontiguousarray(col, dtype="datetime64[us]")
    values: list[Any] = list(col)  # type: ignore[arg-type]
    naive = [
        v.astimezone(UTC).replace(tzinfo=None)
        if isinstance(v, datetime) and v.tzinfo is not None
        else v
        for v in values
    ]
    return np.array(naive, dtype="datetime64[us]").reshape(len(naive))


def _directions(col: ArrayLike | Sequence[int | str]) -> NDArray[np.int8]:
    arr = np.asarray(col)
    if arr.dtype.kind in "UO":  # "long" / "short"; anything else fails validation
        return np.where(arr == "long", 1, np.where(arr == "short", -1, 0)).astype(np.int8)
    return arr.astype(np.int8)


def _codes(col: CodeColumn | None, n: int) -> NDArray[np.int32]:
    if col is None:
        return np.full(n, -1, np.int32)
    try:
        return np.asarray(col, dtype=np.int32)
    except TypeError:  # None among the codes: the per-row path
        values: list[Any] = list(col)  # type: ignore[arg-type]
        return np.array([-1 if v is None else v for v in values], dtype=np.int32)


# --------------------------------------------------------------------------- helpers


def time_order(trades: TradeArrays) -> IntArray | None:
    """Indices putting trades in ascending exit_time (stable); None when already sorted."""
    t = trades.exit_time.view(np.int64)
    n = t.shape[0]
    if n < 2 or bool((t[1:] >= t[:-1]).all()):
        return None
    order = np.argsort(t)  # introsort: several times faster than a stable sort
    ts = t[order]
    new_value = ts[1:] != ts[:-1]
    if new_value.all():
        return order  # no ties: the order is unique, hence stable
    # Ties: sort again on (rank of exit_time, index), a unique key, so ties keep input order.
    rank = np.empty(n, np.int64)
    rank[order] = np.concatenate(([0], np.cumsum(new_value)))
    return np.argsort(rank * n + np.arange(n))


def pnl_in_time_order(trades: TradeArrays) -> tuple[FloatArray, NDArray[np.datetime64]]:
    order = time_order(trades)
    if order is None:
        return trades.net_pnl, trades.exit_time
    return trades.net_pnl[order], trades.exit_time[order]


def mean(values: FloatArray) -> float | None:
    return float(values.mean()) if values.shape[0] else None


def nan_to_zero(x: FloatArray) -> FloatArray:
    """x with NaN replaced by 0 (branch-free: fmax/fmin ignore NaN)."""
    return np.fmax(x, 0.0) + np.fmin(x, 0.0)


def nan_mean(x: FloatArray) -> tuple[float | None, int]:
    """(mean of the non-NaN values or None, how many there are)."""
    known = x.shape[0] - int(np.count_nonzero(np.isnan(x)))
    return (float(nan_to_zero(x).sum()) / known if known else None), known


def profit_factor(gross_profit: float, gross_loss: float) -> float | None:
    if gross_loss < 0:
        return gross_profit / -gross_loss
    return float("inf") if gross_profit > 0 else None


def local_us(times: NDArray[np.datetime64], offset_minutes: int) -> IntArray:
    """Microseconds since the epoch in local time (UTC + offset)."""
    return times.view(np.int64) + np.int64(offset_minutes) * US_PER_MINUTE
