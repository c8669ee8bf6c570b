"""Trade analytics by period (day, week), by group (playbook, instrument, account,
direction, weekday, hour of entry) and the R-multiple histogram. Pure, vectorised;
definitions in docs/metrics.md."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from trendedge.domain.trade_arrays import (
    DIRECT_CODE_RANGE,
    EPOCH_WEEKDAY,
    KEY_FIELDS,
    US_PER_DAY,
    US_PER_HOUR,
    BreakdownKey,
    FloatArray,
    IntArray,
    TradeArrays,
    local_us,
    nan_to_zero,
    profit_factor,
)

# --------------------------------------------------------------------------- periods


class PeriodSummary(NamedTuple):
    """Per-period totals, periods ascending, only periods with trades.

    date: datetime64[D] (the day, or the Monday starting the week); trades, wins: int64;
    net: float64 sum of net_pnl."""

    date: NDArray[np.datetime64]
    trades: IntArray
    net: FloatArray
    wins: IntArray


def _period_summary(trades: TradeArrays, day: IntArray) -> PeriodSummary:
    periods, inverse = np.unique(day, return_inverse=True)
    k = periods.shape[0]
    return PeriodSummary(
        date=periods.astype("datetime64[D]"),
        trades=np.bincount(inverse, minlength=k).astype(np.int64),
        net=np.bincount(inverse, weights=trades.net_pnl, minlength=k).astype(
            np.float64, copy=False
        ),
        wins=np.bincount(inverse, weights=trades.net_pnl > 0, minlength=k).astype(np.int64),
    )


def _local_day(times: NDArray[np.datetime64], offset_minutes: int) -> IntArray:
    return np.floor_divide(local_us(times, offset_minutes), US_PER_DAY)


def daily_summary(trades: TradeArrays, *, offset_minutes: int = 0) -> PeriodSummary:
    """Totals per calendar day of exit_time in UTC + offset_minutes."""
    return _period_summary(trades, _local_day(trades.exit_time, offset_minutes))


def weekly_summary(trades: TradeArrays, *, offset_minutes: int = 0) -> PeriodSummary:
    """Totals per Monday-to-Sunday week of exit_time in UTC + offset_minutes; `date` is
    the week's Monday."""
    day = _local_day(trades.exit_time, offset_minutes)
    return _period_summary(trades, day - (day + EPOCH_WEEKDAY) % 7)


# --------------------------------------------------------------------------- breakdowns


@dataclass(frozen=True, slots=True)
class Group:
    """Metrics of the trades sharing one code (definitions as on `Summary`).

    win_rate = wins / trades; profit_factor = gross_profit / |gross_loss| (inf / None as
    on Summary); expectancy = mean net_pnl; avg_r = mean of known R. Each is None when the
    group has no trades (avg_r: no known R)."""

    code: int
    trades: int
    wins: int
    losses: int
    net: float
    gross_profit: float
    gross_loss: float
    win_rate: float | None
    profit_factor: float | None
    expectancy: float | None
    avg_r: float | None
    r_known: int


def _groups(
    trades: TradeArrays, labels: IntArray, k: int, codes: Sequence[int], select: IntArray
) -> list[Group]:
    """Groups for `codes`; codes[j] gathers the trades labelled select[j] (labels in 0..k-1;
    labels >= k are dropped)."""
    pnl = trades.net_pnl
    r = trades.r_multiple

    def total(weights: ArrayLike | None = None) -> FloatArray:
        summed = np.bincount(labels, weights=weights, minlength=k)[:k]
        return summed[select].astype(np.float64, copy=False)

    count = total().astype(np.int64)
    wins = total(pnl > 0).astype(np.int64)
    losses = total(pnl < 0).astype(np.int64)
    net = total(pnl)
    profit = total(np.maximum(pnl, 0.0))
    loss = total(np.minimum(pnl, 0.0))
    r_count = count - total(np.isnan(r)).astype(np.int64)
    r_sum = total(nan_to_zero(r))
    out = []
    for i, code in enumerate(codes):
        c = int(count[i])
        rk = int(r_count[i])
        out.append(
            Group(
                code=int(code),
                trades=c,
                wins=int(wins[i]),
                losses=int(losses[i]),
                net=float(net[i]),
                gross_profit=float(profit[i]),
                gross_loss=float(loss[i]),
                win_rate=int(wins[i]) / c if c else None,
                profit_factor=profit_factor(float(profit[i]), float(loss[i])),
                expectancy=float(net[i]) / c if c else None,
                avg_r=float(r_sum[i]) / rk if rk else None,
                r_known=rk,
            )
        )
    return out


