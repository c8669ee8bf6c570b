"""TradeStation order history (TradeManager > Orders, filled orders, exported). Pure.

NOT CONFIRMED: no published column list for this export could be found, so the layout
follows the TradeManager column names that are most commonly seen, and each field
accepts the usual alternative names:

`Order #,Account,Symbol,Type,Qty,Qty Filled,Avg Fill Price,Status,Entered,Filled Time,
Commission,Route,Duration`

* `Order #` (or `Order ID`) - one row per order; a filled order is one execution at its
  average price, keyed by the order number;
* `Symbol` (ESZ26, @ES), `Type` (or `Side`/`Action`: Buy, Sell, Sell Short,
  Buy to Cover);
* `Qty Filled` (or `Filled Qty`; else `Qty`), `Avg Fill Price` (or `Fill Price`,
  `Filled Price`, `Price`), `Commission`, `Account`;
* `Filled Time` (or `Fill Time`, `Time Filled`; else `Entered`) - local time of the
  computer running TradeStation, so pass that zone as `tz`.

Rows with nothing filled (Canceled, Rejected, Expired) are skipped and counted in a
note. Dates are month-first and numbers use a decimal point, as TradeStation's US
build writes them; a file whose values prove otherwise is read the way they prove.
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

FORMAT = "tradestation"
_COLUMNS = {
    "order": ("Order #", "Order ID", "Order Number"),
    "account": ("Account", "Account #"),
    "symbol": ("Symbol",),
    "side": ("Type", "Side", "Action"),
    "qty": ("Qty Filled", "Filled Qty", "Quantity Filled", "Qty", "Quantity"),
    "price": ("Avg Fill Price", "Fill Price", "Filled Price", "Price"),
    "time": ("Filled Time", "Fill Time", "Time Filled", "Entered"),
    "fee": ("Commission", "Comm"),
    "status": ("Status",),
}


def matches(table: Table) -> bool:
    return (
        table.has("Symbol")
        and table.index("Order #", "Order Number") is not None
        and table.index("Avg Fill Price", "Fill Price", "Filled Price") is not None
        and table.index("Filled Time", "Fill Time", "Time Filled") is not None
    )


def parse_order_history(
    text: str | Table,
    *,
    tz: str = "UTC",
    date_order: DateOrder | None = None,
    decimal_style: DecimalStyle | None = None,
) -> ParseResult:
    """Parse a TradeStation order history export (see the module doc)."""
    table = read_table(text)
    if table is None:
        return ParseResult(FORMAT, [], [LineError(1, "file", "the file is empty")])
    missing = missing_columns(
        table, *(_COLUMNS[n] for n in ("symbol", "side", "qty", "price", "time"))
    )
    if missing:
        message = header_error(table, missing)
        return ParseResult(FORMAT, [], [LineError(table.header_line, "header", message)])
    at = {name: table.index(*aliases) for name, aliases in _COLUMNS.items()}
    raws: list[RawFill] = []
    skipped: list[str] = []
    for row in table.rows:
        c = row.cells
        if nothing_filled(cell(c, at["qty"])):
            skipped.append(f"{row.line} ({cell(c, at['status']) or 'not filled'})")
            continue
        raws.append(
            RawFill(
                line=row.line,
                when=cell(c, at["time"]),
                symbol=cell(c, at["symbol"]),
                side=cell(c, at["side"]),
                quantity=cell(c, at["qty"]),
                price=cell(c, at["price"]),
                fee=cell(c, at["fee"]),
                account=cell(c, at["account"]),
                execution_id=cell(c, at["order"]),
                order_id=cell(c, at["order"]),
            )
        )
    notes = []
    if skipped:
        notes.append(
            f"skipped {len(skipped)} order(s) that did not fill: lines {', '.join(skipped)}"
        )

    def name(key: str) -> str:
        index = at[key]
        return table.name(index) if index is not None else key

    labels = Labels(name("time"), "Symbol", name("side"), name("qty"), name("price"), name("fee"))
    return build(
        FORMAT, raws, labels, tz=tz, date_order=date_order, decimal_style=decimal_style,
        default_date_order="month_first", default_decimal_style="point", notes=notes,
    )  # fmt: skip
