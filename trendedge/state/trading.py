"""`/trades`: per-account equity, open positions and closed trades of the signed-in user."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal

import reflex as rx

from trendedge.db import session_scope
from trendedge.models import Trade
from trendedge.services import playbooks, trading_views
from trendedge.services.trading_views import AccountEquity, OpenPosition
from trendedge.state.auth import require_user_id
from trendedge.state.display_time import show_time


def fmt_price(value: Decimal | None) -> str:
    """A price without trailing zeros but with at least 2 decimals: 18250.25, 4.3575."""
    if value is None:
        return "—"
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        return f"{normal:,f}"
    return f"{value:,.2f}"


def fmt_qty(value: Decimal) -> str:
    """A quantity as people write it: 2, 0.5."""
    return f"{value.normalize():f}"


def cents(value: Decimal) -> Decimal:
    """Rounded to 0.01, never "negative zero"."""
    rounded = value.quantize(Decimal("0.01"))
    return rounded if rounded != 0 else Decimal("0.00")


def fmt_money(value: Decimal | None) -> str:
    return "—" if value is None else f"{cents(value):,.2f}"


def fmt_time(value: datetime | None) -> str:
    """A stored (UTC) time shown in the user's zone."""
    return show_time(value, seconds=True)


def sign_of(value: Decimal | None) -> int:
    """-1, 0 or 1 of the amount as shown (in cents): the UI colours P&L by it."""
    if value is None or cents(value) == 0:
        return 0
    return 1 if value > 0 else -1


@dataclasses.dataclass
class EquityCard:
    account_id: int
    account_name: str
    currency: str
    initial_balance: str
    realized: str
    realized_sign: int
    unrealized: str
    unrealized_sign: int
    equity: str
    open_positions: int


@dataclasses.dataclass
class PositionRow:
    id: int
    account_name: str
    symbol: str
    root: str
    side: str
    quantity: str
    avg_entry: str
    last_price: str
    unrealized: str
    unrealized_sign: int
    currency: str


@dataclasses.dataclass
class TradeRow:
    id: int
    exit_time: str
    account_name: str
    symbol: str
    root: str
    direction: str
    quantity: str
    entry_price: str
    exit_price: str
    net_pnl: str
    net_sign: int
    r_multiple: str
    commission: str
    setup: str
    currency: str
    source: str = ""
    playbook: str = ""


def equity_card(item: AccountEquity) -> EquityCard:
    account = item.account
    assert account.id is not None
    return EquityCard(
        account_id=account.id,
        account_name=account.name,
        currency=account.currency,
        initial_balance=fmt_money(account.initial_balance),
        realized=fmt_money(item.realized),
        realized_sign=sign_of(item.realized),
        unrealized=fmt_money(item.unrealized),
        unrealized_sign=sign_of(item.unrealized),
        equity=fmt_money(item.equity),
        open_positions=item.open_positions,
    )


def position_row(item: OpenPosition) -> PositionRow:
    position = item.position
    assert position.id is not None
    return PositionRow(
        id=position.id,
        account_name=item.account_name,
        symbol=position.symbol,
        root=position.root,
        side="long" if position.quantity > 0 else "short",
        quantity=fmt_qty(abs(position.quantity)),
        avg_entry=fmt_price(position.avg_entry_price),
        last_price=fmt_price(position.last_price),
        unrealized=fmt_money(item.unrealized),
        unrealized_sign=sign_of(item.unrealized),
        currency=position.currency,
    )


def trade_row(
    trade: Trade, account_names: dict[int, str], playbook_names: dict[int, str] | None = None
) -> TradeRow:
    assert trade.id is not None
    return TradeRow(
        id=trade.id,
        exit_time=fmt_time(trade.exit_time),
        account_name=account_names.get(trade.account_id, "?"),
        symbol=trade.symbol,
        root=trade.root,
        direction=trade.direction,
        quantity=fmt_qty(trade.quantity),
        entry_price=fmt_price(trade.entry_price),
        exit_price=fmt_price(trade.exit_price),
        net_pnl=fmt_money(trade.net_pnl),
        net_sign=sign_of(trade.net_pnl),
        r_multiple="—" if trade.r_multiple is None else f"{trade.r_multiple:.2f}R",
        commission=fmt_money(trade.commission),
        setup=trade.setup or "",
        currency=trade.currency,
        source=trade.source,
        playbook=(playbook_names or {}).get(trade.playbook_id or 0, ""),
    )


class TradingState(rx.State):
    """Equity cards, open positions and recent closed trades; LiveState refreshes it."""

    equity: list[EquityCard] = []
    positions: list[PositionRow] = []
    trades: list[TradeRow] = []
    loaded: bool = False

    async def _reload(self, user_id: int) -> None:
        """Re-read everything for `user_id` (also called by LiveState on events)."""
        async with session_scope() as session:
            equity = await trading_views.account_equity(session=session, user_id=user_id)
            positions = await trading_views.open_positions(session=session, user_id=user_id)
            trades = await trading_views.recent_trades(session=session, user_id=user_id)
            books = await playbooks.playbook_names(session=session, user_id=user_id)
        names = {e.account.id: e.account.name for e in equity if e.account.id is not None}
        self.equity = [equity_card(e) for e in equity]
        self.positions = [position_row(p) for p in positions]
        self.trades = [trade_row(t, names, books) for t in trades]
        self.loaded = True

    @rx.event
    async def load(self):
        user_id = await require_user_id(self)
        if user_id is not None:
            await self._reload(user_id)
