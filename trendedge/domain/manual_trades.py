"""A hand-entered trade: legs (entries and exits) in, one validated closed trade out. Pure.

`build_manual_trade` reads the form values (strings as typed), collects *every* problem
keyed by form field (`symbol`, `direction`, `legs`, `legs.2.price`, `commission`, `stop`,
`target`) and raises `TradeInputError` with them, or returns a `ManualTrade`:

* quantity = total entered = total exited (scale-in and scale-out);
* entry_price / exit_price = quantity-weighted average of the entries / exits;
* entry_time = first entry; exit_time = last exit; no exit before the first entry, and
  no exit takes more than is held at its time;
* gross_pnl = (exit_price - entry_price) * quantity * point_value * (+1 long / -1 short);
  net_pnl = gross_pnl - commission (the total commission of all legs);
* stop: as given (it must be on the losing side of the average entry), else the account's
  default stop rule, else none; risk and r_multiple as defined in `trendedge.domain.risk`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import Any, Literal

from trendedge.domain import risk
from trendedge.domain.contracts import ContractSpec, UnknownSymbolError, resolve_symbol
from trendedge.domain.trade_values import (
    is_blank,
    iso_utc,
    plain,
    read_decimal,
    read_optional_decimal,
    read_utc_time,
)

LegKind = Literal["entry", "exit"]
MAX_LEGS = 100
MAX_PRICE = Decimal("1e9")
PRICE_PLACES = 12
MAX_QUANTITY = Decimal("1e6")
QUANTITY_PLACES = 4
MAX_MONEY = Decimal("1e12")
MONEY_PLACES = 10
MAX_ABS_R = Decimal("1e7")
_PRICE_Q = Decimal(1).scaleb(-PRICE_PLACES)
_MONEY_Q = Decimal(1).scaleb(-MONEY_PLACES)
_R_Q = Decimal("0.0001")


class TradeInputError(ValueError):
    """Invalid trade input; `details` maps each bad form field to its message."""

    def __init__(self, details: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in details.items()))
        self.details = details


@dataclass(frozen=True, slots=True)
class Leg:
    """One execution of a manual trade: an entry or an exit, at a UTC time."""

    kind: LegKind
    time: datetime
    price: Decimal
    quantity: Decimal

    def as_json(self) -> dict[str, str]:
        """The leg as stored in `trades.legs` (strings, full precision)."""
        return {
            "kind": self.kind,
            "time": iso_utc(self.time),
            "price": plain(self.price),
            "quantity": plain(self.quantity),
        }


@dataclass(frozen=True, slots=True)
class ManualTrade:
    """The aggregate of a manual trade's legs, ready to store (see the module docstring)."""

    root: str
    symbol: str
    currency: str
    direction: risk.Direction
    quantity: Decimal
    entry_price: Decimal
    exit_price: Decimal
    entry_time: datetime
    exit_time: datetime
    gross_pnl: Decimal
    commission: Decimal
    net_pnl: Decimal
    stop: Decimal | None
    target: Decimal | None
    risk: Decimal | None
    r_multiple: Decimal | None
    legs: tuple[Leg, ...]


def _parse_leg(index: int, raw: Mapping[str, Any], errors: dict[str, str]) -> Leg | None:
    prefix = f"legs.{index}"
    kind = str(raw.get("kind", "")).strip().lower()
    if kind not in ("entry", "exit"):
        errors[f"{prefix}.kind"] = "Choose entry or exit"
    values: dict[str, Any] = {}
    readers = {
        "time": lambda v: read_utc_time(v),
        "price": lambda v: read_decimal(v, below=MAX_PRICE, places=PRICE_PLACES),
        "quantity": lambda v: read_decimal(v, below=MAX_QUANTITY, places=QUANTITY_PLACES),
    }
    for name, reader in readers.items():
        try:
            values[name] = reader(raw.get(name))
        except ValueError as exc:
            errors[f"{prefix}.{name}"] = str(exc)
    if len(values) < 3 or kind not in ("entry", "exit"):
        return None
    return Leg(kind=kind, **values)  # type: ignore[arg-type]


