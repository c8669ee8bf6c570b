"""NinjaTrader 8 grid exports: Executions and Trade Performance "Trades". Pure: no I/O.

Layouts (confirmed against several independent importers and NinjaScript add-ons that
write the same header):

* Executions (Control Center > Executions, right-click > Export) -
  `Instrument,Action,Quantity,Price,Time,ID,E/X,Position,Order ID,Name,Commission,
  Rate,Account,Connection,` (note the trailing comma). Used: `Instrument`
  ("ES 12-26", kept as written), `Action` (Buy, Sell, Buy to cover, Sell short),
  `Quantity`, `Price`, `Time`, `ID` (execution id), `Order ID`, `Commission` ("$2.15"),
  `Account` (or `Account display name`).
* Trades (Trade Performance > Trades grid, Export) - `Trade number,Instrument,Account,
  Strategy,Market pos.,Qty,Entry price,Exit price,Entry time,Exit time,Entry name,
  Exit name,Profit,Cum. net profit,Commission,...,MAE,MFE,ETD,Bars`. Each row is a
  round trip, not an execution: it becomes its entry execution (Long -> buy, Short ->
  sell, at entry time and price) and its exit execution (the opposite side), each with
  half of the row's commission, so the execution matcher rebuilds the same trade. These
  rows have no execution id (the trade number restarts in every export).

NinjaTrader writes times in the time zone of the computer it runs on (or the one set
in Tools > Options > General), so pass that zone as `tz`. It formats dates and numbers
in the Windows culture ("3/16/2026 9:31:02 AM" and "$2.15" in en-US,
"16.03.2026 09:31:02" and "2,15 €" in de-DE): both are inferred per file and asked
about when ambiguous.
"""

from __future__ import annotations

from decimal import Decimal

from trendedge.domain.broker_csv.build import Labels, RawFill, build
from trendedge.domain.broker_csv.executions import (
    DateOrder,
    DecimalStyle,
    LineError,
    ParseResult,
)
from trendedge.domain.broker_csv.table import (
    Table,
    cell,
    header_error,
    missing_columns,
    read_table,
)

EXECUTIONS = "ninjatrader_executions"
TRADES = "ninjatrader_trades"
_HALF = Decimal("0.5")
_ENTRY = {"long": ("Buy", "Sell"), "short": ("Sell", "Buy")}


def matches_executions(table: Table) -> bool:
    return table.has("Instrument", "Action", "Quantity", "Price", "Time", "E/X")


def matches_trades(table: Table) -> bool:
    return table.has("Trade number", "Market pos.", "Entry price", "Exit price", "Entry time")


def _empty(name: str) -> ParseResult:
    return ParseResult(name, [], [LineError(1, "file", "the file is empty")])


def _header(name: str, table: Table, missing: list[str]) -> ParseResult:
    return ParseResult(
        name, [], [LineError(table.header_line, "header", header_error(table, missing))]
    )


def parse_executions(
    text: str | Table,
    *,
    tz: str = "UTC",
    date_order: DateOrder | None = None,
    decimal_style: DecimalStyle | None = None,
) -> ParseResult:
    """Parse a NinjaTrader Executions export (see the module doc)."""
    table = read_table(text)
    if table is None:
        return _empty(EXECUTIONS)
    missing = missing_columns(
        table, ("Instrument",), ("Action",), ("Quantity",), ("Price",), ("Time",)
    )
    if missing:
        return _header(EXECUTIONS, table, missing)
    at = {
        name: table.index(*aliases)
        for name, aliases in {
            "symbol": ("Instrument",),
            "side": ("Action",),
            "qty": ("Quantity",),
            "price": ("Price",),
            "time": ("Time",),
            "id": ("ID",),
            "order": ("Order ID",),
            "fee": ("Commission",),
            "account": ("Account", "Account display name"),
        }.items()
    }
    raws = [
        RawFill(
            line=row.line,
            when=cell(row.cells, at["time"]),
            symbol=cell(row.cells, at["symbol"]),
            side=cell(row.cells, at["side"]),
            quantity=cell(row.cells, at["qty"]),
            price=cell(row.cells, at["price"]),
            fee=cell(row.cells, at["fee"]),
            account=cell(row.cells, at["account"]),
            execution_id=cell(row.cells, at["id"]),
            order_id=cell(row.cells, at["order"]),
        )
        for row in table.rows
    ]
    labels = Labels("Time", "Instrument", "Action", "Quantity", "Price")
    return build(
        EXECUTIONS, raws, labels, tz=tz, date_order=date_order, decimal_style=decimal_style
    )


def parse_trades(
    text: str | Table,
    *,
    tz: str = "UTC",
    date_order: DateOrder | None = None,
    decimal_style: DecimalStyle | None = None,
) -> ParseResult:
    """Parse a NinjaTrader Trades grid export into entry/exit executions."""
    table = read_table(text)
    if table is None:
        return _empty(TRADES)
    missing = missing_columns(
        table,
        ("Instrument",),
        ("Market pos.",),
        ("Qty", "Quantity"),
        ("Entry price",),
        ("Exit price",),
        ("Entry time",),
        ("Exit time",),
    )
    if missing:
        return _header(TRADES, table, missing)
    position = table.index("Market pos.")
    qty = table.index("Qty", "Quantity")
    raws: list[RawFill] = []
    errors: list[LineError] = []
    for row in table.rows:
        c = row.cells
        sides = _ENTRY.get(cell(c, position).lower())
        if sides is None:
            message = f"not a position: {cell(c, position)!r} (expected Long or Short)"
            errors.append(LineError(row.line, "Market pos.", message))
            continue
        for leg, side in zip(("Entry", "Exit"), sides, strict=True):
            leg_labels = Labels(
                f"{leg} time", "Instrument", "Market pos.", table.name(qty or 0), f"{leg} price"
            )
            raws.append(
                RawFill(
                    line=row.line,
                    when=cell(c, table.index(f"{leg} time")),
                    symbol=cell(c, table.index("Instrument")),
                    side=side,
                    quantity=cell(c, qty),
                    price=cell(c, table.index(f"{leg} price")),
                    fee=cell(c, table.index("Commission")),
                    account=cell(c, table.index("Account")),
                    fee_share=_HALF,
                    labels=leg_labels,
                )
            )
    labels = Labels("Entry time", "Instrument", "Market pos.", table.name(qty or 0), "Entry price")
    return build(
        TRADES, raws, labels, tz=tz, date_order=date_order, decimal_style=decimal_style,
        errors=errors,
    )  # fmt: skip
