"""Executing an accepted signal on the paper account, in one database transaction.

Guarantees: the signal row is locked and must still be `accepted` (a retried
or duplicated job finds it `filled` and does nothing); `orders.signal_id` is
unique (a second order for one signal cannot be stored); the position row is
locked, so two signals for one account and contract are applied one after the
other and leave a consistent position.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy.dialects.postgresql import insert
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.domain.contracts import ContractSpec, resolve_symbol
from trendedge.domain.fills import Side, simulate_fill
from trendedge.domain.positions import (
    FillEvent,
    PositionState,
    apply_default_stop,
    apply_fill,
)
from trendedge.domain.risk import initial_risk
from trendedge.domain.signals import SignalError, TradingViewAlert, plan_order
from trendedge.models import Account, Fill, Order, Position, Signal, SignalStatus, Trade
from trendedge.models._base import utcnow
from trendedge.models.account import FillBasis


@dataclass
class Execution:
    """What executing one signal did (for events and responses)."""

    user_id: int
    signal_id: int
    status: SignalStatus
    reason: str = ""
    fill: Fill | None = None
    trades: list[Trade] = field(default_factory=list)
    position: Position | None = None


def _reference_price(alert: TradingViewAlert, basis: FillBasis) -> tuple[Decimal, str]:
    if basis is FillBasis.bar_close and alert.close is not None:
        return alert.close, FillBasis.bar_close.value
    return alert.price, FillBasis.alert_price.value


async def _locked_position(
    session: AsyncSession, *, signal: Signal, spec: ContractSpec, symbol: str
) -> Position:
    table = Position.__table__  # type: ignore[attr-defined]
    await session.exec(
        insert(table)
        .values(
            user_id=signal.user_id,
            account_id=signal.account_id,
            root=spec.root,
            symbol=symbol,
            quantity=0,
            avg_entry_price=0,
            open_commission=0,
            currency=spec.currency,
            updated_at=utcnow(),
        )
        .on_conflict_do_nothing(constraint="uq_positions_account_root")
    )
    query = (
        select(Position)
        .where(
            Position.account_id == signal.account_id,
            Position.root == spec.root,
            Position.user_id == signal.user_id,
        )
        .with_for_update()
    )
    return (await session.exec(query)).one()


def position_state(position: Position) -> PositionState:
    """The domain view of a stored position row."""
    return PositionState(
        quantity=position.quantity,
        avg_entry_price=position.avg_entry_price,
        opened_at=position.opened_at,
        open_commission=position.open_commission,
        stop=position.stop,
        target=position.target,
        setup=position.setup,
    )


def _store_state(position: Position, state: PositionState, *, price: Decimal, symbol: str) -> None:
    position.quantity = state.quantity
    position.avg_entry_price = state.avg_entry_price
    position.opened_at = state.opened_at
    position.open_commission = state.open_commission
    position.stop, position.target, position.setup = state.stop, state.target, state.setup
    position.last_price = price
    position.symbol = symbol
    position.updated_at = utcnow()


async def _finish(
    session: AsyncSession, signal: Signal, status: SignalStatus, reason: str = ""
) -> None:
    signal.status, signal.reason, signal.processed_at = status, reason[:1000], utcnow()
    session.add(signal)
    await session.flush()


async def execute_signal(
    *, session: AsyncSession, signal_id: int, at: datetime | None = None
) -> Execution | None:
    """Fill the accepted signal `signal_id`; None when it was already handled.

    `at` is the fill time (default: now); only replays such as the demo seeder set it.
    """
    signal = (
        await session.exec(select(Signal).where(Signal.id == signal_id).with_for_update())
    ).first()
    if signal is None or signal.status != SignalStatus.accepted:
        return None
    assert signal.id is not None
    account = (
        await session.exec(
            select(Account).where(
                Account.id == signal.account_id, Account.user_id == signal.user_id
            )
        )
    ).one()
    try:
        alert = TradingViewAlert.model_validate(signal.payload)
        spec = resolve_symbol(alert.ticker)
    except ValueError as exc:  # cannot happen for signals accepted by the webhook route
        await _finish(session, signal, SignalStatus.rejected, str(exc))
        return Execution(
            user_id=signal.user_id,
            signal_id=signal.id,
            status=SignalStatus.rejected,
            reason=str(exc),
        )
    position = await _locked_position(session, signal=signal, spec=spec, symbol=alert.ticker)
    try:
        planned = plan_order(alert, position.quantity)
    except SignalError as exc:
        reason = f"{exc.field}: {exc.message}"
        await _finish(session, signal, SignalStatus.rejected, reason)
        return Execution(
            user_id=signal.user_id,
            signal_id=signal.id,
            status=SignalStatus.rejected,
            reason=reason,
            position=position,
        )
    if planned is None:
        reason = "nothing to do: the position is already where the alert wants it"
        await _finish(session, signal, SignalStatus.ignored, reason)
        return Execution(
            user_id=signal.user_id,
            signal_id=signal.id,
            status=SignalStatus.ignored,
            reason=reason,
            position=position,
        )

    reference, basis = _reference_price(alert, account.fill_basis)
    simulated = simulate_fill(
        spec=spec,
        side=planned.side,
        quantity=planned.quantity,
        reference_price=reference,
        slippage_ticks=account.slippage_ticks,
        commission_per_side=account.commission_per_side,
    )
    now = at or utcnow()
    order = Order(
        user_id=signal.user_id,
        account_id=signal.account_id,
        signal_id=signal.id,
        symbol=alert.ticker,
        root=spec.root,
        side=planned.side.value,
        quantity=planned.quantity,
        reason=planned.reason,
    )
    session.add(order)
    await session.flush()  # the unique signal_id is the last line of defence
    assert order.id is not None
    fill = Fill(
        user_id=signal.user_id,
        account_id=signal.account_id,
        order_id=order.id,
        root=spec.root,
        side=planned.side.value,
        quantity=simulated.quantity,
        reference_price=simulated.reference_price,
        price=simulated.price,
        price_basis=basis,
        slippage_ticks=simulated.slippage_ticks,
        commission=simulated.commission,
        currency=spec.currency,
        filled_at=now,
    )
    session.add(fill)
    await session.flush()

    outcome = apply_fill(
        position_state(position),
        FillEvent(
            side=Side(planned.side),
            quantity=simulated.quantity,
            price=simulated.price,
            commission=simulated.commission,
            time=now,
            stop=alert.stop,
            target=alert.target,
            setup=alert.setup,
        ),
        spec,
    )
    outcome = apply_default_stop(
        outcome, ticks=account.default_stop_ticks, tick_size=spec.tick_size
    )
    trades = [
        Trade(
            user_id=signal.user_id,
            account_id=signal.account_id,
            root=spec.root,
            symbol=alert.ticker,
            direction=t.direction,
            quantity=t.quantity,
            entry_price=t.entry_price,
            exit_price=t.exit_price,
            entry_time=t.entry_time,
            exit_time=t.exit_time,
            gross_pnl=t.gross_pnl,
            commission=t.commission,
            net_pnl=t.net_pnl,
            r_multiple=t.r_multiple,
            stop=t.stop,
            target=t.target,
            risk=initial_risk(
                entry_price=t.entry_price,
                stop=t.stop,
                quantity=t.quantity,
                point_value=spec.point_value,
            ),
            setup=t.setup,
            currency=spec.currency,
            close_fill_id=fill.id,
        )
        for t in outcome.closed
    ]
    session.add_all(trades)
    _store_state(position, outcome.new_state, price=simulated.price, symbol=alert.ticker)
    session.add(position)
    await _finish(session, signal, SignalStatus.filled, f"{outcome.action}: {planned.reason}")
    return Execution(
        user_id=signal.user_id,
        signal_id=signal.id,
        status=SignalStatus.filled,
        reason=signal.reason,
        fill=fill,
        trades=trades,
        position=position,
    )


async def mark_failed(*, session: AsyncSession, signal_id: int, reason: str) -> int | None:
    """Record that processing gave up on `signal_id`; returns its user id."""
    signal = await session.get(Signal, signal_id, with_for_update=True)
    if signal is None or signal.status != SignalStatus.accepted:
        return None
    await _finish(session, signal, SignalStatus.failed, reason)
    return signal.user_id