def parse_legs(raw: Sequence[Mapping[str, Any]], errors: dict[str, str]) -> list[Leg] | None:
    """The legs as typed; problems go into `errors` (None when any leg is unreadable)."""
    if len(raw) > MAX_LEGS:
        errors["legs"] = f"At most {MAX_LEGS} entries and exits"
        return None
    legs = [_parse_leg(i, leg, errors) for i, leg in enumerate(raw)]
    parsed = [leg for leg in legs if leg is not None]
    return parsed if len(parsed) == len(legs) else None


def _check_sequence(legs: Sequence[Leg], errors: dict[str, str]) -> None:
    """Totals match, no exit before the first entry, never more exited than held."""
    entries = [leg for leg in legs if leg.kind == "entry"]
    exits = [leg for leg in legs if leg.kind == "exit"]
    if not entries or not exits:
        errors["legs"] = "A trade needs at least one entry and one exit"
        return
    entered = sum((leg.quantity for leg in entries), Decimal(0))
    exited = sum((leg.quantity for leg in exits), Decimal(0))
    if entered != exited:
        errors["legs"] = (
            f"Entries total {plain(entered)} but exits total {plain(exited)}: "
            "enter and exit the same quantity"
        )
    first_entry = min(leg.time for leg in entries)
    held = Decimal(0)
    order = sorted(range(len(legs)), key=lambda i: (legs[i].time, legs[i].kind != "entry"))
    for i in order:
        leg = legs[i]
        if leg.kind == "entry":
            held += leg.quantity
        elif leg.time < first_entry:
            errors.setdefault(f"legs.{i}.time", "An exit cannot come before the first entry")
        elif leg.quantity > held:
            errors.setdefault(
                f"legs.{i}.quantity",
                f"Exits more than the {plain(held)} held at this time",
            )
            held = Decimal(0)
        else:
            held -= leg.quantity


def check_stop_target(
    *,
    direction: risk.Direction,
    entry_price: Decimal,
    stop: Decimal | None,
    target: Decimal | None,
    errors: dict[str, str],
) -> None:
    """A stop must be on the losing side of the entry and a target on the winning side."""
    long = direction == "long"
    shown = plain(entry_price.quantize(_PRICE_Q))
    if stop is not None and risk.stop_on_wrong_side(
        direction=direction, entry_price=entry_price, stop=stop
    ):
        side = "below" if long else "above"
        errors["stop"] = f"A {direction}'s stop must be {side} the average entry ({shown})"
    if target is not None and (target - entry_price) * (1 if long else -1) <= 0:
        side = "above" if long else "below"
        errors["target"] = f"A {direction}'s target must be {side} the average entry ({shown})"


def read_commission(value: Any, errors: dict[str, str]) -> Decimal:
    """The total commission (blank = 0); a problem goes into `errors["commission"]`."""
    if is_blank(value):
        return Decimal(0)
    try:
        return read_decimal(value, inclusive=True, below=MAX_MONEY, places=MONEY_PLACES)
    except ValueError as exc:
        errors["commission"] = str(exc)
        return Decimal(0)


def read_price(value: Any, field: str, errors: dict[str, str]) -> Decimal | None:
    """An optional positive price (blank = None); a problem goes into `errors[field]`."""
    try:
        return read_optional_decimal(value, below=MAX_PRICE, places=PRICE_PLACES)
    except ValueError as exc:
        errors[field] = str(exc)
        return None


def _average(legs: Sequence[Leg]) -> tuple[Decimal, Decimal]:
    """(total quantity, exact notional sum of price * quantity)."""
    quantity = sum((leg.quantity for leg in legs), Decimal(0))
    return quantity, sum((leg.price * leg.quantity for leg in legs), Decimal(0))


