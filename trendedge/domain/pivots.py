"""Price-structure primitives for trendline detection: true range, ATR and swing pivots.

Pure numpy; every function takes 1-D float arrays of equal length (bar 0 first) and
returns new arrays without touching its inputs.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


def true_range(high: FloatArray, low: FloatArray, close: FloatArray) -> FloatArray:
    """Per-bar true range: max(high - low, |high - prev close|, |low - prev close|).

    Bar 0 has no previous close, so its true range is high - low.
    """
    tr = np.asarray(high - low, dtype=np.float64).copy()
    if len(tr) > 1:
        prev = close[:-1]
        tr[1:] = np.maximum.reduce([tr[1:], np.abs(high[1:] - prev), np.abs(low[1:] - prev)])
    return tr


def average_true_range(
    high: FloatArray, low: FloatArray, close: FloatArray, period: int
) -> FloatArray:
    """Simple-average ATR: mean true range over bars t - period + 1 .. t (inclusive).

    The first `period - 1` bars use the mean of the bars seen so far, so every bar has a
    value and none looks ahead. Scales linearly with prices; never negative.
    """
    if period < 1:
        raise ValueError("period must be >= 1")
    tr = true_range(high, low, close)
    csum = np.concatenate(([0.0], np.cumsum(tr)))
    idx = np.arange(len(tr))
    start = np.maximum(idx + 1 - period, 0)
    atr: FloatArray = (csum[idx + 1] - csum[start]) / (idx + 1 - start)
    return np.maximum(atr, 0.0)


def swing_lows(low: FloatArray, window: int) -> IntArray:
    """Indices of swing lows, ascending.

    Bar i is a swing low when `window` bars exist on each side, low[i] is strictly below
    every low in the `window` bars before it and not above any low in the `window` bars
    after it (so a flat bottom yields one pivot, its first bar). A pivot is therefore
    confirmed `window` bars after it happens.
    """
    if window < 1:
        raise ValueError("window must be >= 1")
    n = len(low)
    if n < 2 * window + 1:
        return np.empty(0, dtype=np.intp)
    # mins[j] = min(low[j : j + window]); left side of bar i is mins[i - window],
    # right side is mins[i + 1].
    mins = np.lib.stride_tricks.sliding_window_view(low, window).min(axis=1)
    centre = np.arange(window, n - window)
    left = mins[centre - window]
    right = mins[centre + 1]
    is_pivot = (low[centre] < left) & (low[centre] <= right)
    return centre[is_pivot].astype(np.intp)


def swing_highs(high: FloatArray, window: int) -> IntArray:
    """Indices of swing highs: the mirror of `swing_lows` (strict on the left, ties allowed
    on the right)."""
    return swing_lows(-high, window)
