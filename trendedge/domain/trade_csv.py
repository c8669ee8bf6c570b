"""TrendEdge's own trades CSV: the columns, a writer and a validating reader (pure).

Format (``trendedge-trades``, version 1): UTF-8 (a BOM is accepted), comma-separated,
a header row, one closed trade per row. Columns, in the order they are written:

``uid, account, source, symbol, root, direction, quantity, entry_price, exit_price,
entry_time, exit_time, gross_pnl, commission, net_pnl, r_multiple, stop, target, risk,
mae, mfe, currency, playbook, rules_followed, legs, setup``

* times are ISO 8601 in UTC (``2026-07-01T14:35:00Z``; a time without zone is read as
  UTC); numbers are plain decimals (``.`` as decimal point, no thousands separator);
* ``account`` and ``playbook`` are names (resolved within the importing user);
* ``rules_followed`` is ``|``-separated; ``legs`` is a JSON list of objects of strings;
* blank optional cells mean "unknown" (``r_multiple`` … ``mfe``, ``playbook``, ``setup``).

Required columns are listed in `REQUIRED_TRADE_COLUMNS`; the others may be left out
(``source`` then defaults to ``import``, ``root`` to the root of ``symbol``). Cells
are protected against formula injection (see `trendedge.domain.csv_cells`).
The journal-entry format is in `trendedge.domain.journal_csv`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Generic, TypeVar

from trendedge.domain.contracts import UnknownSymbolError, symbol_root
from trendedge.domain.csv_cells import (
    CellError,
    LineError,
    format_decimal,
    format_time,
    iter_csv,
    join_list,
    parse_decimal,
    parse_positive,
    parse_text,
    parse_time,
    read_records,
    split_list,
)
from trendedge.domain.currencies import normalise_currency

FORMAT_NAME = "trendedge-trades"
TRADE_COLUMNS = (
    "uid",
    "account",
    "source",
    "symbol",
    "root",
    "direction",
    "quantity",
    "entry_price",
    "exit_price",
    "entry_time",
    "exit_time",
    "gross_pnl",
    "commission",
    "net_pnl",
    "r_multiple",
    "stop",
    "target",
    "risk",
    "mae",
    "mfe",
    "currency",
    "playbook",
    "rules_followed",
    "legs",
    "setup",
)
REQUIRED_TRADE_COLUMNS = (
    "uid",
    "account",
    "symbol",
    "direction",
    "quantity",
    "entry_price",
    "exit_price",
    "entry_time",
    "exit_time",
    "gross_pnl",
    "commission",
    "net_pnl",
    "currency",
)
SOURCES = ("paper", "manual", "import")
MAX_ROWS = 100_000
MAX_UID_CHARS = 36
MAX_RULE_CHARS = 200
# Magnitude limits of the database columns (trendedge.models.trading).
PRICE_LIMIT = Decimal("1e15")
MONEY_LIMIT = Decimal("1e13")
QTY_LIMIT = Decimal("1e7")
R_LIMIT = Decimal("1e7")

RecordT = TypeVar("RecordT")


@dataclass(frozen=True, slots=True)
class TradeRecord:
    """One row of the trades CSV as plain values (names, not ids)."""

    uid: str
    account: str
    source: str
    symbol: str
    root: str
    direction: str
    quantity: Decimal
    entry_price: Decimal
    exit_price: Decimal
    entry_time: datetime
    exit_time: datetime
    gross_pnl: Decimal
    commission: Decimal
    net_pnl: Decimal
    currency: str
    r_multiple: Decimal | None = None
    stop: Decimal | None = None
    target: Decimal | None = None
    risk: Decimal | None = None
    mae: Decimal | None = None
    mfe: Decimal | None = None
    playbook: str = ""
    rules_followed: tuple[str, ...] = ()
    legs: tuple[dict[str, str], ...] = ()
    setup: str = ""


@dataclass(frozen=True, slots=True)
class ParsedCsv(Generic[RecordT]):
    """Valid records with their line numbers, and every problem found (sorted by line)."""

    rows: list[tuple[int, RecordT]]
    errors: list[LineError] = field(default_factory=list)


def trade_cells(record: TradeRecord) -> list[str]:
    """The cells of `record` in `TRADE_COLUMNS` order (not yet guarded)."""
    d = format_decimal
    return [
        record.uid,
        record.account,
        record.source,
        record.symbol,
        record.root,
        record.direction,
        d(record.quantity),
        d(record.entry_price),
        d(record.exit_price),
        format_time(record.entry_time),
        format_time(record.exit_time),
        d(record.gross_pnl),
        d(record.commission),
        d(record.net_pnl),
        d(record.r_multiple),
        d(record.stop),
        d(record.target),
        d(record.risk),
        d(record.mae),
        d(record.mfe),
        record.currency,
        record.playbook,
        join_list(record.rules_followed),
        json.dumps(list(record.legs), separators=(",", ":")) if record.legs else "",
        record.setup,
    ]


def iter_trade_csv(records: Iterable[TradeRecord], *, with_header: bool = True) -> Iterator[str]:
    """The CSV text of `records` (header first unless not `with_header`), in chunks,
    formula-guarded."""
    return iter_csv(TRADE_COLUMNS, (trade_cells(r) for r in records), with_header=with_header)


def is_trade_header(header: Sequence[str]) -> bool:
    """Whether a header (lower-cased names) is TrendEdge's trades format."""
    return set(REQUIRED_TRADE_COLUMNS) <= set(header) and set(header) <= set(TRADE_COLUMNS)