def _all_groups(trades: TradeArrays, column: IntArray, k: int) -> list[Group]:
    """Groups for labels 0..k-1 of `column`, all of them, in order."""
    return _groups(trades, column, k, range(k), np.arange(k))


def breakdown(
    trades: TradeArrays,
    codes: ArrayLike | None = None,
    *,
    key: BreakdownKey | ArrayLike,
) -> list[Group]:
    """Metrics per group code.

    key: "playbook", "instrument", "account" (int32 codes, -1 = none, reported as its own
    group) or "direction" (+1 long / -1 short); or any integer array parallel to the
    trades (custom grouping). codes: the codes to report, in that order (codes without
    trades get an empty group, trades with other codes are left out); by default every
    code present, ascending.
    """
    if isinstance(key, str):
        column = np.asarray(getattr(trades, KEY_FIELDS[key]), dtype=np.int64)
    else:
        column = np.asarray(key, dtype=np.int64)
        if column.shape != trades.net_pnl.shape:
            raise ValueError("a key array must be parallel to the trades")
    if codes is None:
        if column.size == 0:
            return []
        lo, hi = int(column.min()), int(column.max())
        if hi - lo < DIRECT_CODE_RANGE:  # bin directly, no sort
            labels = column - lo
            present = np.flatnonzero(np.bincount(labels, minlength=hi - lo + 1))
            return _groups(trades, labels, hi - lo + 1, (present + lo).tolist(), present)
        uniques, inverse = np.unique(column, return_inverse=True)
        k = uniques.shape[0]
        return _groups(trades, inverse.astype(np.int64), k, uniques.tolist(), np.arange(k))
    wanted = np.asarray(codes, dtype=np.int64).reshape(-1)
    k = wanted.shape[0]
    if k == 0:
        return []
    if np.unique(wanted).shape[0] != k:
        raise ValueError("codes must not repeat")
    order = np.argsort(wanted)
    sorted_wanted = wanted[order]
    pos = np.minimum(np.searchsorted(sorted_wanted, column), k - 1)
    found = sorted_wanted[pos] == column
    # label = index into `wanted`; not found -> k (dropped)
    labels = np.where(found, order[pos], k)
    return _groups(trades, labels.astype(np.int64), k, wanted.tolist(), np.arange(k))


def by_weekday(trades: TradeArrays, *, offset_minutes: int = 0) -> list[Group]:
    """Metrics per weekday of entry_time in UTC + offset_minutes: codes 0..6, Monday = 0;
    all seven groups are returned, empty ones included."""
    day = _local_day(trades.entry_time, offset_minutes)
    return _all_groups(trades, (day + EPOCH_WEEKDAY) % 7, 7)


def by_hour_of_entry(trades: TradeArrays, *, offset_minutes: int = 0) -> list[Group]:
    """Metrics per hour of day (0..23) of entry_time in UTC + offset_minutes; all 24
    groups are returned, empty ones included."""
    hour = np.floor_divide(local_us(trades.entry_time, offset_minutes), US_PER_HOUR) % 24
    return _all_groups(trades, hour, 24)


# --------------------------------------------------------------------------- R histogram


class RHistogram(NamedTuple):
    """counts[i] = known R values in [edges[i], edges[i+1]) (last bin closed), as
    numpy.histogram; unknown = trades without a known R."""

    counts: IntArray
    edges: FloatArray
    unknown: int


def r_histogram(
    trades: TradeArrays, bins: int | ArrayLike = 20, *, clip: bool = False
) -> RHistogram:
    """Histogram of the known R multiples.

    bins: a bin count (equal-width bins over the data range, as numpy.histogram) or
    ascending edges. With explicit edges, values outside them are left out unless `clip`
    is true, which counts them in the first / last bin (for "<= -3R" / ">= +3R" bars).
    """
    r = trades.r_multiple
    known = r[~np.isnan(r)]
    if clip and not isinstance(bins, int):
        edges = np.asarray(bins, dtype=np.float64)
        known = np.clip(known, edges[0], edges[-1])
        counts, out_edges = np.histogram(known, bins=edges)
    else:
        counts, out_edges = np.histogram(known, bins=bins)  # type: ignore[arg-type]
    return RHistogram(
        counts=counts.astype(np.int64),
        edges=out_edges.astype(np.float64),
        unknown=int(r.shape[0] - known.shape[0]),
    )
