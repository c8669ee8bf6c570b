"""Set up users, accounts and webhook tokens through the real services."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlmodel import col, select

from trendedge.db import session_scope
from trendedge.models import Fill, Order, Position, Signal, Trade
from trendedge.services import accounts, users, webhook_tokens


@dataclass(frozen=True)
class Trader:
    user_id: int
    account_id: int
    token_id: int
    raw_token: str

    def url(self, base: str) -> str:
        return f"{base}{webhook_tokens.WEBHOOK_PATH}{self.raw_token}"


async def make_trader(
    subject: str,
    *,
    account: dict[str, Any] | None = None,
    hmac_secret: str | None = None,
    allowed_ips: str = "",
) -> Trader:
    async with session_scope() as session:
        user = await users.upsert_oidc_user(
            session=session,
            issuer="urn:test",
            subject=subject,
            email=f"{subject}@example.com",
            name=subject,
        )
        assert user.id is not None
        acct = await accounts.create_account(
            session=session,
            user_id=user.id,
            data={
                "name": "Paper",
                "currency": "USD",
                "initial_balance": "50000",
                **(account or {}),
            },
        )
        assert acct.id is not None
        issued = await webhook_tokens.create_token(
            session=session,
            user_id=user.id,
            account_id=acct.id,
            hmac_secret=hmac_secret,
            allowed_ips=allowed_ips,
        )
        assert issued.token.id is not None
        return Trader(user.id, acct.id, issued.token.id, issued.raw)


async def rows(model: type, **where: Any) -> list[Any]:
    async with session_scope() as session:
        query = select(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return list((await session.exec(query.order_by(col(model.id)))).all())


async def position_quantity(account_id: int, root: str) -> Decimal:
    found = await rows(Position, account_id=account_id, root=root)
    return found[0].quantity if found else Decimal(0)


__all__ = [
    "Fill",
    "Order",
    "Position",
    "Signal",
    "Trade",
    "Trader",
    "make_trader",
    "position_quantity",
    "rows",
]
