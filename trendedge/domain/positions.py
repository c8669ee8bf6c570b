"""Net position per contract: applying fills, realising closed trades, unrealised P&L.

Money amounts are in the contract currency and keep full Decimal precision (no rounding
to cents); only commission shares split pro rata are rounded (see `COMMISSION_QUANTUM`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Literal

from trendedge.domain import risk
from trendedge.domain.contracts import ContractSpec
from trendedge.domain.fills import Side, SimulatedFill

Direction = Literal["long", "short"]
PositionAction = Literal["open", "add", "reduce", "close", "reverse"]

COMMISSION_QUANTUM = Decimal("1E-10")
"""A commission split pro rata is rounded to this quantum when it does not divide exactly;
the remainder stays with the other part, so the parts always add up to the whole exactly."""

_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class PositionState:
    """The net position in one contract.

    `quantity` is signed (+long, -short, 0 flat); `avg_entry_price` is the volume-weighted
    entry (0 when flat); `open_commission` is entry commission not yet attributed to a
    closed trade. Raises ValueError when these disagree (e.g. flat with an entry price).
    """

    quantity: Decimal = _ZERO
    avg_entry_price: Decimal = _ZERO
    opened_at: datetime | None = None
    open_commission: Decimal = _ZERO
    stop: Decimal | None = None
    target: Decimal | None = None
    setup: str | None = None

    def __post_init__(self) -> None:
        if self.open_commission < 0:
            raise ValueError("open_commission must not be negative")
        if self.quantity == 0:
            if self.avg_entry_price != 0 or self.open_commission != 0:
                raise ValueError("a flat position has no entry price and no open commission")
        elif self.avg_entry_price <= 0 or self.opened_at is None:
            raise ValueError("an open position needs a positive entry price and opened_at")

    @classmethod
    def flat(cls) -> PositionState:
        """No position."""
        return cls()

    @property
    def is_flat(self) -> bool:
        """True when no contracts are held."""
        return self.quantity == 0

    @property
    def direction(self) -> Direction | None:
        """ "long", "short", or None when flat."""
        if self.quantity == 0:
            return None
        return "long" if self.quantity > 0 else "short"


@dataclass(frozen=True, slots=True)
class FillEvent:
    """An execution to apply to a position; `commission` is the total for `quantity`.

    Optional stop/target/setup travel with the fill (from the alert). Raises ValueError
    when quantity or price is not positive or commission is negative.
    """

    side: Side
    quantity: Decimal
    price: Decimal
    commission: Decimal
    time: datetime
    stop: Decimal | None = None
    target: Decimal | None = None
    setup: str | None = None

    def __post_init__(self) -> None:
        if not self.quantity > 0:
            raise ValueError(f"quantity must be positive, got {self.quantity}")
        if not self.price > 0:
            raise ValueError(f"price must be positive, got {self.price}")
        if self.commission < 0:
            raise ValueError(f"commission must not be negative, got {self.commission}")

    @classmethod
    def from_simulated(
        cls,
        fill: SimulatedFill,
        *,
        time: datetime,
        stop: Decimal | None = None,
        target: Decimal | None = None,
        setup: str | None = None,
    ) -> FillEvent:
        """The event for a simulated fill executed at `time`."""
        return cls(
            side=fill.side,
            quantity=fill.quantity,
            price=fill.price,
            commission=fill.commission,
            time=time,
            stop=stop,
            target=target,
            setup=setup,
        )


@dataclass(frozen=True, slots=True)
class ClosedTrade:
    """A round trip (or part of one) realised by a reducing, closing or reversing fill.

    gross_pnl = (exit - entry) * quantity * point_value * (+1 long / -1 short);
    commission = pro-rata share of the entry commission + the closing fill's commission for
    this quantity; net_pnl = gross_pnl - commission.

    r_multiple = (exit - entry) * direction / |entry - stop| (`trendedge.domain.risk`), using
    the stop in force when the trade closed and the average entry: the price result in units
    of initial risk, before commission (so it measures the trade, not the costs). None
    without a stop or when the stop equals the entry (no risk defined).
    """

    direction: Direction
    quantity: Decimal
    entry_price: Decimal
    exit_price: Decimal
    entry_time: datetime
    exit_time: datetime
    gross_pnl: Decimal
    commission: Decimal
    net_pnl: Decimal
    r_multiple: Decimal | None
    stop: Decimal | None = None
    target: Decimal | None = None
    setup: str | None = None


@dataclass(frozen=True, slots=True)
class FillOutcome:
    """The position after a fill, the trades it closed (0 or 1) and what the fill did."""

    new_state: PositionState
    closed: tuple[ClosedTrade, ...]
    action: PositionAction


def _pro_rata(amount: Decimal, part: Decimal, whole: Decimal) -> Decimal:
    """`amount * part / whole`, rounded to COMMISSION_QUANTUM only when not exact."""
    if part == whole:
        return amount
    share = amount * part / whole
    rounded = share.quantize(COMMISSION_QUANTUM, rounding=ROUND_HALF_EVEN)
    return share if share == rounded else rounded


def _closed_trade(
    state: PositionState,
    quantity: Decimal,
    fill: FillEvent,
    commission: Decimal,
    spec: ContractSpec,
) -> ClosedTrade:
    assert state.opened_at is not None  # guaranteed for open positions by PositionState
    direction = 1 if state.quantity > 0 else -1
    gross = (fill.price - state.avg_entry_price) * quantity * spec.point_value * direction
    return ClosedTrade(
        direction="long" if direction > 0 else "short",
        quantity=quantity,
        entry_price=state.avg_entry_price,
        exit_price=fill.price,
        entry_time=state.opened_at,
        exit_time=fill.time,
        gross_pnl=gross,
        commission=commission,
        net_pnl=gross - commission,
        r_multiple=risk.r_multiple(
            direction=direction,
            entry_price=state.avg_entry_price,
            exit_price=fill.price,
            stop=state.stop,
        ),
        stop=state.stop,
        target=state.target,
        setup=state.setup,
    )


def _opened(quantity: Decimal, fill: FillEvent, commission: Decimal) -> PositionState:
    return PositionState(
        quantity=quantity,
        avg_entry_price=fill.price,
        opened_at=fill.time,
        open_commission=commission,
        stop=fill.stop,
        target=fill.target,
        setup=fill.setup,
    )


def apply_fill(state: PositionState, fill: FillEvent, spec: ContractSpec) -> FillOutcome:
    """Apply `fill` to `state`.

    - flat → "open" at the fill price with the fill's stop/target/setup;
    - same direction → "add": volume-weighted average entry (full precision, not rounded to
      the tick), commission accrues, stop/target replaced by the fill's when it has them;
    - opposite and smaller → "reduce": one ClosedTrade at the average entry carrying the
      pro-rata entry commission and all of the fill's; the average entry is unchanged and
      the rest keeps its stop/target unless the fill brings new ones;
    - opposite and equal → "close": flat;
    - opposite and larger → "reverse": the whole position closes (the fill's commission is
      split pro rata between the closing and the opening quantity) and the remainder opens
      the other way at the fill price with the fill's stop/target/setup.
    """
    signed = fill.side.sign * fill.quantity
    if state.is_flat:
        return FillOutcome(_opened(signed, fill, fill.commission), (), "open")

    held = abs(state.quantity)
    if (signed > 0) == (state.quantity > 0):
        total = held + fill.quantity
        avg = (state.avg_entry_price * held + fill.price * fill.quantity) / total
        added = replace(
            state,
            quantity=state.quantity + signed,
            avg_entry_price=avg,
            open_commission=state.open_commission + fill.commission,
            stop=state.stop if fill.stop is None else fill.stop,
            target=state.target if fill.target is None else fill.target,
            setup=state.setup if state.setup is not None else fill.setup,
        )
        return FillOutcome(added, (), "add")

    if fill.quantity < held:
        entry_share = _pro_rata(state.open_commission, fill.quantity, held)
        trade = _closed_trade(state, fill.quantity, fill, entry_share + fill.commission, spec)
        reduced = replace(
            state,
            quantity=state.quantity + signed,
            open_commission=state.open_commission - entry_share,
            stop=state.stop if fill.stop is None else fill.stop,
            target=state.target if fill.target is None else fill.target,
        )
        return FillOutcome(reduced, (trade,), "reduce")

    if fill.quantity == held:
        trade = _closed_trade(state, held, fill, state.open_commission + fill.commission, spec)
        return FillOutcome(PositionState.flat(), (trade,), "close")

    closing_share = _pro_rata(fill.commission, held, fill.quantity)
    trade = _closed_trade(state, held, fill, state.open_commission + closing_share, spec)
    reversed_ = _opened(state.quantity + signed, fill, fill.commission - closing_share)
    return FillOutcome(reversed_, (trade,), "reverse")


def unrealized_pnl(state: PositionState, last_price: Decimal, spec: ContractSpec) -> Decimal:
    """Open P&L at `last_price` before commission: (last - avg entry) * signed qty * point
    value, in the contract currency; 0 when flat."""
    if state.is_flat:
        return _ZERO
    return (last_price - state.avg_entry_price) * state.quantity * spec.point_value


def apply_default_stop(
    outcome: FillOutcome, *, ticks: int | None, tick_size: Decimal
) -> FillOutcome:
    """The account's default stop rule applied to a fill's outcome.

    With `ticks` set, an open position without a stop gets the stop `ticks` ticks against
    its average entry, and a closed trade without a stop gets one against its entry (and
    so an R multiple). With `ticks` None the outcome is returned unchanged.
    """
    if ticks is None:
        return outcome
    state = outcome.new_state
    if not state.is_flat and state.stop is None:
        stop = risk.default_stop(
            direction=1 if state.quantity > 0 else -1,
            entry_price=state.avg_entry_price,
            ticks=ticks,
            tick_size=tick_size,
        )
        state = replace(state, stop=stop)
    closed = []
    for trade in outcome.closed:
        if trade.stop is None:
            stop = risk.default_stop(
                direction=trade.direction,
                entry_price=trade.entry_price,
                ticks=ticks,
                tick_size=tick_size,
            )
            trade = replace(
                trade,
                stop=stop,
                r_multiple=risk.r_multiple(
                    direction=trade.direction,
                    entry_price=trade.entry_price,
                    exit_price=trade.exit_price,
                    stop=stop,
                ),
            )
        closed.append(trade)
    return FillOutcome(state, tuple(closed), outcome.action)
