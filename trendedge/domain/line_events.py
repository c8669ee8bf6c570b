"""What new bars do to a known trendline: a touch, a break, or nothing (pure numpy).

Detection lives in `trendedge.domain.trendlines`; this module judges lines that
are already known against the bars after them.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from trendedge.domain.trendlines import Trendline, series_arrays

Event = Literal["touch", "break"]


def line_events(
    line: Trendline,
    high: ArrayLike,
    low: ArrayLike,
    close: ArrayLike,
    index: int,
    tolerance: float,
    break_threshold: float,
) -> Event | None:
    """What bar `index` does to `line`: "break", "touch" or None.

    `tolerance` and `break_threshold` are price distances (e.g. ``k * ATR[index]``).
    Break: the close is beyond the line by more than `break_threshold` (below for support,
    above for resistance). Touch: otherwise, the bar's range reaches within `tolerance` of
    the line (``low <= line + tolerance`` and ``high >= line - tolerance``). Whether the
    line is still active at `index` is the caller's decision.
    """
    h, lo, c = series_arrays(high, low, close)
    if not 0 <= index < len(c):
        raise IndexError(f"index {index} outside 0..{len(c) - 1}")
    level = line.price_at(index)
    beyond = level - c[index] if line.kind == "support" else c[index] - level
    if beyond > break_threshold:
        return "break"
    if lo[index] <= level + tolerance and h[index] >= level - tolerance:
        return "touch"
    return None


def first_break(
    line: Trendline, close: ArrayLike, atr: ArrayLike, break_threshold: float, start: int
) -> int | None:
    """The first bar ``j >= start`` whose close is beyond `line` by more than
    ``break_threshold * atr[j]`` (below for support, above for resistance), or None."""
    c = np.asarray(close, dtype=np.float64)
    a = np.asarray(atr, dtype=np.float64)
    if start >= len(c):
        return None
    index = np.arange(start, len(c))
    level = line.intercept + line.slope * index
    beyond = level - c[start:] if line.kind == "support" else c[start:] - level
    hits = np.flatnonzero(beyond > break_threshold * a[start:])
    return int(index[hits[0]]) if hits.size else None
