"""The KPI dashboard on the real database: hand-computed conversions and isolation."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.models import Account, Trade
from trendedge.services import cash_transactions, fx_rates, kpis
from trendedge.services.errors import InvalidInputError, NotFoundError
from trendedge.services.tenancy import new_owned
from trendedge.services.users import upsert_oidc_user

RATES = "Date,USD,GBP\n2026-10-30,1.10,0.85\n2026-10-29,1.25,0.80\n"


async def make_user(session: AsyncSession, subject: str) -> int:
    user = await upsert_oidc_user(
        session=session, issuer="https://issuer.test", subject=subject, email=None, name=None
    )
    assert user.id is not None
    return user.id


async def make_account(session: AsyncSession, user_id: int, name: str, currency: str) -> int:
    account = new_owned(
        Account, user_id=user_id, name=name, currency=currency, initial_balance=Decimal(1000)
    )
    session.add(account)
    await session.flush()
    assert account.id is not None
    return account.id


async def add_trade(
    session: AsyncSession, user_id: int, account_id: int, net: str, at: datetime, currency: str
) -> None:
    session.add(
        new_owned(
            Trade,
            user_id=user_id,
            account_id=account_id,
            root="ES",
            symbol="ES1!",
            direction="long",
            quantity=Decimal(1),
            entry_price=Decimal(5000),
            exit_price=Decimal(5001),
            entry_time=at,
            exit_time=at,
            gross_pnl=Decimal(net) + 2,
            commission=Decimal(2),
            net_pnl=Decimal(net),
            currency=currency,
            source="manual",
        )
    )


async def test_two_currencies_converted_to_gbp_by_hand(db: AsyncSession) -> None:
    alice, bob = await make_user(db, "alice"), await make_user(db, "bob")
    await fx_rates.load_ecb_file(session=db, text=RATES, user_id=None)
    usd = await make_account(db, alice, "US", "USD")
    eur = await make_account(db, alice, "EU", "EUR")
    await add_trade(db, alice, usd, "250", datetime(2026, 10, 29, 15, tzinfo=UTC), "USD")
    await add_trade(db, alice, eur, "-40", datetime(2026, 10, 30, 15, tzinfo=UTC), "EUR")
    await cash_transactions.add_transaction(
        session=db,
        user_id=alice,
        account_id=eur,
        data={"kind": "deposit", "amount": "500", "occurred_at": "2026-10-30T09:00:00+00:00"},
    )
    bob_account = await make_account(db, bob, "Bob", "USD")
    await add_trade(db, bob, bob_account, "99999", datetime(2026, 10, 30, 15, tzinfo=UTC), "USD")
    await db.commit()

    board = await kpis.kpi_dashboard(
        session=db, user_id=alice, currency="GBP", as_of=date(2026, 10, 30)
    )
    by_name = {a.name: a for a in board.accounts}
    assert set(by_name) == {"US", "EU"}  # never Bob's
    # US: P&L 250 USD on the 29th = 250 / 1.25 * 0.80 = 160 GBP
    assert by_name["US"].net_pnl_converted == pytest.approx(160.0)
    # US balance 1250 USD at the 30th = 1250 / 1.10 * 0.85
    assert by_name["US"].balance_converted == pytest.approx(1250 / 1.10 * 0.85)
    # EU: -40 EUR on the 30th = -34 GBP; balance 1000 + 500 - 40 = 1460 EUR = 1241 GBP
    assert by_name["EU"].net_pnl_converted == pytest.approx(-34.0)
    assert by_name["EU"].balance_converted == pytest.approx(1241.0)
    assert board.net_pnl == pytest.approx(126.0)
    assert board.deposits == pytest.approx(425.0)
    assert board.fees == pytest.approx(2 / 1.25 * 0.80 + 2 * 0.85)
    # day change on the 30th: US nothing, EU 500 - 40 = 460 EUR = 391 GBP
    assert board.day_change == pytest.approx(391.0)
    assert board.missing_rates == []


async def test_missing_rate_shows_missing_totals(db: AsyncSession) -> None:
    alice = await make_user(db, "alice")
    await fx_rates.load_ecb_file(session=db, text=RATES, user_id=None)
    jpy = await make_account(db, alice, "JP", "JPY")
    await add_trade(db, alice, jpy, "5000", datetime(2026, 10, 29, 15, tzinfo=UTC), "JPY")
    await db.commit()
    board = await kpis.kpi_dashboard(
        session=db, user_id=alice, currency="USD", as_of=date(2026, 10, 30)
    )
    assert board.net_pnl is None and board.balance is None
    assert "JPY on 2026-10-29" in board.missing_rates
    assert board.accounts[0].net_pnl_original == 5000.0


async def test_transactions_validate_and_stay_with_their_owner(db: AsyncSession) -> None:
    alice, bob = await make_user(db, "alice"), await make_user(db, "bob")
    account = await make_account(db, alice, "US", "USD")
    with pytest.raises(NotFoundError):
        await cash_transactions.add_transaction(
            session=db, user_id=bob, account_id=account, data={"kind": "deposit", "amount": "1"}
        )
    with pytest.raises(InvalidInputError) as caught:
        await cash_transactions.add_transaction(
            session=db,
            user_id=alice,
            account_id=account,
            data={"kind": "gift", "amount": "-5", "occurred_at": "yesterday"},
        )
    assert set(caught.value.details) == {"kind", "amount", "occurred_at"}
    row = await cash_transactions.add_transaction(
        session=db, user_id=alice, account_id=account, data={"kind": "withdrawal", "amount": "7,5"}
    )
    assert row.amount == Decimal("7.5") and row.currency == "USD"
    assert await cash_transactions.list_transactions(session=db, user_id=bob) == []
    with pytest.raises(NotFoundError):
        await cash_transactions.delete_transaction(
            session=db, user_id=bob, transaction_id=row.id or 0
        )
