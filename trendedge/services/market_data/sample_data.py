"""Real historical bars bundled for demos, first runs and tests (no network).

The data ships inside the `arch` package (Kevin Sheppard's ARCH models library,
https://github.com/bashtage/arch, University of Illinois/NCSA Open Source
License, a permissive BSD-style licence), a TrendEdge dependency:

* ``arch/data/sp500/sp500.csv.gz`` - S&P 500 index (``SPX``), daily
  4 Jan 1999 - 31 Dec 2018, 5,031 bars, from Yahoo! Finance;
* ``arch/data/nasdaq/nasdaq.csv.gz`` - NASDAQ Composite index (``COMP``), daily,
  same span and source.

Columns are ``Date,Open,High,Low,Close,Adj Close,Volume`` with US ``M/D/YYYY``
dates; a daily bar's ``ts`` is midnight UTC of its date. The files are read
straight from the installed package, without importing `arch` (which would
import SciPy and statsmodels).

`backtesting` (which ships GOOG daily and EURUSD hourly) was not used: it is
AGPL-3.0.
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import io
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import NamedTuple

from trendedge.domain.bars import BarRow, Timeframe, validate_bar
from trendedge.services.market_data import since_filter

SOURCE = "arch (NCSA licence): Yahoo! Finance index history 1999-2018"

# instrument -> file inside the `arch` package
_FILES = {
    "SPX": "data/sp500/sp500.csv.gz",
    "COMP": "data/nasdaq/nasdaq.csv.gz",
}
DESCRIPTIONS = {
    "SPX": "S&P 500 index, daily 1999-2018",
    "COMP": "NASDAQ Composite index, daily 1999-2018",
}


class SampleSeries(NamedTuple):
    instrument: str
    timeframe: Timeframe
    rows: list[BarRow]


class SampleDataError(RuntimeError):
    """The bundled sample is missing or damaged (the `arch` package is not installed)."""


def _package_dir() -> Path:
    spec = importlib.util.find_spec("arch")
    if spec is None or not spec.submodule_search_locations:
        raise SampleDataError("the sample data needs the `arch` package: pip install arch")
    return Path(next(iter(spec.submodule_search_locations)))


def _us_date(text: str) -> datetime:
    month, day, year = (int(part) for part in text.strip().split("/"))
    return datetime(year, month, day, tzinfo=UTC)


def read_sample_csv(raw: bytes) -> list[BarRow]:
    """Bars from one gzip'd sample file; any bad line is a `SampleDataError`."""
    text = gzip.decompress(raw).decode("utf-8")
    rows: list[BarRow] = []
    for line_no, record in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        try:
            row = BarRow(
                ts=_us_date(record["Date"]),
                open=Decimal(record["Open"]),
                high=Decimal(record["High"]),
                low=Decimal(record["Low"]),
                close=Decimal(record["Close"]),
                volume=Decimal(record["Volume"]),
            )
        except (KeyError, ValueError, ArithmeticError) as exc:
            raise SampleDataError(f"sample line {line_no} is unreadable: {exc}") from exc
        problems = validate_bar(row, line=line_no)
        if problems:
            raise SampleDataError(f"sample line {line_no}: {problems[0].message}")
        rows.append(row)
    rows.sort(key=lambda row: row.ts)
    return rows


@cache
def _series(instrument: str) -> tuple[BarRow, ...]:
    path = _package_dir() / _FILES[instrument]
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SampleDataError(f"the sample file {path} cannot be read: {exc}") from exc
    return tuple(read_sample_csv(raw))


def sample_instruments() -> list[str]:
    """The instruments of the bundled sample."""
    return list(_FILES)


def sample_series() -> list[SampleSeries]:
    """Every bundled series as (instrument, timeframe, rows), rows oldest first."""
    return [SampleSeries(name, Timeframe.D1, list(_series(name))) for name in _FILES]


class SampleDataProvider:
    """The bundled sample as a `BarProvider` (daily bars of SPX and COMP only)."""

    name = "sample"

    async def fetch(
        self, instrument: str, timeframe: Timeframe | str, *, since: datetime | None = None
    ) -> list[BarRow]:
        from trendedge.services.market_data import ProviderError

        tf = Timeframe.parse(timeframe)
        name = instrument.strip().upper()
        if name not in _FILES or tf is not Timeframe.D1:
            available = ", ".join(f"{n} 1D" for n in _FILES)
            raise ProviderError(
                f"The sample has no {name} {tf.value} bars (it has {available})",
                provider=self.name,
            )
        return since_filter(list(_series(name)), since)
