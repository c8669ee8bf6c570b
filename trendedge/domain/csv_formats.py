"""Which known CSV format a file is in, from its header (pure).

One entry per format module; a broker statement format (a later issue) adds its own
module and one line to `FORMATS`. Detection only reads the header row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from trendedge.domain.csv_cells import read_header
from trendedge.domain.journal_csv import JOURNAL_COLUMNS, is_journal_header
from trendedge.domain.trade_csv import TRADE_COLUMNS, is_trade_header

Kind = Literal["trades", "journal"]

FORMATS: tuple[tuple[Kind, Callable[[Sequence[str]], bool]], ...] = (
    ("trades", is_trade_header),
    ("journal", is_journal_header),
)


def detect_format(text: str) -> Kind | None:
    """The format whose header `text` starts with, or None when none matches."""
    header = read_header(text)
    return next((kind for kind, matches in FORMATS if matches(header)), None)


def describe_formats() -> str:
    """The accepted headers, for an error message."""
    return (
        f"a TrendEdge trades CSV ({', '.join(TRADE_COLUMNS[:4])}, …) or "
        f"journal CSV ({', '.join(JOURNAL_COLUMNS[:3])}, …)"
    )
