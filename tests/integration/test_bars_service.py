"""Bars on the real embedded PostgreSQL: upsert, range loads, coverage."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.db import session_scope
from trendedge.domain.bar_csv import parse_bars_csv
from trendedge.domain.bars import BarRow, Timeframe
from trendedge.services.bars import (
    delete_bars,
    instruments_with_bars,
    latest_bar,
    load_bars,
    upsert_bars,
)
from trendedge.services.errors import InvalidInputError
from trendedge.services.market_data.sample_data import sample_series

CSV = """time,open,high,low,close,Volume,EMA
1709557200,5130.25,5135.5,5128,5133.75,1520,NaN
1709557500,5133.75,5140,5133.5,5139.25,2210,5134.1
1709557800,5139.25,5141,5136.75,5137.5,1875,5135.0
1709558100,5137.5,5138,5130.25,5131,2402,5134.2
"""
START = datetime(2024, 3, 4, 13, 0, tzinfo=UTC)


@pytest_asyncio.fixture
async def bars_db(db: AsyncSession) -> AsyncIterator[AsyncSession]:
    """`db` with an empty bars table (`clean` only empties tenant tables)."""
    await db.exec(text("TRUNCATE bars RESTART IDENTITY"))  # type: ignore[call-overload]
    yield db


async def stored(instrument: str, timeframe: str) -> list[tuple]:
    async with session_scope() as session:
        rows = await session.exec(
            text(  # type: ignore[call-overload]
                "SELECT ts, open, high, low, close, volume FROM bars "
                "WHERE instrument = :i AND timeframe = :t ORDER BY ts"
            ),
            params={"i": instrument, "t": timeframe},
        )
        return [tuple(r) for r in rows]


async def test_same_file_twice_gives_the_same_rows(bars_db: AsyncSession) -> None:
    parsed = parse_bars_csv(CSV, timeframe="5m")
    assert parsed.issues == []
    assert (
        await upsert_bars(session=bars_db, instrument="es", timeframe="5m", rows=parsed.rows) == 4
    )
    await bars_db.commit()
    first = await stored("ES", "5m")

    again = parse_bars_csv(CSV, timeframe="5m").rows
    assert await upsert_bars(session=bars_db, instrument="ES", timeframe="5m", rows=again) == 0
    await bars_db.commit()
    assert await stored("ES", "5m") == first
    assert len(first) == 4
    ts, o, h, low, c, v = first[0]
    assert ts == START
    assert (o, h, low, c, v) == (
        Decimal("5130.25"),
        Decimal("5135.5"),
        Decimal("5128"),
        Decimal("5133.75"),
        Decimal("1520"),
    )


async def test_conflicting_rows_are_updated_and_new_ones_inserted(bars_db: AsyncSession) -> None:
    rows = parse_bars_csv(CSV, timeframe="5m").rows
    await upsert_bars(session=bars_db, instrument="ES", timeframe="5m", rows=rows)
    last = rows[-1]
    revised = BarRow(last.ts, last.open, last.high, Decimal("5129"), Decimal("5130"), Decimal(3000))
    extra = BarRow(
        last.ts + timedelta(minutes=5),
        Decimal("5130"),
        Decimal("5132"),
        Decimal("5127.5"),
        Decimal("5128"),
        Decimal(900),
    )
    assert (
        await upsert_bars(
            session=bars_db, instrument="ES", timeframe="5m", rows=[rows[0], revised, extra]
        )
        == 2
    )
    await bars_db.commit()
    data = await stored("ES", "5m")
    assert len(data) == 5
    assert data[3][1:] == (last.open, last.high, Decimal("5129"), Decimal("5130"), Decimal(3000))
    # another timeframe or instrument is another series
    await upsert_bars(session=bars_db, instrument="NQ", timeframe="5m", rows=rows[:2])
    await upsert_bars(session=bars_db, instrument="ES", timeframe="1h", rows=rows[:1])
    await bars_db.commit()
    assert len(await stored("ES", "5m")) == 5


async def test_duplicate_times_in_one_call_keep_the_last(bars_db: AsyncSession) -> None:
    row = parse_bars_csv(CSV, timeframe="5m").rows[0]
    later = BarRow(row.ts, row.open, row.high, row.low, row.close, Decimal(1))
    assert (
        await upsert_bars(session=bars_db, instrument="ES", timeframe="5m", rows=[row, later]) == 1
    )
    await bars_db.commit()
    assert (await stored("ES", "5m"))[0][5] == Decimal(1)


async def test_invalid_rows_are_refused_before_anything_is_written(bars_db: AsyncSession) -> None:
    rows = parse_bars_csv(CSV, timeframe="5m").rows
    bad = BarRow(rows[0].ts + timedelta(hours=1), Decimal(0), Decimal(1), Decimal(1), Decimal(1))
    with pytest.raises(InvalidInputError, match="not positive"):
        await upsert_bars(session=bars_db, instrument="ES", timeframe="5m", rows=[*rows, bad])
    with pytest.raises(InvalidInputError, match="unknown timeframe"):
        await upsert_bars(session=bars_db, instrument="ES", timeframe="2h", rows=rows)
    with pytest.raises(InvalidInputError, match="instrument"):
        await upsert_bars(session=bars_db, instrument=" ", timeframe="5m", rows=rows)
    await bars_db.commit()
    assert await stored("ES", "5m") == []


async def test_range_loads_as_numpy_arrays(bars_db: AsyncSession) -> None:
    rows = parse_bars_csv(CSV, timeframe="5m").rows
    await upsert_bars(session=bars_db, instrument="ES", timeframe="5m", rows=rows)

    everything = await load_bars(session=bars_db, instrument="ES", timeframe="5m")
    assert len(everything) == 4
    assert everything.ts.dtype == np.dtype("datetime64[us]")
    assert everything.ts[0] == np.datetime64("2024-03-04T13:00:00")
    assert everything.close.tolist() == [5133.75, 5139.25, 5137.5, 5131.0]
    assert everything.volume.tolist() == [1520, 2210, 1875, 2402]
    assert np.all(np.diff(everything.ts.astype(np.int64)) > 0)

    window = await load_bars(
        session=bars_db,
        instrument="ES",
        timeframe=Timeframe.M5,
        start=START + timedelta(minutes=5),
        end=START + timedelta(minutes=15),
    )
    assert window.ts.tolist() == [
        datetime(2024, 3, 4, 13, 5),
        datetime(2024, 3, 4, 13, 10),
    ]  # start inclusive, end exclusive
    newest = await load_bars(session=bars_db, instrument="ES", timeframe="5m", limit=2)
    assert newest.open.tolist() == [5139.25, 5137.5]
    none = await load_bars(session=bars_db, instrument="CL", timeframe="5m")
    assert len(none) == 0 and none.close.dtype == np.float64
    with pytest.raises(InvalidInputError, match="timezone"):
        await load_bars(
            session=bars_db, instrument="ES", timeframe="5m", start=datetime(2024, 1, 1)
        )


async def test_latest_bar_coverage_and_delete(bars_db: AsyncSession) -> None:
    rows = parse_bars_csv(CSV, timeframe="5m").rows
    assert await latest_bar(session=bars_db, instrument="ES", timeframe="5m") is None
    await upsert_bars(session=bars_db, instrument="ES", timeframe="5m", rows=rows)
    await upsert_bars(session=bars_db, instrument="ES", timeframe="1D", rows=rows[:1])
    await upsert_bars(session=bars_db, instrument="AAPL", timeframe="1h", rows=rows[:2])
    assert await latest_bar(session=bars_db, instrument="ES", timeframe="5m") == rows[-1]

    coverage = await instruments_with_bars(session=bars_db)
    assert [(c.instrument, c.timeframe, c.count) for c in coverage] == [
        ("AAPL", Timeframe.H1, 2),
        ("ES", Timeframe.M5, 4),
        ("ES", Timeframe.D1, 1),
    ]
    assert coverage[1].first_ts == START
    assert coverage[1].last_ts == rows[-1].ts
    only_5m = await instruments_with_bars(session=bars_db, timeframe="5m")
    assert [c.instrument for c in only_5m] == ["ES"]

    assert await delete_bars(session=bars_db, instrument="ES", timeframe="1D") == 1
    assert await delete_bars(session=bars_db, instrument="es") == 4
    assert [c.instrument for c in await instruments_with_bars(session=bars_db)] == ["AAPL"]


async def test_sample_history_upserts_fast_and_round_trips(bars_db: AsyncSession) -> None:
    instrument, timeframe, rows = sample_series()[0]
    assert len(rows) > 5000
    started = time.perf_counter()
    written = await upsert_bars(
        session=bars_db, instrument=instrument, timeframe=timeframe, rows=rows
    )
    elapsed = time.perf_counter() - started
    assert written == len(rows)
    assert elapsed < 1.0, f"upserting {len(rows)} bars took {elapsed:.2f}s"

    started = time.perf_counter()
    again = await upsert_bars(
        session=bars_db, instrument=instrument, timeframe=timeframe, rows=rows
    )
    assert again == 0
    assert time.perf_counter() - started < 1.0

    loaded = await load_bars(session=bars_db, instrument=instrument, timeframe=timeframe)
    assert len(loaded) == len(rows)
    assert loaded.close[-1] == float(rows[-1].close)
    assert loaded.ts[0] == np.datetime64("1999-01-04T00:00:00")