def parse_trade_csv(text: str, *, max_rows: int = MAX_ROWS) -> ParsedCsv[TradeRecord]:
    """Every row of `text` checked; a row with any bad cell is an error, not a record.

    Also an error: a uid that appears on two lines. Whether the account and playbook
    names exist is for the importer to decide.
    """
    optional = [c for c in TRADE_COLUMNS if c not in REQUIRED_TRADE_COLUMNS]
    records = read_records(
        text, required=REQUIRED_TRADE_COLUMNS, optional=optional, max_rows=max_rows
    )
    errors = list(records.errors)
    rows: list[tuple[int, TradeRecord]] = []
    first_line: dict[str, int] = {}
    for line, cells in records.rows:
        try:
            record = _trade(cells)
        except CellError as exc:
            errors.append(LineError(line, exc.field, exc.message))
            continue
        if record.uid in first_line:
            errors.append(
                LineError(line, "uid", f"{record.uid} already on line {first_line[record.uid]}")
            )
            continue
        first_line[record.uid] = line
        rows.append((line, record))
    return ParsedCsv(rows, sorted(errors))


def parse_uid(text: str, field_name: str = "uid") -> str:
    value = parse_text(text, field_name, max_length=MAX_UID_CHARS)
    if any(ch.isspace() for ch in value) or not value.isprintable():
        raise CellError(field_name, "must not contain spaces or control characters")
    return value


def _optional(cells: dict[str, str], name: str, *, limit: Decimal) -> Decimal | None:
    text = cells.get(name, "")
    return parse_decimal(text, name, limit=limit) if text.strip() else None


def _optional_positive(cells: dict[str, str], name: str, *, limit: Decimal) -> Decimal | None:
    text = cells.get(name, "")
    return parse_positive(text, name, limit=limit) if text.strip() else None


def _choice(cells: dict[str, str], name: str, choices: Sequence[str], default: str) -> str:
    value = cells.get(name, "").strip().lower() or default
    if value not in choices:
        raise CellError(name, f"must be one of {', '.join(choices)}")
    return value


def _root(cells: dict[str, str], symbol: str) -> str:
    given = cells.get("root", "").strip().upper()
    if given:
        return parse_text(given, "root", max_length=10)
    try:
        return symbol_root(symbol)
    except UnknownSymbolError:
        raise CellError("root", f"is required: no contract root in symbol {symbol!r}") from None


def _legs(text: str) -> tuple[dict[str, str], ...]:
    if not text.strip():
        return ()
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        raise CellError("legs", "is not valid JSON") from None
    if not isinstance(value, list) or not all(
        isinstance(leg, dict) and all(isinstance(v, str) for v in leg.values()) for leg in value
    ):
        raise CellError("legs", "must be a JSON list of objects with text values")
    return tuple(value)


def _trade(cells: dict[str, str]) -> TradeRecord:
    symbol = parse_text(cells["symbol"], "symbol", max_length=64)
    quantity = parse_positive(cells["quantity"], "quantity", limit=QTY_LIMIT)
    entry_time = parse_time(cells["entry_time"], "entry_time")
    exit_time = parse_time(cells["exit_time"], "exit_time")
    if exit_time < entry_time:
        raise CellError("exit_time", "is before entry_time")
    gross = parse_decimal(cells["gross_pnl"], "gross_pnl", limit=MONEY_LIMIT)
    commission = parse_decimal(
        cells["commission"], "commission", minimum=Decimal(0), limit=MONEY_LIMIT
    )
    net = parse_decimal(cells["net_pnl"], "net_pnl", limit=MONEY_LIMIT)
    if net != gross - commission:
        raise CellError("net_pnl", f"must equal gross_pnl - commission ({gross - commission})")
    try:
        currency = normalise_currency(cells["currency"])
    except ValueError as exc:
        raise CellError("currency", str(exc)) from None
    return TradeRecord(
        uid=parse_uid(cells["uid"]),
        account=parse_text(cells["account"], "account", max_length=100, required=False),
        source=_choice(cells, "source", SOURCES, "import"),
        symbol=symbol,
        root=_root(cells, symbol),
        direction=_choice(cells, "direction", ("long", "short"), ""),
        quantity=quantity,
        entry_price=parse_positive(cells["entry_price"], "entry_price", limit=PRICE_LIMIT),
        exit_price=parse_positive(cells["exit_price"], "exit_price", limit=PRICE_LIMIT),
        entry_time=entry_time,
        exit_time=exit_time,
        gross_pnl=gross,
        commission=commission,
        net_pnl=net,
        currency=currency,
        r_multiple=_optional(cells, "r_multiple", limit=R_LIMIT),
        stop=_optional_positive(cells, "stop", limit=PRICE_LIMIT),
        target=_optional_positive(cells, "target", limit=PRICE_LIMIT),
        risk=_optional_positive(cells, "risk", limit=MONEY_LIMIT),
        mae=_optional(cells, "mae", limit=MONEY_LIMIT),
        mfe=_optional(cells, "mfe", limit=MONEY_LIMIT),
        playbook=parse_text(cells.get("playbook", ""), "playbook", max_length=100, required=False),
        rules_followed=tuple(_rules(cells.get("rules_followed", ""))),
        legs=_legs(cells.get("legs", "")),
        setup=parse_text(cells.get("setup", ""), "setup", max_length=100, required=False),
    )


def _rules(text: str) -> list[str]:
    rules = split_list(text)
    if any(len(rule) > MAX_RULE_CHARS for rule in rules):
        raise CellError("rules_followed", f"a rule is longer than {MAX_RULE_CHARS} characters")
    return list(dict.fromkeys(rules))
