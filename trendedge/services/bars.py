"""Stored OHLCV bars: bulk upsert, range loads as numpy arrays, coverage.

Bars are shared market data, not tenant data (no `user_id`; see
`trendedge.models.market_data`), so these functions take no user id. This is the
only module that reads or writes the `bars` table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Float, cast, delete, func, text
from sqlalchemy import select as select_columns
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.domain.bars import BarRow, Timeframe, validate_bar
from trendedge.models import Bar
from trendedge.services.errors import InvalidInputError

# Rows per statement: each statement sends six arrays, so the size is bounded
# by memory only; 10,000 keeps one statement well under a second.
BATCH_SIZE = 10_000
MAX_INSTRUMENT_LENGTH = 32

# One statement per batch: the rows travel as six typed arrays (asyncpg binary
# encoding), are expanded by unnest() and merged on the unique key. Rows whose
# values did not change are not rewritten (no dead tuples, not counted).
_UPSERT = text(
    """
    INSERT INTO bars (instrument, timeframe, ts, open, high, low, close, volume)
    SELECT :instrument, :timeframe, b.ts, b.open, b.high, b.low, b.close, b.volume
    FROM unnest(
        CAST(:ts AS timestamptz[]),
        CAST(:open AS numeric[]),
        CAST(:high AS numeric[]),
        CAST(:low AS numeric[]),
        CAST(:close AS numeric[]),
        CAST(:volume AS numeric[])
    ) AS b(ts, open, high, low, close, volume)
    ON CONFLICT ON CONSTRAINT uq_bars_instrument_timeframe_ts DO UPDATE SET
        open = EXCLUDED.open,
        high = EXCLUDED.high,
        low = EXCLUDED.low,
        close = EXCLUDED.close,
        volume = EXCLUDED.volume
    WHERE (bars.open, bars.high, bars.low, bars.close, bars.volume)
        IS DISTINCT FROM (EXCLUDED.open, EXCLUDED.high, EXCLUDED.low, EXCLUDED.close,
                          EXCLUDED.volume)
    """
)


_COLUMNS = ("ts", "open", "high", "low", "close", "volume")


@dataclass(frozen=True, slots=True)
class BarArrays:
    """Bars as parallel numpy arrays, oldest first.

    `ts` is `datetime64[us]` in UTC (numpy datetimes carry no zone); prices and
    volume are float64 (the database keeps the exact decimals).
    """

    ts: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray

    def __len__(self) -> int:
        return int(self.ts.shape[0])


@dataclass(frozen=True, slots=True)
class BarCoverage:
    """What is stored for one (instrument, timeframe)."""

    instrument: str
    timeframe: Timeframe
    count: int
    first_ts: datetime
    last_ts: datetime


def normalise_instrument(instrument: str) -> str:
    """Instruments are stored stripped and upper-case (`es` and `ES` are one)."""
    value = instrument.strip().upper() if isinstance(instrument, str) else ""
    if not value or len(value) > MAX_INSTRUMENT_LENGTH:
        raise InvalidInputError(
            "The instrument is invalid",
            details={"instrument": f"1 to {MAX_INSTRUMENT_LENGTH} characters"},
        )
    return value


def _timeframe(timeframe: Timeframe | str) -> Timeframe:
    try:
        return Timeframe.parse(timeframe)
    except ValueError as exc:
        raise InvalidInputError(str(exc), details={"timeframe": str(exc)}) from exc


def _checked_rows(rows: Iterable[BarRow]) -> list[BarRow]:
    """Valid rows with unique times (the last of equal times wins), oldest first."""
    by_ts: dict[datetime, BarRow] = {}
    for index, row in enumerate(rows):
        problems = validate_bar(row)
        if problems:
            first = problems[0]
            raise InvalidInputError(
                f"Bar {index + 1} ({row.ts.isoformat()}) is invalid: {first.message}",
                details={first.field: first.message},
            )
        by_ts[row.ts] = row
    return [by_ts[ts] for ts in sorted(by_ts)]


async def upsert_bars(
    *,
    session: AsyncSession,
    instrument: str,
    timeframe: Timeframe | str,
    rows: Iterable[BarRow],
) -> int:
    """Insert `rows`, or update the stored bar with the same time; returns how
    many rows were inserted or changed (storing the same bars again returns 0).

    Every row is validated first (`InvalidInputError`, nothing written).
    """
    name = normalise_instrument(instrument)
    tf = _timeframe(timeframe)
    checked = _checked_rows(rows)
    written = 0
    for start in range(0, len(checked), BATCH_SIZE):
        batch = checked[start : start + BATCH_SIZE]
        result: Any = await session.exec(
            _UPSERT,  # type: ignore[call-overload]
            params={
                "instrument": name,
                "timeframe": tf.value,
                "ts": [row.ts for row in batch],
                "open": [row.open for row in batch],
                "high": [row.high for row in batch],
                "low": [row.low for row in batch],
                "close": [row.close for row in batch],
                "volume": [row.volume for row in batch],
            },
        )
        written += int(result.rowcount)
    return written


def _series(instrument: str, timeframe: Timeframe) -> Any:
    return (col(Bar.instrument) == instrument) & (col(Bar.timeframe) == timeframe.value)


def _require_aware(**values: datetime | None) -> None:
    for key, value in values.items():
        if value is not None and value.utcoffset() is None:
            raise InvalidInputError(f"{key} needs a timezone", details={key: "no timezone"})


async def load_bars(
    *,
    session: AsyncSession,
    instrument: str,
    timeframe: Timeframe | str,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int | None = None,
) -> BarArrays:
    """Bars with `start <= ts < end`, oldest first; with `limit`, the newest
    `limit` of them (still oldest first). Unknown instruments give empty arrays."""
    name = normalise_instrument(instrument)
    tf = _timeframe(timeframe)
    _require_aware(start=start, end=end)
    if limit is not None and limit < 0:
        raise InvalidInputError("limit must be >= 0", details={"limit": "must be >= 0"})
    # One row of six float8 arrays: asyncpg decodes them in C, so 5,000 bars load in a
    # few milliseconds instead of building 5,000 Python rows. Epoch microseconds fit a
    # float64 exactly (< 2**53) until the year 2255.
    window: Any = select_columns(
        col(Bar.ts).label("ts"),
        func.round(cast(func.extract("epoch", col(Bar.ts)) * 1_000_000, Float)).label("us"),
        *(cast(col(getattr(Bar, name)), Float).label(name) for name in _COLUMNS[1:]),
    ).where(_series(name, tf))
    if start is not None:
        window = window.where(col(Bar.ts) >= start)
    if end is not None:
        window = window.where(col(Bar.ts) < end)
    if limit is not None:
        window = window.order_by(col(Bar.ts).desc()).limit(limit)
    sub = window.subquery()
    query: Any = select_columns(
        *(func.array_agg(aggregate_order_by(sub.c[c], sub.c.ts)) for c in ("us", *_COLUMNS[1:]))
    )
    arrays = (await session.exec(query)).one()
    if arrays[0] is None:
        empty = np.empty(0, dtype=np.float64)
        return BarArrays(np.empty(0, dtype="datetime64[us]"), empty, empty, empty, empty, empty)
    us, o, h, low, c, v = (np.asarray(a, dtype=np.float64) for a in arrays)
    return BarArrays(
        ts=us.astype(np.int64).view("datetime64[us]"), open=o, high=h, low=low, close=c, volume=v
    )


def _to_row(bar: Bar) -> BarRow:
    return BarRow(bar.ts, bar.open, bar.high, bar.low, bar.close, bar.volume)


async def latest_bar(
    *, session: AsyncSession, instrument: str, timeframe: Timeframe | str
) -> BarRow | None:
    """The newest stored bar, or None when there is none."""
    name = normalise_instrument(instrument)
    tf = _timeframe(timeframe)
    query = select(Bar).where(_series(name, tf)).order_by(col(Bar.ts).desc()).limit(1)
    bar = (await session.exec(query)).first()
    return None if bar is None else _to_row(bar)


async def instruments_with_bars(
    *, session: AsyncSession, timeframe: Timeframe | str | None = None
) -> list[BarCoverage]:
    """Every stored (instrument, timeframe) with its bar count and time span."""
    query: Any = select_columns(
        col(Bar.instrument),
        col(Bar.timeframe),
        func.count(),
        func.min(col(Bar.ts)),
        func.max(col(Bar.ts)),
    ).group_by(col(Bar.instrument), col(Bar.timeframe))
    if timeframe is not None:
        query = query.where(col(Bar.timeframe) == _timeframe(timeframe).value)
    rows = (await session.exec(query)).all()
    coverage = [
        BarCoverage(instrument, Timeframe(tf), int(count), first, last)
        for instrument, tf, count, first, last in rows
    ]
    order = list(Timeframe)
    return sorted(coverage, key=lambda c: (c.instrument, order.index(c.timeframe)))


async def delete_bars(
    *,
    session: AsyncSession,
    instrument: str,
    timeframe: Timeframe | str | None = None,
) -> int:
    """Delete the stored bars of `instrument` (of one timeframe, or all); returns the count."""
    name = normalise_instrument(instrument)
    statement = delete(Bar).where(col(Bar.instrument) == name)
    if timeframe is not None:
        statement = statement.where(col(Bar.timeframe) == _timeframe(timeframe).value)
    result: Any = await session.exec(statement)  # type: ignore[call-overload]
    return int(result.rowcount)
