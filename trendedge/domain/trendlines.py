"""Automatic trendline detection on OHLC bars (pure: numpy arrays in, dataclasses out).

Vocabulary (all distances in price units; ``tol[t] = touch_tolerance * ATR[t]``):

* ATR: simple-average true range over ``atr_period`` bars ending at ``t``
  (`trendedge.domain.pivots.average_true_range`); all thresholds are ATR multiples, so
  detection does not depend on the price scale.
* Pivot: a swing low (support) or swing high (resistance) with ``pivot_window`` bars on
  each side (`trendedge.domain.pivots.swing_lows`).
* Line: the straight line through two pivots ``i1 < i2`` (its anchors), in index space:
  ``price_at(t) = intercept + slope * t``.
* Touch: a pivot ``t`` with ``i1 <= t <= i2`` and ``|pivot price - price_at(t)| <= tol[t]``
  (pivot price = low for support, high for resistance). Both anchors are touches.
* Violation: a bar ``i1 <= j <= i2`` whose CLOSE is beyond the line by more than the
  tolerance: support ``close[j] < price_at(j) - tol[j]``, resistance
  ``close[j] > price_at(j) + tol[j]``. Wicks may pierce a line; closes may not.

Algorithm (per side; resistance is support on negated prices):

1. Pivots, ``p`` of them (about n / 16 on daily stock data with ``pivot_window=5``).
2. Steepest allowed slope. For an anchor ``a``, ``runmin[j] = min over a < j' <= j of
   (close[j'] + tol[j'] - low[a]) / (j' - a)`` is the steepest slope a line from ``a`` may
   have without a violation up to bar ``j``, so pair ``(a, b)`` is violation-free iff
   ``slope(a, b) <= runmin[b]``: O(1) per pair after one prefix minimum per anchor.
   The minimum runs over one sampled bar per 16 (the one with the lowest
   ``close + tol``), computed for blocks of 32 anchors as one 2-D numpy array, so this
   step costs O(p * n / 16) element operations and O(p / 32) Python steps.
3. Touches of every passing pair with ``b - a >= min_span``: pivot ``m`` touches a line
   of slope ``s`` from ``a`` iff ``s`` lies in an interval ``[lo_m, hi_m]``; only pivots
   whose ``lo_m`` is below ``runmin[m]`` can touch any passing line, and those are
   counted per pair in one flattened numpy pass. O(p^2) in all, no O(n^3) step.
4. Candidates with ``>= min_touches`` touches are scored (higher is better)::

       score = weight_touches * touches
             + weight_span * (i2 - i1) / n
             + weight_recency * i2 / (n - 1)
             - weight_slope * |slope| / ATR[i2]        (ATRs per bar; 0 if ATR is 0)

5. Greedy selection by score. Each line about to be kept is re-checked exactly over all
   its bars and pivots with its final ``price_at`` (step 2 only sampled the bars), so
   the touch and violation contracts hold exactly; a failing candidate is skipped.
   Candidates that nearly coincide with a kept line are then dropped: both anchors of
   one within tolerance of the other line, or the candidate passing within tolerance of
   two of the kept line's touches. At most ``max_lines_per_side`` lines per side.

The result is sorted by score, best first. 5,000 daily bars take about 15-20 ms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from trendedge.domain.pivots import FloatArray, IntArray, average_true_range, swing_lows

Kind = Literal["support", "resistance"]


@dataclass(frozen=True)
class DetectorParams:
    """Detector settings. Every price distance is a multiple of the ATR at that bar."""

    pivot_window: int = 5
    """Bars on each side a swing pivot must dominate."""
    atr_period: int = 14
    """Bars in the ATR average."""
    touch_tolerance: float = 0.3
    """A pivot touches a line within this many ATRs; closes may cross by as much."""
    min_touches: int = 3
    """Touches (anchors included) a line needs to be reported."""
    max_lines_per_side: int = 5
    """Most support lines and most resistance lines reported."""
    break_threshold: float = 0.5
    """ATRs a close must be beyond a line for `trendedge.domain.line_events` to call a break."""
    weight_touches: float = 1.0
    """Score per touch."""
    weight_span: float = 2.0
    """Score for a line spanning the whole series (pro rata)."""
    weight_recency: float = 1.0
    """Score for a line whose last anchor is the last bar (pro rata)."""
    weight_slope: float = 1.0
    """Score lost per ATR-per-bar of slope (steep lines are weaker)."""
    min_span: int = 20
    """Fewest bars between a line's two anchors."""

    def __post_init__(self) -> None:
        positive_ints = ("pivot_window", "atr_period", "min_touches", "max_lines_per_side")
        for name in (*positive_ints, "min_span"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1")
        if self.min_touches < 2:
            raise ValueError("min_touches must be >= 2 (the anchors)")
        for name in ("touch_tolerance", "break_threshold"):
            if not getattr(self, name) >= 0:
                raise ValueError(f"{name} must be >= 0")
        weights = ("weight_touches", "weight_span", "weight_recency", "weight_slope")
        if not all(np.isfinite(getattr(self, w)) for w in weights):
            raise ValueError("weights must be finite")


@dataclass(frozen=True)
class Trendline:
    """A support or resistance line through pivots ``i1 < i2`` (bar indices)."""

    kind: Kind
    i1: int
    i2: int
    p1: float
    p2: float
    slope: float
    """Price per bar."""
    intercept: float
    """Price at bar index 0."""
    touches: tuple[int, ...]
    """Bar indices of the touching pivots, ascending; includes i1 and i2."""
    score: float

    def price_at(self, index: float) -> float:
        """The line's price at bar `index` (extrapolates outside ``[i1, i2]``)."""
        return self.intercept + self.slope * index


def touch_tolerances(
    high: ArrayLike, low: ArrayLike, close: ArrayLike, params: DetectorParams = DetectorParams()
) -> FloatArray:
    """Per-bar touch tolerance in price units: ``params.touch_tolerance * ATR``."""
    h, lo, c = series_arrays(high, low, close)
    return params.touch_tolerance * average_true_range(h, lo, c, params.atr_period)


def detect_trendlines(
    high: ArrayLike, low: ArrayLike, close: ArrayLike, params: DetectorParams = DetectorParams()
) -> list[Trendline]:
    """Support and resistance lines of the series, best score first (see module doc).

    Inputs are equal-length 1-D finite price arrays; raises ValueError otherwise.
    Every returned line has ``>= params.min_touches`` touches, each within tolerance, and no
    violating close between its anchors. Scaling all prices by ``c > 0`` gives the same
    lines (indices, touches, scores) with slopes and prices scaled by ``c``.
    """
    h, lo, c = series_arrays(high, low, close)
    atr = average_true_range(h, lo, c, params.atr_period)
    tol = params.touch_tolerance * atr
    lines = _side("support", lo, c, atr, tol, params)
    lines += _side("resistance", -h, -c, atr, tol, params)
    lines.sort(key=lambda line: (-line.score, line.kind, line.i1, line.i2))
    return lines


def series_arrays(high: ArrayLike, low: ArrayLike, close: ArrayLike) -> tuple[FloatArray, ...]:
    """(high, low, close) as equal-length 1-D float64 arrays; ValueError otherwise."""
    arrays = tuple(np.asarray(x, dtype=np.float64) for x in (high, low, close))
    if any(a.ndim != 1 for a in arrays) or len({len(a) for a in arrays}) != 1:
        raise ValueError("high, low and close must be 1-D arrays of equal length")
    if not all(np.isfinite(a).all() for a in arrays):
        raise ValueError("prices must be finite")
    return arrays


@dataclass(frozen=True)
class _Candidates:
    """Violation-free pivot pairs with enough touches, in the support frame."""

    a: IntArray
    b: IntArray
    pa: FloatArray
    pb: FloatArray
    slope: FloatArray
    touches: IntArray


_BLOCK = 1 << 20
"""Elements per temporary 2-D array (8 MB of float64); bounds memory use."""
_CHUNK = 16
"""Bars per violation sample (see `_sample_bars`); 8 is ~25% slower, no better."""
_ANCHORS = 32
"""Anchors per block: small blocks waste little on pairs that run backwards."""


def _candidates(
    y: FloatArray, close: FloatArray, tol: FloatArray, piv: IntArray, params: DetectorParams
) -> _Candidates:
    """Pairs (a, b) of support pivots, ``b - a >= min_span``, with at least ``min_touches``
    touches and no close below line - tol at the sampled bars of ``(a, b]`` (see
    `_sample_bars`). A superset of the valid lines, up to rounding; `_checked_line`
    decides exactly for the lines that get selected."""
    ceiling = close + tol  # no line may pass above this within its span
    bars = _sample_bars(ceiling)
    p = len(piv)
    found: list[tuple[IntArray, IntArray, FloatArray, IntArray]] = []
    k = 0
    while k < p - 1:
        width = len(bars) - int(np.searchsorted(bars, piv[k], side="right"))
        size = max(1, min(p - 1 - k, _ANCHORS, _BLOCK // max(width, 1)))
        found.append(_block_candidates(k, size, y[piv], tol[piv], piv, bars, ceiling, params))
        k += size
    if not found:
        none = np.empty(0, dtype=np.intp)
        return _Candidates(none, none, y[none], y[none], y[none], none)
    ka, kb, slope, touches = (np.concatenate(col) for col in zip(*found, strict=True))
    good = touches >= params.min_touches
    ka, kb = ka[good], kb[good]
    return _Candidates(piv[ka], piv[kb], y[piv[ka]], y[piv[kb]], slope[good], touches[good])


def _sample_bars(ceiling: FloatArray) -> IntArray:
    """The lowest-ceiling bar of every `_CHUNK` consecutive bars, ascending.

    A line through two pivots almost always first crosses the closes at one of these, so
    testing only them rejects nearly every violating pair at 1 / _CHUNK of the cost."""
    n = len(ceiling)
    padded = np.full(-(-n // _CHUNK) * _CHUNK, np.inf)
    padded[:n] = ceiling
    lowest = padded.reshape(-1, _CHUNK).argmin(axis=1)
    return (np.arange(len(lowest)) * _CHUNK + lowest).astype(np.intp)


def _block_candidates(
    k: int,
    size: int,
    py: FloatArray,
    ptol: FloatArray,
    piv: IntArray,
    sampled: IntArray,
    ceiling: FloatArray,
    params: DetectorParams,
) -> tuple[IntArray, IntArray, FloatArray, IntArray]:
    """Candidates anchored at pivot positions ``k .. k + size - 1``: (ka, kb, slope, touches).

    ``g[j, i] = (ceiling[j] - y[a_i]) / (j - a_i)`` for sampled bars ``j > a_i`` (else inf);
    its running minimum down the bars is the steepest slope a line from ``a_i`` may have up
    to bar ``j``, so pair ``(a_i, b)`` passes iff its slope is at most that at ``b``.
    Pivot ``m`` touches a line of slope ``s`` from ``a_i`` iff ``lo <= s <= hi`` with
    ``lo, hi = (y[m] -+ tol[m] - y[a_i]) / (m - a_i)``; since a passing slope never exceeds
    the running minimum at ``m``, only pivots with ``lo`` below it are tested.
    """
    ka = np.arange(k, k + size)
    xa, ya = piv[ka], py[ka]
    bars = sampled[int(np.searchsorted(sampled, xa[0], side="right")) :]
    steps = bars[:, None] - xa
    g = np.full((len(bars) + 1, size), np.inf)  # row 0: no sampled bar yet
    np.divide(ceiling[bars][:, None] - ya, steps, out=g[1:], where=steps > 0)
    np.minimum.accumulate(g, axis=0, out=g)
    kb = np.arange(k + 1, len(piv))
    dx = piv[kb][:, None] - xa  # later pivots x anchors
    span = np.maximum(dx, 1)
    limit = g[np.searchsorted(bars, piv[kb], side="right")]
    slope = (py[kb][:, None] - ya) / span
    ok = ((dx >= params.min_span) & (slope <= limit)).T  # anchors x later pivots
    lo = ((py[kb] - ptol[kb])[:, None] - ya) / span
    hi = ((py[kb] + ptol[kb])[:, None] - ya) / span
    flattest = np.where(ok.T, slope, np.inf).min(axis=0)
    maybe = ((dx > 0) & (lo <= limit) & (hi >= flattest)).T
    rows, cols = np.nonzero(ok)
    s = slope[cols, rows]
    # Expand each pair (row, col) over the `maybe` pivots of its row at columns <= col.
    m_rows, m_cols = np.nonzero(maybe)
    row_start = np.searchsorted(m_rows, rows)
    n = np.cumsum(maybe, axis=1)[rows, cols]
    owner = np.repeat(np.arange(len(rows)), n)
    entry = np.repeat(row_start, n) + np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    em, ec = m_rows[entry], m_cols[entry]
    hit = (lo[ec, em] <= s[owner]) & (s[owner] <= hi[ec, em])
    touches = 1 + np.bincount(owner[hit], minlength=len(rows))
    return ka[rows], kb[cols], s, touches


def _scores(cand: _Candidates, atr: FloatArray, n: int, params: DetectorParams) -> FloatArray:
    ref = atr[cand.b]
    steep = np.divide(np.abs(cand.slope), ref, out=np.zeros_like(ref), where=ref > 0)
    return (
        params.weight_touches * cand.touches
        + params.weight_span * (cand.b - cand.a) / n
        + params.weight_recency * cand.b / max(n - 1, 1)
        - params.weight_slope * steep
    )


def _side(
    kind: Kind,
    y: FloatArray,
    close: FloatArray,
    atr: FloatArray,
    tol: FloatArray,
    params: DetectorParams,
) -> list[Trendline]:
    """Lines of one side, computed in the support frame (resistance: negated prices)."""
    piv = swing_lows(y, params.pivot_window)
    cand = _candidates(y, close, tol, piv, params)
    score = _scores(cand, atr, len(y), params)
    order = np.lexsort((cand.b, cand.a, -score))
    alive = np.ones(len(order), dtype=bool)
    sign = 1.0 if kind == "support" else -1.0
    lines: list[Trendline] = []
    for pos in range(len(order)):
        if len(lines) == params.max_lines_per_side:
            break
        if not alive[pos]:
            continue
        i = order[pos]
        line = _checked_line(int(cand.a[i]), int(cand.b[i]), y, close, tol, piv, params)
        if line is None:
            continue
        slope, intercept, touches = line
        lines.append(
            Trendline(
                kind=kind,
                i1=int(cand.a[i]),
                i2=int(cand.b[i]),
                p1=sign * float(cand.pa[i]),
                p2=sign * float(cand.pb[i]),
                slope=sign * slope,
                intercept=sign * intercept,
                touches=touches,
                score=float(score[i]),
            )
        )
        alive[pos:] &= ~_duplicates(cand, order[pos:], lines[-1], y, tol)
    return lines


def _checked_line(
    i1: int,
    i2: int,
    y: FloatArray,
    close: FloatArray,
    tol: FloatArray,
    piv: IntArray,
    params: DetectorParams,
) -> tuple[float, float, tuple[int, ...]] | None:
    """(slope, intercept, touches) of the line through pivots i1, i2 if it meets the
    touch and violation contracts exactly with ``intercept + slope * t``; else None."""
    slope = float((y[i2] - y[i1]) / (i2 - i1))
    intercept = float(y[i1] - slope * i1)
    span = np.arange(i1, i2 + 1)
    if np.any(close[span] < (intercept + slope * span) - tol[span]):
        return None
    kx = piv[(piv >= i1) & (piv <= i2)]
    touching = kx[np.abs(y[kx] - (intercept + slope * kx)) <= tol[kx]]
    if len(touching) < params.min_touches:
        return None
    return slope, intercept, tuple(int(t) for t in touching)


def _duplicates(
    cand: _Candidates, idx: IntArray, kept: Trendline, y: FloatArray, tol: FloatArray
) -> NDArray[np.bool_]:
    """Which candidates `idx` nearly coincide with `kept` (all in the support frame `y`):
    both anchors of one lie within tolerance of the other line, or the candidate's line
    passes within tolerance of two or more of `kept`'s touches inside its span."""
    a, b, pa, pb, s = cand.a[idx], cand.b[idx], cand.pa[idx], cand.pb[idx], cand.slope[idx]
    i1, i2 = kept.i1, kept.i2
    p1, p2 = float(y[i1]), float(y[i2])
    slope = (p2 - p1) / (i2 - i1)
    theirs_near_kept = (np.abs(p1 + slope * (a - i1) - pa) <= tol[a]) & (
        np.abs(p1 + slope * (b - i1) - pb) <= tol[b]
    )
    kept_near_theirs = (np.abs(pa + s * (i1 - a) - p1) <= tol[i1]) & (
        np.abs(pa + s * (i2 - a) - p2) <= tol[i2]
    )
    t = np.array(kept.touches)
    inside = (a[:, None] <= t) & (t <= b[:, None])
    shared = inside & (np.abs(pa[:, None] + s[:, None] * (t - a[:, None]) - y[t]) <= tol[t])
    return theirs_near_kept | kept_near_theirs | (shared.sum(axis=1) >= 2)
