"""The bundled real sample history (from the `arch` package) loads and is sane."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from trendedge.domain.bars import Timeframe, find_gaps, validate_bar
from trendedge.services.market_data import ProviderError
from trendedge.services.market_data.sample_data import (
    SampleDataProvider,
    sample_instruments,
    sample_series,
)


def test_sample_series_load_sorted_positive_and_sizeable() -> None:
    series = sample_series()
    assert [(s.instrument, s.timeframe) for s in series] == [
        ("SPX", Timeframe.D1),
        ("COMP", Timeframe.D1),
    ]
    for instrument, _, rows in series:
        assert len(rows) > 5000, instrument
        assert rows[0].ts == datetime(1999, 1, 4, tzinfo=UTC)
        assert rows[-1].ts == datetime(2018, 12, 31, tzinfo=UTC)
        times = [row.ts for row in rows]
        assert times == sorted(set(times))
        for row in rows:
            assert min(row.open, row.high, row.low, row.close) > 0
            assert row.volume >= 0
            assert validate_bar(row) == []


def test_sample_prices_are_the_real_history() -> None:
    spx = {row.ts.date().isoformat(): row for row in sample_series()[0].rows}
    # S&P 500 closes known from the record: 2008 low and the 2018 final close.
    assert round(spx["2009-03-09"].close) == 677
    assert round(spx["2018-12-31"].close) == 2507
    # Markets were shut for four days after 11 September 2001: the largest gap.
    gaps = find_gaps(sample_series()[0].rows, "1D")
    assert gaps.largest_after == datetime(2001, 9, 10, tzinfo=UTC)


async def test_sample_provider_serves_daily_and_refuses_the_rest() -> None:
    provider = SampleDataProvider()
    since = datetime(2018, 12, 1, tzinfo=UTC)
    rows = await provider.fetch("spx", Timeframe.D1, since=since)
    assert rows and all(row.ts >= since for row in rows)
    assert sample_instruments() == ["SPX", "COMP"]
    with pytest.raises(ProviderError, match="no SPX 1h bars"):
        await provider.fetch("SPX", Timeframe.H1)
