"""Futures contract specifications, kept as data (`data/contracts.csv`), and symbol lookup."""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib.resources import files
from types import MappingProxyType

from trendedge.domain.currencies import normalise_currency

MONTH_CODES = "FGHJKMNQUVXZ"
"""Futures delivery month codes, January (F) to December (Z)."""

_COLUMNS = (
    "root",
    "name",
    "exchange",
    "tick_size",
    "point_value",
    "currency",
    "commission_per_side",
)
_ROOT = r"(?P<root>[A-Z0-9]*[A-Z])"
_CONTINUOUS = re.compile(rf"{_ROOT}(?P<n>[0-9]+)!")
_DATED = re.compile(rf"{_ROOT}(?P<month>[{MONTH_CODES}])(?P<year>[0-9]{{4}}|[0-9]{{1,2}})")


@dataclass(frozen=True, slots=True)
class ContractSpec:
    """One futures contract: money per contract for one tick is tick_size * point_value.

    `point_value` is the money value of a full 1.0 price move for one contract, in `currency`;
    `commission_per_side` is the default all-in commission per contract per side.
    """

    root: str
    name: str
    exchange: str
    tick_size: Decimal
    point_value: Decimal
    currency: str
    commission_per_side: Decimal

    @property
    def tick_value(self) -> Decimal:
        """Money per contract for a one-tick move."""
        return self.tick_size * self.point_value


class UnknownSymbolError(ValueError):
    """A ticker that does not name a known contract; the message names the ticker."""

    def __init__(self, ticker: str) -> None:
        self.ticker = ticker
        super().__init__(
            f"Unknown futures symbol '{ticker}': use a contract root (ES), a continuous "
            "symbol (ES1!, ES2!) or a dated contract (ESZ2026, ESZ26, ESZ6), optionally "
            "with an exchange prefix (CME_MINI:ES1!)"
        )


def _decimal(row: Mapping[str, str], column: str, *, line: int) -> Decimal:
    try:
        value = Decimal(row[column].strip())
    except InvalidOperation:
        raise ValueError(f"contracts.csv line {line}: {column} is not a number") from None
    if not value.is_finite() or value <= 0:
        raise ValueError(f"contracts.csv line {line}: {column} must be positive")
    return value


def parse_contracts_csv(text: str) -> dict[str, ContractSpec]:
    """Parse the contracts CSV (lines starting with '#' are comments) into specs by root.

    Raises ValueError on a missing column, a non-positive number or a duplicate root.
    """
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    reader = csv.DictReader(lines)
    missing = set(_COLUMNS) - set(reader.fieldnames or ())
    if missing:
        raise ValueError(f"contracts.csv is missing columns: {', '.join(sorted(missing))}")
    specs: dict[str, ContractSpec] = {}
    for line, row in enumerate(reader, start=2):
        root = row["root"].strip().upper()
        if not re.fullmatch(_ROOT, root):
            raise ValueError(f"contracts.csv line {line}: bad root '{root}'")
        if root in specs:
            raise ValueError(f"contracts.csv line {line}: duplicate root '{root}'")
        specs[root] = ContractSpec(
            root=root,
            name=row["name"].strip(),
            exchange=row["exchange"].strip(),
            tick_size=_decimal(row, "tick_size", line=line),
            point_value=_decimal(row, "point_value", line=line),
            currency=normalise_currency(row["currency"]),
            commission_per_side=_decimal(row, "commission_per_side", line=line),
        )
    return specs


@cache
def contract_specs() -> Mapping[str, ContractSpec]:
    """Every known contract, keyed by root (read-only, loaded once)."""
    text = files("trendedge.domain").joinpath("data/contracts.csv").read_text(encoding="utf-8")
    return MappingProxyType(parse_contracts_csv(text))


def symbol_root(ticker: str) -> str:
    """The contract root a ticker names, without checking that the root is known.

    Accepts a plain root (ES), continuous symbols (NQ1!), dated contracts with a month
    code and a 1, 2 or 4 digit year (NQZ6, NQZ26, NQZ2026), any case, surrounding
    whitespace and an exchange prefix before ':' (CME_MINI:NQ1!, ignored).
    Raises UnknownSymbolError when the ticker has none of these shapes.
    """
    symbol = ticker.strip().upper().rpartition(":")[2].strip()
    if symbol in contract_specs():
        return symbol
    for pattern in (_CONTINUOUS, _DATED):
        match = pattern.fullmatch(symbol)
        if match:
            return match["root"]
    if re.fullmatch(_ROOT, symbol):
        return symbol
    raise UnknownSymbolError(ticker)


def resolve_symbol(ticker: str) -> ContractSpec:
    """The spec of the contract a ticker names (see `symbol_root` for accepted forms).

    The root is looked up exactly, so MES never resolves to ES nor SIL to SI.
    Raises UnknownSymbolError (a ValueError) naming the ticker otherwise.
    """
    spec = contract_specs().get(symbol_root(ticker))
    if spec is None:
        raise UnknownSymbolError(ticker)
    return spec
