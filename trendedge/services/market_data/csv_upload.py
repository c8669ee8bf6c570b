"""An uploaded CSV (TradingView chart export or plain OHLCV) as a bar provider."""

from __future__ import annotations

from datetime import datetime

from trendedge.domain.bar_csv import ParsedBars, parse_bars_csv
from trendedge.domain.bars import BarRow, Timeframe
from trendedge.services.market_data import since_filter


class CsvUploadProvider:
    """Serves the bars of one uploaded file; `parsed` keeps every issue found
    (rejected lines, duplicates, sorting, gaps) for the upload screen."""

    name = "csv"

    def __init__(self, text: str) -> None:
        self._text = text
        self.parsed: ParsedBars | None = None

    def parse(self, timeframe: Timeframe | str) -> ParsedBars:
        """Parse the file for `timeframe` (gaps depend on it)."""
        self.parsed = parse_bars_csv(self._text, timeframe=timeframe)
        return self.parsed

    async def fetch(
        self, instrument: str, timeframe: Timeframe, *, since: datetime | None = None
    ) -> list[BarRow]:
        """The valid rows of the file (the instrument is the caller's label for it)."""
        return since_filter(self.parse(timeframe).rows, since)
