"""Synthetic 15-minute session bars for the demo data (pure: seeded, no I/O).

Bars cover the regular session of CME equity futures, 09:30-16:00 New York time, on
weekdays (exchange holidays are ignored). The shape comes from
`trendedge.domain.synthetic.planted_series` (channels with planted trendlines, so the
trendline scanner finds lines in the demo watchlist), scaled to the instrument's price
level and rounded to its tick. Micro contracts (MES, MNQ) reuse the series of their
full-size contract, as their prices track it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np

from trendedge.domain.bars import BarRow
from trendedge.domain.synthetic import planted_series

SESSION_TZ = ZoneInfo("America/New_York")
SESSION_OPEN = time(9, 30)
SESSION_CLOSE = time(16, 0)
BAR = timedelta(minutes=15)
TIMEFRAME = "15m"
BARS_PER_SESSION = 26


@dataclass(frozen=True, slots=True)
class DemoInstrument:
    """How a root's demo series is made: `family` names the series it shares."""

    root: str
    family: str
    base_price: float
    scale: float
    tick: float


INSTRUMENTS = {
    "ES": DemoInstrument("ES", "ES", 6000.0, 5.0, 0.25),
    "MES": DemoInstrument("MES", "ES", 6000.0, 5.0, 0.25),
    "NQ": DemoInstrument("NQ", "NQ", 21000.0, 20.0, 0.25),
    "MNQ": DemoInstrument("MNQ", "NQ", 21000.0, 20.0, 0.25),
}


@dataclass(frozen=True, slots=True)
class Bars:
    """OHLCV arrays, oldest first; `ts` is the bar's open time (datetime64[us], UTC)."""

    ts: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray

    def __len__(self) -> int:
        return int(self.ts.shape[0])


def weekdays(end: date, calendar_days: int) -> list[date]:
    """Monday-to-Friday dates of the `calendar_days` days ending with `end`."""
    first = end - timedelta(days=calendar_days - 1)
    days = (first + timedelta(days=n) for n in range(calendar_days))
    return [d for d in days if d.weekday() < 5]


def session_times(days: list[date]) -> np.ndarray:
    """Open times (UTC, datetime64[us]) of every session bar of `days`."""
    out: list[datetime] = []
    for day in days:
        start = datetime.combine(day, SESSION_OPEN, tzinfo=SESSION_TZ)
        end = datetime.combine(day, SESSION_CLOSE, tzinfo=SESSION_TZ)
        while start < end:
            out.append(start.astimezone(UTC).replace(tzinfo=None))
            start += BAR
    return np.array(out, dtype="datetime64[us]")


def _family_seed(seed: int, family: str) -> int:
    return seed * 1000 + sum(ord(c) for c in family)


def synthetic_bars(seed: int, instrument: DemoInstrument, times: np.ndarray) -> Bars:
    """A series at `times` for `instrument` (same seed and family: same prices)."""
    n = len(times)
    segments = 3
    series = planted_series(_family_seed(seed, instrument.family), segments=segments)
    while len(series.close) < n:
        segments += 3
        series = planted_series(_family_seed(seed, instrument.family), segments=segments)

    def price(values: np.ndarray) -> np.ndarray:
        raw = instrument.base_price + (values[:n] - 100.0) * instrument.scale
        return np.round(raw / instrument.tick) * instrument.tick

    rng = np.random.default_rng(_family_seed(seed, instrument.family) + 1)
    # U-shaped volume: busy at the open and the close, quiet at lunch (times come from
    # `session_times`, BARS_PER_SESSION a day).
    position = (np.arange(n) % BARS_PER_SESSION) / (BARS_PER_SESSION - 1)
    shape = 1.0 + 1.5 * np.cos(position * np.pi) ** 2
    volume = np.round(rng.gamma(4.0, 2500.0, n) * shape)
    return Bars(
        ts=times,
        open=price(series.open),
        high=price(series.high),
        low=price(series.low),
        close=price(series.close),
        volume=volume,
    )


def _decimal(value: float, tick: float) -> Decimal:
    places = max(0, -Decimal(str(tick)).as_tuple().exponent)  # type: ignore[operator]
    return Decimal(f"{value:.{places}f}")


def bar_rows(bars: Bars, tick: float) -> list[BarRow]:
    """`bars` as rows for `trendedge.services.bars.upsert_bars`."""
    stamps = bars.ts.astype("datetime64[us]").astype(datetime)
    return [
        BarRow(
            ts=stamp.replace(tzinfo=UTC),
            open=_decimal(o, tick),
            high=_decimal(h, tick),
            low=_decimal(low, tick),
            close=_decimal(c, tick),
            volume=Decimal(int(v)),
        )
        for stamp, o, h, low, c, v in zip(
            stamps, bars.open, bars.high, bars.low, bars.close, bars.volume, strict=True
        )
    ]