def aggregate(
    *,
    spec: ContractSpec,
    symbol: str,
    direction: risk.Direction,
    legs: Sequence[Leg],
    commission: Decimal,
    stop: Decimal | None,
    target: Decimal | None,
    default_stop_ticks: int | None,
) -> ManualTrade:
    """Aggregate valid legs (see the module docstring); raises TradeInputError otherwise."""
    errors: dict[str, str] = {}
    _check_sequence(legs, errors)
    if errors:
        raise TradeInputError(errors)
    with localcontext(prec=60):
        qty, entry_notional = _average([leg for leg in legs if leg.kind == "entry"])
        _, exit_notional = _average([leg for leg in legs if leg.kind == "exit"])
        sign = risk.direction_sign(direction)
        gross = ((exit_notional - entry_notional) * spec.point_value * sign).quantize(_MONEY_Q)
        entry_price = (entry_notional / qty).quantize(_PRICE_Q, rounding=ROUND_HALF_EVEN)
        exit_price = (exit_notional / qty).quantize(_PRICE_Q, rounding=ROUND_HALF_EVEN)
    if abs(gross) >= MAX_MONEY:
        raise TradeInputError({"legs": "The trade's P&L is too large to store"})
    check_stop_target(
        direction=direction, entry_price=entry_price, stop=stop, target=target, errors=errors
    )
    stop = risk.effective_stop(
        stop=stop,
        direction=direction,
        entry_price=entry_price,
        default_ticks=default_stop_ticks,
        tick_size=spec.tick_size,
    )
    r = risk.r_multiple(
        direction=direction, entry_price=entry_price, exit_price=exit_price, stop=stop
    )
    if r is not None and abs(r) >= MAX_ABS_R:
        errors["stop"] = "The stop is too close to the entry to measure R"
    if errors:
        raise TradeInputError(errors)
    initial = risk.initial_risk(
        entry_price=entry_price, stop=stop, quantity=qty, point_value=spec.point_value
    )
    return ManualTrade(
        root=spec.root,
        symbol=symbol,
        currency=spec.currency,
        direction=direction,
        quantity=qty,
        entry_price=entry_price,
        exit_price=exit_price,
        entry_time=min(leg.time for leg in legs if leg.kind == "entry"),
        exit_time=max(leg.time for leg in legs if leg.kind == "exit"),
        gross_pnl=gross,
        commission=commission,
        net_pnl=gross - commission,
        stop=stop,
        target=target,
        risk=None if initial is None else initial.quantize(_MONEY_Q),
        r_multiple=None if r is None else r.quantize(_R_Q),
        legs=tuple(legs),
    )


def build_manual_trade(
    values: Mapping[str, Any], *, default_stop_ticks: int | None = None
) -> ManualTrade:
    """Read and aggregate a manual trade from form values.

    `values` keys: symbol, direction ("long"/"short"), legs (a list of mappings with kind,
    time, price, quantity), commission (blank = 0), stop and target (blank = none).
    Raises TradeInputError naming every bad field.
    """
    errors: dict[str, str] = {}
    symbol = str(values.get("symbol") or "").strip().upper()
    spec: ContractSpec | None = None
    try:
        spec = resolve_symbol(symbol) if symbol else None
        if spec is None:
            errors["symbol"] = "Enter the contract, e.g. ES, NQ1! or ESZ2026"
    except UnknownSymbolError as exc:
        errors["symbol"] = str(exc)
    direction = str(values.get("direction") or "").strip().lower()
    if direction not in ("long", "short"):
        errors["direction"] = "Choose long or short"
    raw_legs = values.get("legs") or []
    legs = parse_legs(list(raw_legs), errors)
    if legs is not None:
        _check_sequence(legs, errors)
    commission = read_commission(values.get("commission"), errors)
    stop = read_price(values.get("stop"), "stop", errors)
    target = read_price(values.get("target"), "target", errors)
    if errors or spec is None or legs is None:
        raise TradeInputError(errors)
    return aggregate(
        spec=spec,
        symbol=symbol,
        direction=direction,  # type: ignore[arg-type]
        legs=legs,
        commission=commission,
        stop=stop,
        target=target,
        default_stop_ticks=default_stop_ticks,
    )
