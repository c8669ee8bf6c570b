"""Seeded synthetic OHLC series with planted trendlines, and scoring detectors against them.

`planted_series(seed)` builds consecutive *channel segments*. Each segment has a support
line and a resistance line (slopes drawn from `SLOPES`, in price units per bar, with a
typical bar range of about 1 before `price_scale`). The close zig-zags between the two
lines, touching them alternately at planted bars; Gaussian noise is added between touches
(fading to zero at a touch). Inside a segment:

* at a support touch the bar's low is on the line (within ``TOUCH_JITTER``), and every
  other bar's low is at least ``FLOOR`` above it (resistance: mirrored), so each planted
  touch is a swing pivot for any pivot window up to ``GUARD - 1`` bars;
* every close lies at least ``CLOSE_MARGIN`` inside the channel, so no close crosses a
  planted line between its first and last touch.

Each line has 3 to 5 touches. Pure: same seed, same series; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np

from trendedge.domain.pivots import FloatArray

Kind = Literal["support", "resistance"]

SLOPES = (-0.08, -0.04, -0.02, 0.0, 0.02, 0.04, 0.08)
TOUCH_JITTER = 0.02
FLOOR = 0.25
CLOSE_MARGIN = 0.3
GUARD = 8
NOISE = 0.35
WICK = 0.25
ALIEN_MARGIN = 0.6


@dataclass(frozen=True)
class PlantedLine:
    """A planted line: ``price_at(t) = intercept + slope * t``; touches are bar indices."""

    kind: Kind
    slope: float
    intercept: float
    touches: tuple[int, ...]

    def price_at(self, index: float) -> float:
        """The line's price at bar `index`."""
        return self.intercept + self.slope * index


@dataclass(frozen=True)
class PlantedSeries:
    """OHLC arrays (bar 0 first) and the lines planted in them."""

    open: FloatArray
    high: FloatArray
    low: FloatArray
    close: FloatArray
    lines: tuple[PlantedLine, ...]


@dataclass(frozen=True)
class _Segment:
    start: int
    support: PlantedLine
    resistance: PlantedLine
    end: int


def planted_series(seed: int, segments: int = 3, price_scale: float = 1.0) -> PlantedSeries:
    """A series of `segments` channels (about 200-280 bars each) with their lines planted.

    All prices are multiplied by `price_scale` (> 0), and so are the lines.
    """
    if segments < 1 or not price_scale > 0:
        raise ValueError("segments must be >= 1 and price_scale > 0")
    rng = np.random.default_rng(seed)
    while True:  # redraw (same rng, so still deterministic) until the lines are unambiguous
        series = _draw(rng, segments)
        if not any(_alien_line(series, kind) for kind in ("support", "resistance")):
            break
    return PlantedSeries(
        open=series.open * price_scale,
        high=series.high * price_scale,
        low=series.low * price_scale,
        close=series.close * price_scale,
        lines=tuple(_scaled(line, price_scale) for line in series.lines),
    )


