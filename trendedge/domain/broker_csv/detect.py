"""Pick a broker format from a file's header row, and parse with it. Pure: no I/O.

`detect_format(text)` returns the first format of `FORMATS` whose required columns are
all in the header (most specific first), or an "unknown format" result telling the
user to use the column mapper. `parse_statement(text, ...)` detects and parses; a
caller that already knows the format (or remembered a mapping) names it instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from trendedge.domain.broker_csv import (
    generic,
    interactive_brokers,
    ninjatrader,
    tradestation,
    tradovate,
)
from trendedge.domain.broker_csv.executions import (
    DateOrder,
    DecimalStyle,
    LineError,
    ParseResult,
)
from trendedge.domain.broker_csv.table import Table, read_table

UNKNOWN = "unknown"


class Parser(Protocol):
    def __call__(
        self,
        text: str | Table,
        *,
        tz: str = ...,
        date_order: DateOrder | None = ...,
        decimal_style: DecimalStyle | None = ...,
    ) -> ParseResult: ...


@dataclass(frozen=True, slots=True)
class BrokerFormat:
    """One supported layout: `times` says which clock the broker writes, `suggested_tz`
    the zone to preselect (None: the user's own zone)."""

    name: str
    label: str
    matches: Callable[[Table], bool]
    parse: Parser
    times: str
    suggested_tz: str | None = None


FORMATS: tuple[BrokerFormat, ...] = (
    BrokerFormat(
        interactive_brokers.FORMAT,
        "Interactive Brokers Flex Query (trades)",
        interactive_brokers.matches,
        interactive_brokers.parse_flex_trades,
        "US Eastern time unless the value carries a zone",
        interactive_brokers.SUGGESTED_TZ,
    ),
    BrokerFormat(
        tradovate.FILLS,
        "Tradovate Fills",
        tradovate.matches_fills,
        tradovate.parse_fills,
        "UTC (_timestamp); Timestamp is in the app's time zone",
    ),
    BrokerFormat(
        tradovate.ORDERS,
        "Tradovate Orders",
        tradovate.matches_orders,
        tradovate.parse_orders,
        "the time zone set in the Tradovate app",
    ),
    BrokerFormat(
        ninjatrader.TRADES,
        "NinjaTrader Trades (Trade Performance)",
        ninjatrader.matches_trades,
        ninjatrader.parse_trades,
        "the time zone of the computer running NinjaTrader",
    ),
    BrokerFormat(
        ninjatrader.EXECUTIONS,
        "NinjaTrader Executions",
        ninjatrader.matches_executions,
        ninjatrader.parse_executions,
        "the time zone of the computer running NinjaTrader",
    ),
    BrokerFormat(
        tradestation.FORMAT,
        "TradeStation order history",
        tradestation.matches,
        tradestation.parse_order_history,
        "the time zone of the computer running TradeStation",
    ),
    BrokerFormat(
        generic.FORMAT,
        "Generic (Date,Time,Symbol,Quantity,Price,Side)",
        generic.matches,
        generic.parse_generic,
        "the zone you choose, unless the value carries one",
    ),
)
BY_NAME = {fmt.name: fmt for fmt in FORMATS}


@dataclass(frozen=True, slots=True)
class Detection:
    """The format found, or None with the reason (`message`) and the header seen."""

    format: BrokerFormat | None
    header: list[str]
    message: str


def detect_format(text: str | Table) -> Detection:
    """The format whose columns the header of `text` has (see the module doc)."""
    table = read_table(text)
    if table is None:
        return Detection(None, [], "the file is empty")
    for fmt in FORMATS:
        if fmt.matches(table):
            return Detection(fmt, table.header, f"recognised as {fmt.label}")
    return Detection(
        None,
        table.header,
        "unknown format: the header matches no supported broker export "
        f"(found: {', '.join(table.header)}); use the column mapper to say which "
        "column holds the date, symbol, side, quantity and price",
    )


def parse_statement(
    text: str | Table,
    *,
    tz: str = "UTC",
    date_order: DateOrder | None = None,
    decimal_style: DecimalStyle | None = None,
    format_name: str | None = None,
) -> ParseResult:
    """Parse `text` with the named format, or the detected one. An unknown header gives
    a result named "unknown" with one error on line 1 pointing at the column mapper;
    an unknown `format_name` raises ValueError."""
    if format_name is not None and format_name not in BY_NAME:
        raise ValueError(f"unknown format {format_name!r}: one of {', '.join(BY_NAME)}")
    table = read_table(text)
    if table is None:
        return ParseResult(format_name or UNKNOWN, [], [LineError(1, "file", "the file is empty")])
    if format_name is not None:
        fmt = BY_NAME[format_name]
    else:
        detection = detect_format(table)
        if detection.format is None:
            return ParseResult(UNKNOWN, [], [LineError(1, "header", detection.message)])
        fmt = detection.format
    return fmt.parse(table, tz=tz, date_order=date_order, decimal_style=decimal_style)
