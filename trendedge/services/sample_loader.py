"""Getting bars into the database from the Trendlines page: the bundled sample
series, or an uploaded CSV file (all or nothing).

Bars are shared market data (see `trendedge.services.bars`): these functions
take no user id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.domain.bar_csv import parse_bars_csv
from trendedge.domain.bars import BarIssue, Timeframe
from trendedge.services.bars import normalise_instrument, upsert_bars
from trendedge.services.errors import InvalidInputError
from trendedge.services.market_data.sample_data import SampleDataError, sample_series

MAX_CSV_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class LoadedSeries:
    instrument: str
    timeframe: str
    bars: int
    """Bars in the series (stored now, or already stored)."""
    written: int
    """Bars inserted or changed by this load."""


@dataclass(frozen=True, slots=True)
class CsvImport:
    """The outcome of one upload: nothing is written when `errors` is not empty."""

    instrument: str
    timeframe: str
    format: str
    rows: int
    written: int
    errors: list[BarIssue] = field(default_factory=list)
    warnings: list[BarIssue] = field(default_factory=list)

    @property
    def imported(self) -> bool:
        return not self.errors and self.rows > 0


async def load_sample_bars(*, session: AsyncSession) -> list[LoadedSeries]:
    """Store every bundled sample series (idempotent); `InvalidInputError` when
    the sample is not installed."""
    try:
        series = sample_series()
    except SampleDataError as exc:
        raise InvalidInputError(str(exc)) from exc
    loaded = []
    for item in series:
        written = await upsert_bars(
            session=session, instrument=item.instrument, timeframe=item.timeframe, rows=item.rows
        )
        loaded.append(LoadedSeries(item.instrument, item.timeframe.value, len(item.rows), written))
    return loaded


def _decode(raw: bytes) -> str:
    if len(raw) > MAX_CSV_BYTES:
        raise InvalidInputError(
            "The file is too large", details={"file": f"at most {MAX_CSV_BYTES // 2**20} MB"}
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            "The file is not UTF-8 text", details={"file": "save it as UTF-8 CSV"}
        ) from exc


async def import_bars_csv(
    *, session: AsyncSession, instrument: str, timeframe: str, raw: bytes
) -> CsvImport:
    """Parse `raw` (see `parse_bars_csv`) and store its bars only when no line has
    an error; otherwise write nothing and return the errors with line numbers.

    `InvalidInputError` (with field details) for a bad instrument, timeframe or file.
    """
    name = normalise_instrument(instrument)
    try:
        tf = Timeframe.parse(timeframe)
    except ValueError as exc:
        raise InvalidInputError(str(exc), details={"timeframe": str(exc)}) from exc
    parsed = parse_bars_csv(_decode(raw), timeframe=tf)
    errors, warnings = parsed.errors, parsed.warnings
    written = 0
    if not errors and parsed.rows:
        written = await upsert_bars(
            session=session, instrument=name, timeframe=tf, rows=parsed.rows
        )
    return CsvImport(
        name, tf.value, parsed.detected_format, len(parsed.rows), written, errors, warnings
    )
