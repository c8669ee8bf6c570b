"""The column mapper: read any CSV whose columns the user named. Pure: no I/O.

A `ColumnMapping` names, by header text, the column holding each field. `time` may be
left out when the date column holds date and time together; `fee`, `currency`,
`account`, `execution_id` and `order_id` are optional. `date_order` and
`decimal_style` may be fixed in the mapping (otherwise they are inferred per file and
asked about when ambiguous). `to_dict`/`from_dict` let the importer remember a mapping
per account.

`validate_mapping` checks a mapping against a header: every named column must exist
(case-insensitive), required fields must be named, and one column cannot hold two
fields (except date and time being the same column, which means "date holds both").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

from trendedge.domain.broker_csv.build import Labels, RawFill, build
from trendedge.domain.broker_csv.executions import (
    DATE_ORDERS,
    DECIMAL_STYLES,
    DateOrder,
    DecimalStyle,
    LineError,
    ParseResult,
)
from trendedge.domain.broker_csv.table import Table, cell, read_table

REQUIRED = ("date", "symbol", "side", "quantity", "price")
OPTIONAL = ("time", "fee", "currency", "account", "execution_id", "order_id")


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Which header holds which field (see the module doc)."""

    date: str
    symbol: str
    side: str
    quantity: str
    price: str
    time: str | None = None
    fee: str | None = None
    currency: str | None = None
    account: str | None = None
    execution_id: str | None = None
    order_id: str | None = None
    date_order: DateOrder | None = None
    decimal_style: DecimalStyle | None = None

    def to_dict(self) -> dict[str, str | None]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ColumnMapping:
        """A mapping from `to_dict` output; unknown keys are ignored. ValueError when a
        required field is missing or an option has an unknown value."""
        names = {f.name for f in fields(cls)}
        values = {k: (str(v) if v is not None else None) for k, v in data.items() if k in names}
        missing = [name for name in REQUIRED if not values.get(name)]
        if missing:
            raise ValueError(f"mapping lacks {', '.join(missing)}")
        if values.get("date_order") not in (None, *DATE_ORDERS):
            raise ValueError(f"date_order must be one of {', '.join(DATE_ORDERS)}")
        if values.get("decimal_style") not in (None, *DECIMAL_STYLES):
            raise ValueError(f"decimal_style must be one of {', '.join(DECIMAL_STYLES)}")
        return cls(**values)  # type: ignore[arg-type]

    def columns(self) -> dict[str, str]:
        """Field -> header name, for the fields that are named."""
        named = {name: getattr(self, name) for name in (*REQUIRED, *OPTIONAL)}
        return {name: value.strip() for name, value in named.items() if value and value.strip()}


def validate_mapping(mapping: ColumnMapping, header: Sequence[str]) -> dict[str, str]:
    """Problems by field name (empty when the mapping fits the header)."""
    available = {name.strip().lower() for name in header if name.strip()}
    problems: dict[str, str] = {}
    columns = mapping.columns()
    for name in REQUIRED:
        if name not in columns:
            problems[name] = "choose a column"
    used: dict[str, str] = {}
    for name, column in columns.items():
        key = column.lower()
        if key not in available:
            problems[name] = f"no column {column!r} in the file (found: {', '.join(header)})"
            continue
        other = used.get(key)
        if other is not None and {other, name} != {"date", "time"}:
            problems[name] = f"column {column!r} is already used for {other}"
            continue
        used[key] = name
    return problems


def parse_with_mapping(
    text: str | Table,
    mapping: ColumnMapping,
    *,
    tz: str = "UTC",
    date_order: DateOrder | None = None,
    decimal_style: DecimalStyle | None = None,
    format_name: str = "mapped",
) -> ParseResult:
    """Read `text` with `mapping`; `date_order`/`decimal_style` override the mapping's."""
    table = read_table(text)
    if table is None:
        return ParseResult(format_name, [], [LineError(1, "file", "the file is empty")])
    problems = validate_mapping(mapping, table.header)
    if problems:
        errors = [
            LineError(table.header_line, field, message) for field, message in problems.items()
        ]
        return ParseResult(format_name, [], errors)
    return build(
        format_name,
        _raw_fills(table, mapping),
        _labels(table, mapping),
        tz=tz,
        date_order=date_order or mapping.date_order,
        decimal_style=decimal_style or mapping.decimal_style,
    )


def _labels(table: Table, mapping: ColumnMapping) -> Labels:
    def label(column: str | None, fallback: str) -> str:
        index = table.index(column) if column else None
        return table.name(index) if index is not None else fallback

    when = label(mapping.date, "Date")
    if mapping.time and mapping.time.strip().lower() != mapping.date.strip().lower():
        when = f"{when}/{label(mapping.time, 'Time')}"
    return Labels(
        when=when,
        symbol=label(mapping.symbol, "Symbol"),
        side=label(mapping.side, "Side"),
        quantity=label(mapping.quantity, "Quantity"),
        price=label(mapping.price, "Price"),
        fee=label(mapping.fee, "Fee"),
        currency=label(mapping.currency, "Currency"),
    )


def _raw_fills(table: Table, mapping: ColumnMapping) -> list[RawFill]:
    columns = mapping.columns()
    at = {name: table.index(column) for name, column in columns.items()}
    separate_time = "time" in at and at["time"] != at["date"]
    raws = []
    for row in table.rows:
        cells = row.cells
        when = cell(cells, at["date"])
        if separate_time:
            when = f"{when} {cell(cells, at['time'])}".strip()
        raws.append(
            RawFill(
                line=row.line,
                when=when,
                symbol=cell(cells, at["symbol"]),
                side=cell(cells, at["side"]),
                quantity=cell(cells, at["quantity"]),
                price=cell(cells, at["price"]),
                fee=cell(cells, at.get("fee")),
                currency=cell(cells, at.get("currency")),
                account=cell(cells, at.get("account")),
                execution_id=cell(cells, at.get("execution_id")),
                order_id=cell(cells, at.get("order_id")),
            )
        )
    return raws
