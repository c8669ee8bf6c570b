"""Interactive Brokers Flex Query "Trades" CSV (Activity or Trade Confirmation). Pure.

Layout (confirmed against IBKR's Flex field names as used by several independent
parsers; the columns and their order depend on what the query selects, so columns are
found by name): `ClientAccountID` (or `AccountAlias`), `CurrencyPrimary`, `AssetClass`,
`Symbol`, `Buy/Sell` (BUY, SELL), `Quantity` (signed: negative on sells),
`TradePrice`, `IBCommission` (negative = a fee), `IBCommissionCurrency`, `IBExecID`
(else `TradeID`, else `TransactionID`) as the execution id, `IBOrderID` (or `OrderID`),
and the time: `DateTime` (or `Date/Time`), else `TradeDate` + `TradeTime`.

* Futures (FUT) and stocks (STK) are read; any other asset class (options, forex,
  bonds, ...) is rejected on its line with the reason.
* With `LevelOfDetail`, only EXECUTION rows are read (ORDER and summary rows repeat
  them and are skipped, counted in a note).
* A cancellation (`BUY (Ca.)`) is rejected on its line: run the query with
  "Include Canceled Trades" off. A commission in another currency than the trade is
  rejected too; a positive IBCommission (a rebate) is rejected as unsupported.
* Flex wrappers (`BOF`/`BOS`/... records, `HEADER`/`DATA` section codes, a header
  repeated per account) are handled by `table.read_table`.

Times: Flex writes `20260105;093015` by default (any date format can be configured;
numeric dates are inferred and asked about like elsewhere). IBKR reports times in US
Eastern time unless the query appends a zone (`2026-01-05;10:00:00 EST`, then that zone
wins), so pass `tz="America/New_York"` (`SUGGESTED_TZ`).
"""

from __future__ import annotations

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

FORMAT = "ibkr_flex_trades"
SUGGESTED_TZ = "America/New_York"
KEPT_ASSET_CLASSES = frozenset({"FUT", "STK"})
_COLUMNS = {
    "account": ("ClientAccountID", "AccountAlias"),
    "currency": ("CurrencyPrimary", "Currency"),
    "asset": ("AssetClass",),
    "symbol": ("Symbol",),
    "side": ("Buy/Sell",),
    "qty": ("Quantity",),
    "price": ("TradePrice",),
    "fee": ("IBCommission",),
    "fee_currency": ("IBCommissionCurrency",),
    "id": ("IBExecID", "TradeID", "TransactionID"),
    "order": ("IBOrderID", "OrderID"),
    "datetime": ("DateTime", "Date/Time"),
    "date": ("TradeDate",),
    "time": ("TradeTime",),
    "detail": ("LevelOfDetail",),
}


def matches(table: Table) -> bool:
    return table.has("Symbol", "Buy/Sell", "Quantity", "TradePrice") and (
        table.index("ClientAccountID", "AccountAlias", "AssetClass") is not None
    )


def parse_flex_trades(
    text: str | Table,
    *,
    tz: str = "UTC",
    date_order: DateOrder | None = None,
    decimal_style: DecimalStyle | None = None,
) -> ParseResult:
    """Parse a Flex Query trades CSV (see the module doc)."""
    table = read_table(text)
    if table is None:
        return ParseResult(FORMAT, [], [LineError(1, "file", "the file is empty")])
    missing = missing_columns(table, ("Symbol",), ("Buy/Sell",), ("Quantity",), ("TradePrice",))
    if table.index("DateTime", "Date/Time") is None and not table.has("TradeDate", "TradeTime"):
        missing.append("DateTime (or TradeDate and TradeTime)")
    if missing:
        message = header_error(table, missing)
        return ParseResult(FORMAT, [], [LineError(table.header_line, "header", message)])
    at = {name: table.index(*aliases) for name, aliases in _COLUMNS.items()}
    when_label = table.name(at["datetime"]) if at["datetime"] is not None else "TradeDate"
    raws: list[RawFill] = []
    errors: list[LineError] = []
    skipped: list[str] = []
    for row in table.rows:
        c = row.cells
        detail = cell(c, at["detail"]).upper()
        if detail and detail != "EXECUTION":
            skipped.append(str(row.line))
            continue
        problem = _problem(c, at)
        if problem:
            errors.append(LineError(row.line, *problem))
            continue
        when = cell(c, at["datetime"]) or f"{cell(c, at['date'])} {cell(c, at['time'])}"
        raws.append(
            RawFill(
                line=row.line,
                when=when.strip(),
                symbol=cell(c, at["symbol"]),
                side=cell(c, at["side"]),
                quantity=cell(c, at["qty"]),
                price=cell(c, at["price"]),
                fee=cell(c, at["fee"]),
                currency=cell(c, at["currency"]),
                account=cell(c, at["account"]),
                execution_id=cell(c, at["id"]),
                order_id=cell(c, at["order"]),
                signed_quantity=True,
                fee_negative=True,
            )
        )
    notes = []
    if skipped:
        notes.append(
            f"skipped {len(skipped)} row(s) whose LevelOfDetail is not EXECUTION: "
            f"lines {', '.join(skipped)}"
        )
    labels = Labels(
        when_label,
        "Symbol",
        "Buy/Sell",
        "Quantity",
        "TradePrice",
        "IBCommission",
        "CurrencyPrimary",
    )
    return build(
        FORMAT, raws, labels, tz=tz, date_order=date_order, decimal_style=decimal_style,
        default_decimal_style="point", errors=errors, notes=notes,
    )  # fmt: skip


def _problem(cells: list[str], at: dict[str, int | None]) -> tuple[str, str] | None:
    """(column, reason) when the row is not an execution TrendEdge imports."""
    asset = cell(cells, at["asset"]).upper()
    if at["asset"] is not None and asset not in KEPT_ASSET_CLASSES:
        return (
            "AssetClass",
            f"{asset or 'an empty asset class'} is not imported: only futures (FUT) "
            "and stocks (STK) are",
        )
    if "(CA.)" in cell(cells, at["side"]).upper():
        return (
            "Buy/Sell",
            "a cancelled trade (Ca.): run the Flex query with 'Include Canceled Trades' off",
        )
    fee_currency = cell(cells, at["fee_currency"]).upper()
    currency = cell(cells, at["currency"]).upper()
    if fee_currency and currency and fee_currency != currency:
        return (
            "IBCommissionCurrency",
            f"commission in {fee_currency} on a {currency} trade is not supported",
        )
    return None
