"""The transparent paper-trading fill model: tick rounding, adverse slippage, commission."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from trendedge.domain.contracts import ContractSpec


class Side(StrEnum):
    """Order side; `sign` is +1 for buy and -1 for sell."""

    BUY = "buy"
    SELL = "sell"

    @property
    def sign(self) -> int:
        """+1 for buy, -1 for sell."""
        return 1 if self is Side.BUY else -1

    @property
    def opposite(self) -> Side:
        """The other side."""
        return Side.SELL if self is Side.BUY else Side.BUY


@dataclass(frozen=True, slots=True)
class SimulatedFill:
    """A simulated execution: `price` is `reference_price` on the tick grid, moved
    `slippage_ticks` against the trader; `commission` is the total for `quantity`."""

    side: Side
    quantity: Decimal
    reference_price: Decimal
    price: Decimal
    slippage_ticks: int
    commission: Decimal


def round_to_tick(price: Decimal, tick: Decimal) -> Decimal:
    """`price` rounded to the nearest multiple of `tick`; exact halves round up (away from 0).

    Raises ValueError when tick is not positive.
    """
    if not tick > 0:
        raise ValueError("tick must be positive")
    return (price / tick).quantize(Decimal(1), rounding=ROUND_HALF_UP) * tick


def simulate_fill(
    *,
    spec: ContractSpec,
    side: Side,
    quantity: Decimal,
    reference_price: Decimal,
    slippage_ticks: int,
    commission_per_side: Decimal | None = None,
) -> SimulatedFill:
    """Fill `quantity` contracts at `reference_price` rounded to the tick grid and then moved
    `slippage_ticks` ticks against the trader (buys higher, sells lower).

    Commission is `commission_per_side` (the account's override; `spec`'s default when None)
    * quantity. Raises ValueError naming the parameter when quantity or reference_price is
    not positive, slippage_ticks or commission_per_side is negative, or the fill price would
    not be above zero.
    """
    if not quantity > 0:
        raise ValueError(f"quantity must be positive, got {quantity}")
    if not reference_price > 0:
        raise ValueError(f"reference_price must be positive, got {reference_price}")
    if slippage_ticks < 0:
        raise ValueError(f"slippage_ticks must not be negative, got {slippage_ticks}")
    rate = spec.commission_per_side if commission_per_side is None else commission_per_side
    if rate < 0:
        raise ValueError(f"commission_per_side must not be negative, got {rate}")
    on_grid = round_to_tick(reference_price, spec.tick_size)
    price = on_grid + side.sign * slippage_ticks * spec.tick_size
    if price <= 0:
        raise ValueError(
            f"reference_price {reference_price} with slippage_ticks {slippage_ticks} "
            f"would fill a {side} at {price}, not above zero"
        )
    return SimulatedFill(
        side=side,
        quantity=quantity,
        reference_price=reference_price,
        price=price,
        slippage_ticks=slippage_ticks,
        commission=rate * quantity,
    )
