"""TrendEdge's generic execution CSV. Pure: no I/O.

Header (any order, any case): `Date,Time,Symbol,Quantity,Price,Side` required, then
optionally `Commission` (or `Fee`/`Fees`), `Currency`, `Account`, `Execution ID`
(or `ExecutionID`, `Exec ID`) and `Order ID`. Quantity is positive, Side says Buy or
Sell, Commission is a positive amount for the whole line. The delimiter may be `,`, `;`
or tab; dates may be ISO, day-first or month-first (inferred per file, asked when
ambiguous); numbers may use a decimal point or a decimal comma (same rule). Times are
local to the `tz` the caller names unless they carry a zone. This is the column mapper
with a fixed mapping.
"""

from __future__ import annotations

from trendedge.domain.broker_csv.executions import (
    DateOrder,
    DecimalStyle,
    LineError,
    ParseResult,
)
from trendedge.domain.broker_csv.mapping import ColumnMapping, parse_with_mapping
from trendedge.domain.broker_csv.table import Table, read_table

FORMAT = "generic"
REQUIRED = ("Date", "Time", "Symbol", "Quantity", "Price", "Side")
_OPTIONAL = {
    "fee": ("Commission", "Fee", "Fees"),
    "currency": ("Currency",),
    "account": ("Account",),
    "execution_id": ("Execution ID", "ExecutionID", "Exec ID"),
    "order_id": ("Order ID", "OrderID"),
}


def matches(table: Table) -> bool:
    return table.has(*REQUIRED)


def generic_mapping(table: Table) -> ColumnMapping:
    """The mapping the generic layout implies for `table` (which must `match`)."""
    optional: dict[str, str | None] = {}
    for name, aliases in _OPTIONAL.items():
        index = table.index(*aliases)
        optional[name] = table.name(index) if index is not None else None
    named = [table.name(table.index(column) or 0) for column in REQUIRED]
    date, time, symbol, quantity, price, side = named
    return ColumnMapping(
        date=date, time=time, symbol=symbol, side=side, quantity=quantity, price=price,
        fee=optional["fee"], currency=optional["currency"], account=optional["account"],
        execution_id=optional["execution_id"], order_id=optional["order_id"],
    )  # fmt: skip


def parse_generic(
    text: str | Table,
    *,
    tz: str = "UTC",
    date_order: DateOrder | None = None,
    decimal_style: DecimalStyle | None = None,
) -> ParseResult:
    """Parse the generic layout (see the module doc)."""
    table = read_table(text)
    if table is None:
        return ParseResult(FORMAT, [], [LineError(1, "file", "the file is empty")])
    missing = [column for column in REQUIRED if table.index(column) is None]
    if missing:
        message = f"missing column(s): {', '.join(missing)} (found: {', '.join(table.header)})"
        return ParseResult(FORMAT, [], [LineError(table.header_line, "header", message)])
    return parse_with_mapping(
        table,
        generic_mapping(table),
        tz=tz,
        date_order=date_order,
        decimal_style=decimal_style,
        format_name=FORMAT,
    )
