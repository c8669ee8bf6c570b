"""Contract names as broker platforms print them -> TrendEdge tickers. Pure: no I/O.

Parsers keep the symbol exactly as the file writes it; the importer calls
`ticker_for(symbol)` before `contracts.resolve_symbol`, which understands month-code
tickers (ESM6, ESM26, ESM2026) but not the platform spellings:

* NinjaTrader `ES 06-26` (month number and year) -> `ESM26`;
* `NQ SEP26`, `FESX JUN 26` (month name and year) -> `NQU26`, `FESXM26`;

anything else is returned stripped and upper-cased, unchanged otherwise.
"""

from __future__ import annotations

import re

from trendedge.domain.contracts import MONTH_CODES

_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_NUMBERED = re.compile(r"(?P<root>[A-Z0-9]+)\s+(?P<month>\d{1,2})-(?P<year>\d{2}|\d{4})")
_NAMED = re.compile(r"(?P<root>[A-Z0-9]+)\s+(?P<month>[A-Z]{3})\s*(?P<year>\d{2}|\d{4})")


def ticker_for(symbol: str) -> str:
    """The month-code ticker for a platform contract name (see the module doc)."""
    text = " ".join(symbol.strip().upper().split())
    numbered = _NUMBERED.fullmatch(text)
    if numbered and 1 <= int(numbered["month"]) <= 12:
        month = MONTH_CODES[int(numbered["month"]) - 1]
        return f"{numbered['root']}{month}{numbered['year'][-2:]}"
    named = _NAMED.fullmatch(text)
    if named and named["month"] in _NAMES:
        month = MONTH_CODES[_NAMES.index(named["month"])]
        return f"{named['root']}{month}{named['year'][-2:]}"
    return text
