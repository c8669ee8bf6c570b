"""Tradovate's Fills and Orders exports (web/desktop app, Reports or Orders tab). Pure.

Layouts (confirmed against several independent importers of real exports, which agree
column for column):

* Fills - `_id,_orderId,_contractId,_timestamp,_tradeDate,_action,_qty,_price,_active,
  _accountId,Fill ID,Order ID,Timestamp,Date,Account,B/S,Quantity,Price,_priceFormat,
  _priceFormatType,_tickSize,Contract,Product,Product Description,commission`.
  One row per fill. Used: `Fill ID` (execution id), `Order ID`, `Account`, `B/S`
  (written with a leading space, " Buy"), `Quantity`, `Price`, `Contract` (ESZ6),
  `commission` (for the whole fill, USD) and the time: `_timestamp` is UTC
  (`2026-06-10 12:41:43.083Z`) and is preferred; without it `Timestamp`
  (`06/10/2026 14:41:43`) is read, which Tradovate writes in the time zone set in the
  app, so pass that zone as `tz`.
* Orders - `orderId,Account,Order ID,B/S,Contract,Product,Product Description,avgPrice,
  filledQty,Fill Time,lastCommandId,Status,...,Timestamp,Date,Quantity,Text,Type,
  Limit Price,Stop Price,...,Filled Qty,Avg Fill Price,...,Currency`. One row per
  order; a filled order is one execution at its average price, keyed by the order id.
  Rows with no filled quantity (Canceled, Rejected, Working) are skipped and counted
  in a note. `Fill Time` is in the app's time zone (pass it as `tz`); no commission.

Do not import the Fills and the Orders export of the same period into one account:
the first keys by fill id, the second by order id, so the same trades would count
twice. Dates are month-first and numbers use a decimal point, as Tradovate writes them.
"""

from __future__ import annotations

from trendedge.domain.broker_csv.build import Labels, RawFill, build, nothing_filled
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

FILLS = "tradovate_fills"
ORDERS = "tradovate_orders"
_ACTIONS = {"0": "Buy", "1": "Sell"}


def matches_fills(table: Table) -> bool:
    return table.has("Fill ID", "B/S", "Contract", "Timestamp")


def matches_orders(table: Table) -> bool:
    return (
        table.has("B/S", "Contract", "Fill Time")
        and table.index("avgPrice", "Avg Fill Price") is not None
        and table.index("filledQty", "Filled Qty") is not None
    )


def parse_fills(
    text: str | Table,
    *,
    tz: str = "UTC",
    date_order: DateOrder | None = None,
    decimal_style: DecimalStyle | None = None,
) -> ParseResult:
    """Parse a Tradovate Fills export (see the module doc)."""
    table = read_table(text)
    if table is None:
        return ParseResult(FILLS, [], [LineError(1, "file", "the file is empty")])
    missing = missing_columns(
        table,
        ("Contract",),
        ("B/S", "_action"),
        ("Quantity", "_qty"),
        ("Price", "_price"),
        ("Timestamp", "_timestamp"),
    )
    if missing:
        return ParseResult(
            FILLS, [], [LineError(table.header_line, "header", header_error(table, missing))]
        )
    utc, local = table.index("_timestamp"), table.index("Timestamp")
    side, action = table.index("B/S"), table.index("_action")
    qty, price = table.index("Quantity", "_qty"), table.index("Price", "_price")
    raws = []
    for row in table.rows:
        c = row.cells
        raws.append(
            RawFill(
                line=row.line,
                when=cell(c, utc) or cell(c, local),
                symbol=cell(c, table.index("Contract")),
                side=cell(c, side) or _ACTIONS.get(cell(c, action), cell(c, action)),
                quantity=cell(c, qty),
                price=cell(c, price),
                fee=cell(c, table.index("commission")),
                account=cell(c, table.index("Account")),
                execution_id=cell(c, table.index("Fill ID", "_id")),
                order_id=cell(c, table.index("Order ID", "_orderId")),
            )
        )
    labels = Labels(
        when="_timestamp" if utc is not None else "Timestamp",
        symbol="Contract",
        side=table.name(side if side is not None else action or 0),
        quantity=table.name(qty or 0),
        price=table.name(price or 0),
        fee="commission",
    )
    return build(
        FILLS, raws, labels, tz=tz, date_order=date_order, decimal_style=decimal_style,
        default_date_order="month_first", default_decimal_style="point",
    )  # fmt: skip


def parse_orders(
    text: str | Table,
    *,
    tz: str = "UTC",
    date_order: DateOrder | None = None,
    decimal_style: DecimalStyle | None = None,
) -> ParseResult:
    """Parse a Tradovate Orders export (see the module doc)."""
    table = read_table(text)
    if table is None:
        return ParseResult(ORDERS, [], [LineError(1, "file", "the file is empty")])
    missing = missing_columns(
        table,
        ("Contract",),
        ("B/S",),
        ("filledQty", "Filled Qty"),
        ("avgPrice", "Avg Fill Price"),
        ("Fill Time",),
    )
    if missing:
        return ParseResult(
            ORDERS, [], [LineError(table.header_line, "header", header_error(table, missing))]
        )
    qty = table.index("filledQty", "Filled Qty")
    price = table.index("avgPrice", "Avg Fill Price")
    order = table.index("orderId", "Order ID")
    status = table.index("Status")
    raws, skipped = [], []
    for row in table.rows:
        c = row.cells
        if nothing_filled(cell(c, qty)):
            skipped.append(f"{row.line} ({cell(c, status) or 'not filled'})")
            continue
        raws.append(
            RawFill(
                line=row.line,
                when=cell(c, table.index("Fill Time")),
                symbol=cell(c, table.index("Contract")),
                side=cell(c, table.index("B/S")),
                quantity=cell(c, qty),
                price=cell(c, price),
                currency=cell(c, table.index("Currency")),
                account=cell(c, table.index("Account")),
                execution_id=cell(c, order),
                order_id=cell(c, order),
            )
        )
    notes = []
    if skipped:
        notes.append(
            f"skipped {len(skipped)} order(s) that did not fill: lines {', '.join(skipped)}"
        )
    labels = Labels(
        when="Fill Time",
        symbol="Contract",
        side="B/S",
        quantity=table.name(qty or 0),
        price=table.name(price or 0),
    )
    return build(
        ORDERS, raws, labels, tz=tz, date_order=date_order, decimal_style=decimal_style,
        default_date_order="month_first", default_decimal_style="point", notes=notes,
    )  # fmt: skip
