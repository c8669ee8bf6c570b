"""OHLCV bars: timeframes, one bar's validation, and gaps in a series (pure: no I/O).

CSV files of bars are read by `trendedge.domain.bar_csv`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Literal

# Column limits of the `bars` table: Numeric(28, 12) prices, Numeric(24, 4) volume.
MAX_PRICE = Decimal(10) ** 16
MAX_VOLUME = Decimal(10) ** 20


class Timeframe(StrEnum):
    """A bar length; the value is the stored code (`1m` … `1D`)."""

    M1 = "1m"
    M5 = "5m"
    M15 = "15m"
    M30 = "30m"
    H1 = "1h"
    H4 = "4h"
    D1 = "1D"

    @property
    def duration(self) -> timedelta:
        """How long one bar lasts."""
        return _DURATIONS[self]

    @property
    def intraday(self) -> bool:
        """True for every timeframe shorter than a day."""
        return self is not Timeframe.D1

    @classmethod
    def parse(cls, value: Timeframe | str) -> Timeframe:
        """`value` as a Timeframe; accepts the codes plus `1d`/`D` for daily and
        `60m`/`240m` for hours. `ValueError` names the valid codes."""
        if isinstance(value, Timeframe):
            return value
        text = str(value).strip()
        alias = _ALIASES.get(text) or _ALIASES.get(text.lower())
        if alias is not None:
            return alias
        try:
            return cls(text)
        except ValueError:
            codes = ", ".join(tf.value for tf in cls)
            raise ValueError(f"unknown timeframe {value!r}; use one of {codes}") from None


_DURATIONS = {
    Timeframe.M1: timedelta(minutes=1),
    Timeframe.M5: timedelta(minutes=5),
    Timeframe.M15: timedelta(minutes=15),
    Timeframe.M30: timedelta(minutes=30),
    Timeframe.H1: timedelta(hours=1),
    Timeframe.H4: timedelta(hours=4),
    Timeframe.D1: timedelta(days=1),
}
_ALIASES = {
    "1d": Timeframe.D1,
    "d": Timeframe.D1,
    "60m": Timeframe.H1,
    "240m": Timeframe.H4,
}


@dataclass(frozen=True, slots=True)
class BarRow:
    """One bar; `ts` is its (timezone-aware, UTC) open time."""

    ts: datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal = Decimal(0)


Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class BarIssue:
    """A problem on one line: `error` lines were dropped, `warning` lines were
    kept but moved, or superseded by a later line. Line 1 is the header."""

    line: int
    field: str
    message: str
    severity: Severity = "error"


@dataclass(frozen=True, slots=True)
class GapReport:
    """Missing bars inside the series (information, never an error).

    `count` holes with `missing_bars` bars in all; `largest` is the longest
    hole (time between the bar before it and the bar after it) and
    `largest_after` the bar it follows. Weekends are never gaps; intraday holes
    of an hour or more (and of two bars or more for 1h/4h) are session breaks
    (overnight, daily maintenance), not gaps. Without an exchange calendar a
    weekday holiday in daily data counts as a gap.
    """

    count: int = 0
    missing_bars: int = 0
    largest: timedelta | None = None
    largest_after: datetime | None = None


Format = Literal["tradingview", "plain", "unknown"]


# --------------------------------------------------------------------------- validation


def validate_bar(bar: BarRow, *, line: int = 0) -> list[BarIssue]:
    """The errors of one bar (empty when it is valid): times must be UTC-aware,
    prices positive and finite with low <= open, close <= high, volume >= 0."""
    issues: list[BarIssue] = []
    if bar.ts.tzinfo is None or bar.ts.utcoffset() is None:
        issues.append(BarIssue(line, "time", "time has no timezone"))
    prices = {"open": bar.open, "high": bar.high, "low": bar.low, "close": bar.close}
    for name, value in prices.items():
        problem = _price_problem(value)
        if problem:
            issues.append(BarIssue(line, name, problem))
    volume_problem = _volume_problem(bar.volume)
    if volume_problem:
        issues.append(BarIssue(line, "volume", volume_problem))
    if issues:
        return issues
    if bar.high < max(bar.open, bar.close):
        issues.append(
            BarIssue(
                line,
                "high",
                f"high {bar.high} is below max(open, close) {max(bar.open, bar.close)}",
            )
        )
    if bar.low > min(bar.open, bar.close):
        issues.append(
            BarIssue(
                line, "low", f"low {bar.low} is above min(open, close) {min(bar.open, bar.close)}"
            )
        )
    return issues


def _price_problem(value: Decimal) -> str | None:
    if not value.is_finite():
        return f"price {value} is not a number"
    if value <= 0:
        return f"price {value} is not positive"
    if value >= MAX_PRICE:
        return f"price {value} is too large"
    return None


def _volume_problem(value: Decimal) -> str | None:
    if not value.is_finite():
        return f"volume {value} is not a number"
    if value < 0:
        return f"volume {value} is negative"
    if value >= MAX_VOLUME:
        return f"volume {value} is too large"
    return None


# --------------------------------------------------------------------------- parsing


def _weekdays_between(first: date, last: date) -> int:
    """Mondays-to-Fridays strictly between two dates."""
    count = 0
    day = first + timedelta(days=1)
    while day < last:
        if day.weekday() < 5:
            count += 1
        day += timedelta(days=1)
    return count


def _touches_saturday(start: datetime, end: datetime) -> bool:
    """Whether the open interval (start, end) contains any part of a Saturday (UTC)."""
    if end - start >= timedelta(days=7):
        return True
    day = start.date()
    while day <= end.date():
        if day.weekday() == 5:
            day_start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            if day_start < end and day_start + timedelta(days=1) > start:
                return True
        day += timedelta(days=1)
    return False


def find_gaps(rows: Iterable[BarRow], timeframe: Timeframe | str) -> GapReport:
    """Holes of missing bars in time-sorted `rows` (see `GapReport` for what counts)."""
    tf = Timeframe.parse(timeframe)
    step = tf.duration
    session_break = max(timedelta(hours=1), 2 * step)
    count = missing_total = 0
    largest: timedelta | None = None
    largest_after: datetime | None = None
    previous: datetime | None = None
    for row in rows:
        ts = row.ts
        if previous is not None:
            hole = ts - previous
            if tf.intraday:
                missing_time = hole - step
                missing = int(missing_time / step) if missing_time > timedelta(0) else 0
                if missing and (
                    missing_time >= session_break or _touches_saturday(previous + step, ts)
                ):
                    missing = 0
            else:
                missing = _weekdays_between(previous.date(), ts.date())
            if missing:
                count += 1
                missing_total += missing
                if largest is None or hole > largest:
                    largest, largest_after = hole, previous
        previous = ts
    return GapReport(count, missing_total, largest, largest_after)
