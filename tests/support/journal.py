"""Journal test data: closed trades inserted directly, and real images made with Pillow."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from PIL import Image

from trendedge.db import session_scope
from trendedge.models import Playbook, Trade
from trendedge.services.tenancy import new_owned


async def insert_trade(
    *,
    user_id: int,
    account_id: int,
    symbol: str = "ESZ5",
    root: str = "ES",
    direction: str = "long",
    exit_time: datetime | None = None,
    net_pnl: str = "125.00",
    setup: str | None = None,
    playbook_id: int | None = None,
) -> int:
    """A closed trade of `user_id` (committed); its id."""
    exit_at = exit_time or datetime(2025, 3, 14, 15, 30, tzinfo=UTC)
    async with session_scope() as session:
        trade = new_owned(
            Trade,
            user_id=user_id,
            account_id=account_id,
            root=root,
            symbol=symbol,
            direction=direction,
            quantity=Decimal(1),
            entry_price=Decimal("5000.25"),
            exit_price=Decimal("5002.75"),
            entry_time=exit_at - timedelta(minutes=20),
            exit_time=exit_at,
            gross_pnl=Decimal(net_pnl) + Decimal("4.50"),
            commission=Decimal("4.50"),
            net_pnl=Decimal(net_pnl),
            currency="USD",
            source="manual",
            setup=setup,
            playbook_id=playbook_id,
        )
        session.add(trade)
        await session.flush()
        assert trade.id is not None
        return trade.id


async def insert_playbook(*, user_id: int, name: str) -> int:
    async with session_scope() as session:
        playbook = new_owned(Playbook, user_id=user_id, name=name, rules=["wait for the close"])
        session.add(playbook)
        await session.flush()
        assert playbook.id is not None
        return playbook.id


def image_bytes(fmt: str, size: tuple[int, int] = (64, 40)) -> bytes:
    """A real, complete image in Pillow format `fmt` (PNG, JPEG, WEBP)."""
    img = Image.new("RGB", size, (30, 120, 200))
    for x in range(size[0]):
        img.putpixel((x, x % size[1]), (250, 200, 0))
    out = io.BytesIO()
    img.save(out, format=fmt)
    return out.getvalue()