def _draw(rng: np.random.Generator, segments: int) -> PlantedSeries:
    upper_first = bool(rng.integers(2))
    t, value = 30, 100.0
    knots_t, knots_v = [0], [value + (-8.0 if upper_first else 8.0)]
    plan: list[_Segment] = []
    for k in range(segments):
        seg, times, values, last_upper = _segment(rng, t, value, upper_first)
        plan.append(seg)
        knots_t += times
        knots_v += values
        upper_first = not last_upper  # the zig-zag goes on: next touch is the other kind
        if k == segments - 1:
            t = times[-1] + int(rng.integers(30, 45))
            break
        # Between channels a plunge and a spike well beyond both, so no support or
        # resistance line can span two channels without a close crossing it.
        gap = int(rng.integers(45, 60))
        value = values[-1] + float(rng.uniform(-6.0, 6.0))
        low_v, high_v = min(values[-1], value) - 22.0, max(values[-1], value) + 22.0
        knots_t += [times[-1] + gap // 3, times[-1] + 2 * gap // 3]
        knots_v += [low_v, high_v] if last_upper else [high_v, low_v]
        t = times[-1] + gap
    n = t
    knots_t.append(n - 1)
    knots_v.append(knots_v[-1] + (8.0 if upper_first else -8.0))
    anchors = np.array(knots_t[1:-1])
    close = np.interp(np.arange(n), knots_t, knots_v)
    dist = np.abs(np.arange(n)[:, None] - anchors).min(axis=1)
    close += rng.normal(0.0, NOISE, n) * np.minimum(1.0, dist / 4.0)
    opn, high, low = _bars(rng, close, plan)
    lines = tuple(line for seg in plan for line in (seg.support, seg.resistance))
    return PlantedSeries(open=opn, high=high, low=low, close=close, lines=lines)


def _alien_line(series: PlantedSeries, kind: Kind) -> bool:
    """Whether some line through planted `kind` touches of two different planted lines
    passes within ``ALIEN_MARGIN`` of a third planted touch without a close crossing it
    by more than ``ALIEN_MARGIN`` -- a real trendline the plan does not list."""
    own = [line for line in series.lines if line.kind == kind]
    t = np.array([x for line in own for x in line.touches])
    owner = np.array([i for i, line in enumerate(own) for _ in line.touches])
    y = series.low[t] if kind == "support" else -series.high[t]
    close = series.close if kind == "support" else -series.close
    for i, j in zip(*np.nonzero((t[:, None] < t) & (owner[:, None] != owner)), strict=True):
        slope = (y[j] - y[i]) / (t[j] - t[i])
        middle = (t > t[i]) & (t < t[j]) & (np.abs(y - (y[i] + slope * (t - t[i]))) <= ALIEN_MARGIN)
        if not middle.any():
            continue
        bars = np.arange(t[i], t[j] + 1)
        if np.all(close[bars] >= y[i] + slope * (bars - t[i]) - ALIEN_MARGIN):
            return True
    return False


def _segment(
    rng: np.random.Generator, start: int, value: float, upper_first: bool
) -> tuple[_Segment, list[int], list[float], bool]:
    """One channel whose first touch is at bar `start` with close `value` (a resistance
    touch if `upper_first`). Returns it, its close knots and whether the last is upper."""
    s_slope = float(rng.choice(SLOPES))
    r_slope = s_slope + float(rng.choice((-0.01, 0.0, 0.01)))
    width = float(rng.uniform(10.0, 16.0))
    count = int(rng.integers(6, 11))  # touches on both lines together: 3..5 each
    spacing = int(rng.integers(24, 34))
    times = [start + i * spacing + int(rng.integers(-4, 5)) * (i > 0) for i in range(count)]
    s_level = value + 0.5 - width if upper_first else value - 0.5
    sup = PlantedLine("support", s_slope, s_level - s_slope * start, ())
    res = PlantedLine("resistance", r_slope, s_level + width - r_slope * start, ())
    upper = [(i % 2 == 0) == upper_first for i in range(count)]
    values = [
        res.price_at(x) - 0.5 if up else sup.price_at(x) + 0.5
        for x, up in zip(times, upper, strict=True)
    ]
    lows = tuple(x for x, up in zip(times, upper, strict=True) if not up)
    highs = tuple(x for x, up in zip(times, upper, strict=True) if up)
    seg = _Segment(
        start,
        PlantedLine("support", sup.slope, sup.intercept, lows),
        PlantedLine("resistance", res.slope, res.intercept, highs),
        times[-1],
    )
    return seg, times, values, upper[-1]


def _bars(
    rng: np.random.Generator, close: FloatArray, plan: list[_Segment]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Open, high, low around `close`, with the channel rules of the module doc."""
    n = len(close)
    idx = np.arange(n, dtype=np.float64)
    for seg in plan:
        span = slice(seg.start - GUARD, seg.end + GUARD + 1)
        floor = seg.support.intercept + seg.support.slope * idx[span] + CLOSE_MARGIN
        ceil = seg.resistance.intercept + seg.resistance.slope * idx[span] - CLOSE_MARGIN
        close[span] = np.clip(close[span], floor, ceil)
    opn = np.concatenate(([close[0]], close[:-1]))
    high = np.maximum(opn, close) + np.abs(rng.normal(0.0, WICK, n))
    low = np.minimum(opn, close) - np.abs(rng.normal(0.0, WICK, n))
    for seg in plan:
        span = slice(seg.start - GUARD, seg.end + GUARD + 1)
        sup = seg.support.intercept + seg.support.slope * idx[span]
        res = seg.resistance.intercept + seg.resistance.slope * idx[span]
        low[span] = np.minimum(np.maximum(low[span], sup + FLOOR), np.minimum(opn, close)[span])
        high[span] = np.maximum(np.minimum(high[span], res - FLOOR), np.maximum(opn, close)[span])
        for line, prices in ((seg.support, low), (seg.resistance, high)):
            touch = np.array(line.touches)
            prices[touch] = line.intercept + line.slope * touch
            prices[touch] += rng.uniform(-TOUCH_JITTER, TOUCH_JITTER, len(touch))
    low = np.minimum(low, np.minimum(opn, close))
    high = np.maximum(high, np.maximum(opn, close))
    return opn, high, low


def _scaled(line: PlantedLine, k: float) -> PlantedLine:
    return PlantedLine(line.kind, line.slope * k, line.intercept * k, line.touches)


class LineLike(Protocol):
    """Anything with a kind and a price at a bar: detected, planted or third-party lines."""

    @property
    def kind(self) -> str: ...

    def price_at(self, index: float) -> float: ...


@dataclass(frozen=True)
class MatchStats:
    """Planted-vs-detected counts; add them up across series with `+`."""

    planted: int = 0
    detected: int = 0
    planted_found: int = 0
    detected_true: int = 0

    @property
    def recall(self) -> float:
        """Share of planted lines some detected line matches (1.0 when none planted)."""
        return self.planted_found / self.planted if self.planted else 1.0

    @property
    def precision(self) -> float:
        """Share of detected lines that match some planted line (1.0 when none detected)."""
        return self.detected_true / self.detected if self.detected else 1.0

    def __add__(self, other: MatchStats) -> MatchStats:
        return MatchStats(
            self.planted + other.planted,
            self.detected + other.detected,
            self.planted_found + other.planted_found,
            self.detected_true + other.detected_true,
        )


def matches(planted: PlantedLine, line: LineLike, tolerance: FloatArray) -> bool:
    """Same kind, and `line` is within ``tolerance[t]`` of `planted` at the planted line's
    first and last touch ``t``."""
    if line.kind != planted.kind:
        return False
    return all(
        abs(line.price_at(t) - planted.price_at(t)) <= tolerance[t]
        for t in (planted.touches[0], planted.touches[-1])
    )


def match_stats(
    planted: tuple[PlantedLine, ...], detected: list[LineLike], tolerance: FloatArray
) -> MatchStats:
    """Counts for one series: which planted lines were found, which detections are real."""
    hit = np.array([[matches(p, d, tolerance) for d in detected] for p in planted], dtype=bool)
    hit = hit.reshape(len(planted), len(detected))
    return MatchStats(
        planted=len(planted),
        detected=len(detected),
        planted_found=int(hit.any(axis=1).sum()),
        detected_true=int(hit.any(axis=0).sum()),
    )
