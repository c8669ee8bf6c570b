"""Match executions of one account and contract into round-trip trades (FIFO). Pure.

Executions are replayed in time order (ties keep input order). Each buy or sell first
closes open lots of the opposite side, oldest first (FIFO), then opens a new lot with
whatever is left, so a fill that crosses zero (a reversal) closes one trade and opens
the next. A trade is one flat-to-flat cycle: every scale-in and partial exit between
leaving flat and returning to flat belongs to it. Prices of a trade are quantity-
weighted averages of its matched lots; each execution's fee is split across the lots
it touches in proportion to quantity (the last piece takes the exact rest), so the
fees of trades and open lots add up to the fees given.
Lots still open at the end are returned as the open position (with the unfinished
cycle's partial exits), not as a trade.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal

Side = Literal["buy", "sell"]
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class MatchFill:
    """One execution: `key` identifies it (broker id or fingerprint)."""

    key: str
    time: datetime
    side: Side
    quantity: Decimal
    price: Decimal
    fee: Decimal = ZERO


@dataclass(slots=True)
class Lot:
    """An open piece of position: `quantity` > 0 at `price`, opened by `key`."""

    key: str
    time: datetime
    direction: int  # +1 long, -1 short
    quantity: Decimal
    price: Decimal
    fee: Decimal  # the part of the opening fee not yet attributed to a trade


@dataclass(frozen=True, slots=True)
class MatchedTrade:
    """A closed flat-to-flat cycle. `points` = sum of (exit - entry) x qty x direction."""

    direction: Literal["long", "short"]
    quantity: Decimal
    entry_price: Decimal
    exit_price: Decimal
    entry_time: datetime
    exit_time: datetime
    points: Decimal
    fees: Decimal
    execution_keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OpenCycle:
    """The unfinished cycle at the end: partial exits so far (`exited`, `points`, `fees`
    already attributed) and the keys of its executions; `open_lots` hold the rest."""

    direction: Literal["long", "short"]
    exited: Decimal
    points: Decimal
    fees: Decimal
    execution_keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MatchResult:
    trades: list[MatchedTrade]
    open_lots: list[Lot]
    open_cycle: OpenCycle | None = None


@dataclass(slots=True)
class _Cycle:
    direction: int
    entry_time: datetime
    entered: Decimal = ZERO
    entry_value: Decimal = ZERO
    exited: Decimal = ZERO
    exit_value: Decimal = ZERO
    points: Decimal = ZERO
    fees: Decimal = ZERO
    exit_time: datetime | None = None
    keys: list[str] = field(default_factory=list)

    def add_key(self, key: str) -> None:
        if key not in self.keys:
            self.keys.append(key)

    def close(self) -> MatchedTrade:
        assert self.exit_time is not None and self.entered > 0
        return MatchedTrade(
            direction="long" if self.direction > 0 else "short",
            quantity=self.exited,
            entry_price=self.entry_value / self.entered,
            exit_price=self.exit_value / self.exited,
            entry_time=self.entry_time,
            exit_time=self.exit_time,
            points=self.points,
            fees=self.fees,
            execution_keys=tuple(self.keys),
        )


def _validate(fill: MatchFill) -> None:
    if fill.side not in ("buy", "sell"):
        raise ValueError(f"{fill.key}: side must be buy or sell, not {fill.side!r}")
    if fill.quantity <= 0:
        raise ValueError(f"{fill.key}: quantity must be positive")
    if fill.fee < 0:
        raise ValueError(f"{fill.key}: fee must not be negative")


def match_fifo(fills: Sequence[MatchFill]) -> MatchResult:
    """Replay `fills` (any order; sorted by time, stable) into trades and open lots."""
    for fill in fills:
        _validate(fill)
    lots: deque[Lot] = deque()
    trades: list[MatchedTrade] = []
    cycle: _Cycle | None = None
    for fill in sorted(fills, key=lambda f: f.time):
        sign = 1 if fill.side == "buy" else -1
        remaining = fill.quantity
        fee_left = fill.fee  # split pro rata; the last piece takes the exact rest
        while remaining > 0 and lots and lots[0].direction != sign:
            assert cycle is not None
            lot = lots[0]
            qty = min(remaining, lot.quantity)
            opening_fee = lot.fee * qty / lot.quantity
            cycle.points += (fill.price - lot.price) * qty * lot.direction
            cycle.exited += qty
            cycle.exit_value += fill.price * qty
            closing_fee = fee_left * qty / remaining
            fee_left -= closing_fee
            cycle.fees += opening_fee + closing_fee
            cycle.exit_time = fill.time
            cycle.add_key(fill.key)
            lot.quantity -= qty
            lot.fee -= opening_fee
            remaining -= qty
            if lot.quantity == 0:
                lots.popleft()
            if not lots:
                trades.append(cycle.close())
                cycle = None
        if remaining > 0:
            if cycle is None:
                cycle = _Cycle(direction=sign, entry_time=fill.time)
            cycle.entered += remaining
            cycle.entry_value += fill.price * remaining
            cycle.add_key(fill.key)
            lots.append(Lot(fill.key, fill.time, sign, remaining, fill.price, fee_left))
    pending = None
    if cycle is not None:
        pending = OpenCycle(
            direction="long" if cycle.direction > 0 else "short",
            exited=cycle.exited,
            points=cycle.points,
            fees=cycle.fees,
            execution_keys=tuple(cycle.keys),
        )
    return MatchResult(trades=trades, open_lots=list(lots), open_cycle=pending)
