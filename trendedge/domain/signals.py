"""TradingView webhook alerts: validation, the order they ask for, and duplicate detection."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from trendedge.domain.fills import Side

PositiveDecimal = Annotated[Decimal, Field(gt=0, allow_inf_nan=False)]


class AlertAction(StrEnum):
    """What an alert asks for; buy/sell match TradingView's {{strategy.order.action}}."""

    BUY = "buy"
    SELL = "sell"
    EXIT = "exit"
    FLATTEN = "flatten"
    REVERSE = "reverse"


class MarketPosition(StrEnum):
    """TradingView's {{strategy.market_position}}."""

    LONG = "long"
    FLAT = "flat"
    SHORT = "short"


class TradingViewAlert(BaseModel):
    """A validated alert body. Unknown fields are allowed and kept (`model_extra`).

    Numbers may arrive as strings ("2", "18250.25"); an empty or blank string in an optional
    field means the field is absent (TradingView substitutes empty text). `action` and
    `market_position` are case-insensitive. A naive `time` is taken as UTC.
    `position_size` is {{strategy.position_size}}, which Pine reports signed (negative when
    short); `market_position_size` is {{strategy.market_position_size}} (never negative).
    """

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True, frozen=True)

    action: AlertAction
    ticker: str = Field(min_length=1, max_length=100)
    price: PositiveDecimal
    contracts: PositiveDecimal | None = None
    close: PositiveDecimal | None = None
    stop: PositiveDecimal | None = None
    target: PositiveDecimal | None = None
    setup: str | None = Field(default=None, max_length=100)
    comment: str | None = Field(default=None, max_length=500)
    id: str | None = Field(default=None, max_length=200)
    time: datetime | None = None
    market_position: MarketPosition | None = None
    position_size: Annotated[Decimal, Field(allow_inf_nan=False)] | None = None
    market_position_size: Annotated[Decimal, Field(ge=0, allow_inf_nan=False)] | None = None

    @model_validator(mode="before")
    @classmethod
    def _blank_optional_is_absent(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        optional = {name for name, field in cls.model_fields.items() if not field.is_required()}
        return {
            key: value
            for key, value in data.items()
            if not (key in optional and isinstance(value, str) and not value.strip())
        }

    @field_validator("action", "market_position", mode="before")
    @classmethod
    def _lower_case(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("time")
    @classmethod
    def _utc_when_naive(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class SignalError(ValueError):
    """An alert whose fields cannot be combined into an order; `field` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class PlannedOrder:
    """The order an alert asks for, with a human-readable reason."""

    side: Side
    quantity: Decimal
    reason: str


def _order_towards(target: Decimal, current: Decimal, reason: str) -> PlannedOrder | None:
    delta = target - current
    if delta == 0:
        return None
    return PlannedOrder(Side.BUY if delta > 0 else Side.SELL, abs(delta), reason)


def _describe(quantity: Decimal) -> str:
    if quantity == 0:
        return "flat"
    return f"{'long' if quantity > 0 else 'short'} {abs(quantity)}"


def strategy_target(alert: TradingViewAlert) -> Decimal:
    """The signed position a strategy alert reports (requires `market_position`).

    The size is `position_size` (sign ignored except that it must agree with the market
    position) or else `market_position_size`. Raises SignalError when they contradict.
    """
    assert alert.market_position is not None
    field, size = "position_size", alert.position_size
    if size is None:
        field, size = "market_position_size", alert.market_position_size
    if alert.market_position is MarketPosition.FLAT:
        if size is not None and size != 0:
            raise SignalError(field, f"{field} must be 0 when market_position is flat")
        return Decimal(0)
    if size is None:
        raise SignalError(
            "position_size",
            f"position_size is required when market_position is {alert.market_position}",
        )
    if size == 0:
        raise SignalError(
            field, f"{field} must not be 0 when market_position is {alert.market_position}"
        )
    if alert.market_position is MarketPosition.LONG:
        if size < 0:
            raise SignalError(field, f"{field} is negative (short) but market_position is long")
        return size
    return -abs(size)


def plan_order(alert: TradingViewAlert, current_quantity: Decimal) -> PlannedOrder | None:
    """The order that carries out `alert` given the signed position held now; None if none.

    Strategy mode (market_position present): trade from the current position to the one
    the strategy reports; `action` is then informational. Otherwise: buy/sell N trades N;
    exit closes the position, or reduces it by `contracts` (capped at the position);
    flatten closes everything; reverse goes to the opposite side with `contracts` (default:
    the current size). exit, flatten and reverse do nothing when flat.
    Raises SignalError naming the field for impossible combinations (buy/sell without
    contracts, contradictory strategy position).
    """
    current = current_quantity
    if alert.market_position is not None:
        target = strategy_target(alert)
        reason = f"strategy {alert.market_position}: {_describe(current)} → {_describe(target)}"
        return _order_towards(target, current, reason)

    held = abs(current)
    match alert.action:
        case AlertAction.BUY | AlertAction.SELL:
            if alert.contracts is None:
                raise SignalError("contracts", f"contracts is required for a {alert.action} alert")
            side = Side(alert.action.value)
            return PlannedOrder(side, alert.contracts, f"{alert.action} {alert.contracts}")
        case AlertAction.EXIT:
            if current == 0:
                return None
            quantity = held if alert.contracts is None else min(alert.contracts, held)
            verb = "close" if quantity == held else "reduce"
            target = current - quantity if current > 0 else current + quantity
            return _order_towards(target, current, f"exit: {verb} {_describe(current)}")
        case AlertAction.FLATTEN:
            return _order_towards(Decimal(0), current, f"flatten {_describe(current)}")
        case AlertAction.REVERSE:
            if current == 0:
                return None
            size = held if alert.contracts is None else alert.contracts
            target = -size if current > 0 else size
            reason = f"reverse: {_describe(current)} → {_describe(target)}"
            return _order_towards(target, current, reason)
    raise AssertionError(f"unhandled action {alert.action}")  # pragma: no cover


def dedup_key(alert: TradingViewAlert, raw_payload: Mapping[str, Any]) -> str:
    """A key identifying repeated deliveries of one alert.

    "id:<id>" when the alert carries an explicit id. Otherwise "sha256:<hex>" of the
    canonical JSON (sorted keys, compact) of the raw payload without its top-level `time`
    field: TradingView resends an identical body, and a double fire on the same bar differs
    at most in the time, so leaving time out lets both collapse onto one key. The caller
    keeps keys for a short window only, so a genuinely repeated signal later still counts.
    """
    if alert.id:
        return f"id:{alert.id}"
    body = {key: value for key, value in raw_payload.items() if key != "time"}
    canonical = json.dumps(
        body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def payload_depth(obj: object) -> int:
    """Nesting depth of dicts and lists: a scalar is 0, {} or {"a": 1} is 1, {"a": [1]} is 2.

    Iterative, so a hostile deeply nested payload cannot exhaust the stack.
    """
    deepest = 0
    stack: list[tuple[object, int]] = [(obj, 0)]
    while stack:
        value, depth = stack.pop()
        children: list[object]
        if isinstance(value, Mapping):
            children = list(value.values())
        elif isinstance(value, list | tuple):
            children = list(value)
        else:
            continue
        depth += 1
        deepest = max(deepest, depth)
        stack.extend((child, depth) for child in children)
    return deepest
