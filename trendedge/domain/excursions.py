"""Maximum adverse / favourable excursion (MAE / MFE) of trades over OHLC bars.

Pure, vectorised numpy: one call handles any number of trades against one bar series
(one instrument, one timeframe). No I/O.

Definitions (docs/metrics.md):

* A bar with open time ``ts`` covers ``[ts, ts + bar length)``. A series **covers** a
  trade when it has the bar containing the entry time and the bar containing the exit
  time. The trade's window is every bar from the entry bar to the exit bar, both
  included (gaps in between, e.g. weekends, are fine).
* Over the window, the lowest price is the minimum of the bars' lows, the entry price
  and the exit price; the highest price likewise (the fill prices are included so the
  realised gross P&L always lies between MAE and MFE, even with slippage).
* Long: MAE = (lowest - entry) x multiplier, MFE = (highest - entry) x multiplier.
  Short: MAE = (entry - highest) x multiplier, MFE = (entry - lowest) x multiplier.
  multiplier = quantity x point value (> 0). MAE is clamped to <= 0 and MFE to >= 0.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
US_PER_SECOND = 1_000_000


class Windows(NamedTuple):
    """Per trade: index of the entry bar, of the exit bar, and whether the series covers
    the trade (when False, first = last = 0 and the trade must be ignored)."""

    first: IntArray
    last: IntArray
    covered: BoolArray


class Excursions(NamedTuple):
    """Per trade MAE (<= 0) and MFE (>= 0) in currency; NaN where not covered."""

    mae: FloatArray
    mfe: FloatArray
    covered: BoolArray


def _us(times: ArrayLike) -> IntArray:
    return np.asarray(times, dtype="datetime64[us]").view(np.int64)


def bar_windows(
    bar_ts: ArrayLike, bar_seconds: float, entry_time: ArrayLike, exit_time: ArrayLike
) -> Windows:
    """The bar window of each trade in an ascending series of bar open times.

    bar_ts, entry_time, exit_time: datetime64 (UTC); bar_seconds: the bar length."""
    ts = _us(bar_ts)
    entry = _us(entry_time)
    exit_ = _us(exit_time)
    length = np.int64(round(bar_seconds * US_PER_SECOND))
    if ts.shape[0] == 0:
        zeros = np.zeros(entry.shape[0], np.int64)
        return Windows(zeros, zeros.copy(), np.zeros(entry.shape[0], np.bool_))
    first = np.searchsorted(ts, entry, side="right") - 1
    last = np.searchsorted(ts, exit_, side="right") - 1
    valid = (first >= 0) & (last >= first)
    f = np.where(valid, first, 0)
    lst = np.where(valid, last, 0)
    covered = valid & (ts[f] + length > entry) & (ts[lst] + length > exit_)
    return Windows(
        np.where(covered, f, 0).astype(np.int64),
        np.where(covered, lst, 0).astype(np.int64),
        covered,
    )


def window_extremes(
    low: ArrayLike, high: ArrayLike, first: IntArray, last: IntArray
) -> tuple[FloatArray, FloatArray]:
    """(min of low, max of high) over bars first..last (inclusive) for each window.

    One `reduceat` over interleaved (start, stop) indices: no loop over trades."""
    lo = np.asarray(low, dtype=np.float64)
    hi = np.asarray(high, dtype=np.float64)
    k = first.shape[0]
    if k == 0 or lo.shape[0] == 0:
        return np.full(k, np.nan), np.full(k, np.nan)
    bounds = np.empty(2 * k, np.int64)
    bounds[0::2] = first
    bounds[1::2] = last + 1  # may equal len: a sentinel element keeps it a valid index
    lowest = np.minimum.reduceat(np.append(lo, lo[-1]), bounds)[0::2]
    highest = np.maximum.reduceat(np.append(hi, hi[-1]), bounds)[0::2]
    return lowest, highest


def excursions_from_extremes(
    *,
    direction: ArrayLike,
    entry_price: ArrayLike,
    exit_price: ArrayLike,
    multiplier: ArrayLike,
    lowest: ArrayLike,
    highest: ArrayLike,
) -> tuple[FloatArray, FloatArray]:
    """(MAE, MFE) in currency from each trade's lowest / highest bar price (module doc)."""
    side = np.asarray(direction, dtype=np.float64)
    entry = np.asarray(entry_price, dtype=np.float64)
    exit_ = np.asarray(exit_price, dtype=np.float64)
    mult = np.asarray(multiplier, dtype=np.float64)
    lo = np.minimum(np.minimum(np.asarray(lowest, dtype=np.float64), entry), exit_)
    hi = np.maximum(np.maximum(np.asarray(highest, dtype=np.float64), entry), exit_)
    long = side > 0
    adverse = np.where(long, lo - entry, entry - hi)
    favourable = np.where(long, hi - entry, entry - lo)
    return np.minimum(adverse, 0.0) * mult, np.maximum(favourable, 0.0) * mult


def trade_excursions(
    *,
    bar_ts: ArrayLike,
    bar_low: ArrayLike,
    bar_high: ArrayLike,
    bar_seconds: float,
    entry_time: ArrayLike,
    exit_time: ArrayLike,
    entry_price: ArrayLike,
    exit_price: ArrayLike,
    direction: ArrayLike,
    multiplier: ArrayLike,
) -> Excursions:
    """MAE / MFE of each trade over one bar series (ascending `bar_ts`); NaN for trades
    the series does not cover. direction: +1 long / -1 short; multiplier: quantity x
    point value (> 0)."""
    windows = bar_windows(bar_ts, bar_seconds, entry_time, exit_time)
    lowest, highest = window_extremes(bar_low, bar_high, windows.first, windows.last)
    mae, mfe = excursions_from_extremes(
        direction=direction,
        entry_price=entry_price,
        exit_price=exit_price,
        multiplier=multiplier,
        lowest=lowest,
        highest=highest,
    )
    nan = np.full(windows.covered.shape[0], np.nan)
    return Excursions(
        np.where(windows.covered, mae, nan), np.where(windows.covered, mfe, nan), windows.covered
    )
