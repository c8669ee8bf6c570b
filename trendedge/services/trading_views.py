"""Read models for the trading pages: positions, trades, signals, equity (tenant-scoped)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.domain.contracts import contract_specs
from trendedge.domain.positions import unrealized_pnl
from trendedge.models import Account, Position, Signal, SignalStatus, Trade
from trendedge.services.paper_trading import position_state
from trendedge.services.tenancy import owned_by


@dataclass(frozen=True)
class OpenPosition:
    position: Position
    account_name: str
    unrealized: Decimal | None


@dataclass(frozen=True)
class AccountEquity:
    account: Account
    realized: Decimal
    unrealized: Decimal
    open_positions: int

    @property
    def equity(self) -> Decimal:
        return self.account.initial_balance + self.realized + self.unrealized


def _unrealized(position: Position) -> Decimal | None:
    spec = contract_specs().get(position.root)
    if spec is None or position.last_price is None:
        return None
    state = position_state(position)
    return unrealized_pnl(state, position.last_price, spec)


async def open_positions(*, session: AsyncSession, user_id: int) -> list[OpenPosition]:
    """Non-flat positions with unrealized P&L at the last known price."""
    query = (
        owned_by(Position, user_id=user_id)
        .where(Position.quantity != 0)
        .order_by(col(Position.account_id), col(Position.root))
    )
    positions = (await session.exec(query)).all()
    names = await _account_names(session, user_id)
    return [OpenPosition(p, names.get(p.account_id, "?"), _unrealized(p)) for p in positions]


async def recent_trades(*, session: AsyncSession, user_id: int, limit: int = 200) -> list[Trade]:
    query = (
        owned_by(Trade, user_id=user_id)
        .order_by(col(Trade.exit_time).desc(), col(Trade.id).desc())
        .limit(limit)
    )
    return list((await session.exec(query)).all())


async def recent_signals(
    *, session: AsyncSession, user_id: int, limit: int = 200, status: SignalStatus | None = None
) -> list[Signal]:
    query = owned_by(Signal, user_id=user_id)
    if status is not None:
        query = query.where(Signal.status == status)
    query = query.order_by(col(Signal.id).desc()).limit(limit)
    return list((await session.exec(query)).all())


async def _account_names(session: AsyncSession, user_id: int) -> dict[int, str]:
    rows = (await session.exec(owned_by(Account, user_id=user_id))).all()
    return {a.id: a.name for a in rows if a.id is not None}


async def account_equity(*, session: AsyncSession, user_id: int) -> list[AccountEquity]:
    """Per account: initial balance + realized net P&L + unrealized P&L."""
    accounts = (
        await session.exec(owned_by(Account, user_id=user_id).order_by(col(Account.name)))
    ).all()
    realized_query = (
        select(Trade.account_id, func.coalesce(func.sum(Trade.net_pnl), 0))
        .where(Trade.user_id == user_id)
        .group_by(col(Trade.account_id))
    )
    realized = {a: Decimal(v) for a, v in (await session.exec(realized_query)).all()}
    positions = await open_positions(session=session, user_id=user_id)
    result = []
    for account in accounts:
        mine = [p for p in positions if p.position.account_id == account.id]
        unrealized = sum((p.unrealized or Decimal(0) for p in mine), Decimal(0))
        result.append(
            AccountEquity(
                account=account,
                realized=realized.get(account.id or 0, Decimal(0)),
                unrealized=unrealized,
                open_positions=len(mine),
            )
        )
    return result
