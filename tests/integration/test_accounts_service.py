"""services.accounts on the real database: validation, conflicts, CRUD and tenant isolation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.db import session_scope
from trendedge.models import Account
from trendedge.services import accounts
from trendedge.services.errors import ConflictError, InvalidInputError, NotFoundError
from trendedge.services.tenancy import new_owned, owned_by
from trendedge.services.users import upsert_oidc_user

ISSUER = "https://issuer.test"


async def make_user(session: AsyncSession, subject: str) -> int:
    user = await upsert_oidc_user(
        session=session, issuer=ISSUER, subject=subject, email=f"{subject}@example.com", name=None
    )
    assert user.id is not None
    return user.id


async def stored_accounts() -> list[tuple[int, str, str, Decimal, str]]:
    """Every account row as another connection sees it (committed data only)."""
    async with session_scope() as session:
        rows = (await session.exec(select(Account).order_by(Account.id))).all()  # type: ignore[arg-type]
    return [(a.user_id, a.name, a.currency, a.initial_balance, a.notes) for a in rows]


VALID = {"name": "Main", "broker": "Tradovate", "currency": "USD", "initial_balance": "50000"}


async def test_create_stores_account_and_normalises_currency(db: AsyncSession) -> None:
    alice = await make_user(db, "alice")
    account = await accounts.create_account(
        session=db,
        user_id=alice,
        data={**VALID, "name": "  Eurex  ", "currency": "eur", "initial_balance": "1234.50"},
    )
    await db.commit()

    assert account.id is not None
    assert account.user_id == alice
    assert (account.name, account.currency) == ("Eurex", "EUR")
    assert await stored_accounts() == [(alice, "Eurex", "EUR", Decimal("1234.50"), "")]


@pytest.mark.parametrize(
    ("overrides", "field", "message_part"),
    [
        ({"name": ""}, "name", "at least 1"),
        ({"name": "   "}, "name", "at least 1"),
        ({"name": "x" * 101}, "name", "at most 100"),
        ({"currency": "XYZ"}, "currency", "ISO 4217"),
        ({"currency": "usdollar"}, "currency", "ISO 4217"),
        ({"initial_balance": "-0.01"}, "initial_balance", "greater than or equal to 0"),
        ({"initial_balance": "1000000000000"}, "initial_balance", "less than"),
        ({"initial_balance": "abc"}, "initial_balance", "decimal"),
        ({"notes": "n" * 2001}, "notes", "at most 2000"),
    ],
)
async def test_create_rejects_invalid_field_by_name(
    db: AsyncSession, overrides: dict[str, str], field: str, message_part: str
) -> None:
    alice = await make_user(db, "alice")
    with pytest.raises(InvalidInputError) as caught:
        await accounts.create_account(session=db, user_id=alice, data={**VALID, **overrides})

    assert caught.value.code == "VALIDATION_ERROR"
    assert list(caught.value.details) == [field]
    assert message_part in caught.value.details[field]
    assert await accounts.list_accounts(session=db, user_id=alice) == []


async def test_create_reports_every_bad_field_at_once(db: AsyncSession) -> None:
    alice = await make_user(db, "alice")
    with pytest.raises(InvalidInputError) as caught:
        await accounts.create_account(
            session=db,
            user_id=alice,
            data={"name": "", "currency": "ABC", "initial_balance": "-5", "notes": "n" * 2001},
        )
    assert set(caught.value.details) == {"name", "currency", "initial_balance", "notes"}


async def test_limits_themselves_are_accepted(db: AsyncSession) -> None:
    alice = await make_user(db, "alice")
    account = await accounts.create_account(
        session=db,
        user_id=alice,
        data={
            "name": "x" * 100,
            "currency": "chf",
            "initial_balance": "999999999999.99",
            "notes": "n" * 2000,
        },
    )
    assert account.initial_balance == Decimal("999999999999.99")
    assert account.currency == "CHF"


async def test_duplicate_name_for_same_user_is_a_conflict_naming_the_field(
    db: AsyncSession,
) -> None:
    alice = await make_user(db, "alice")
    await accounts.create_account(session=db, user_id=alice, data=VALID)
    await db.commit()

    with pytest.raises(ConflictError) as caught:
        await accounts.create_account(session=db, user_id=alice, data={**VALID, "broker": "Other"})
    await db.rollback()

    assert caught.value.code == "CONFLICT"
    assert list(caught.value.details) == ["name"]
    assert "Main" in caught.value.message
    assert [row[1] for row in await stored_accounts()] == ["Main"]


async def test_two_users_may_use_the_same_name(db: AsyncSession) -> None:
    alice, bob = await make_user(db, "alice"), await make_user(db, "bob")
    await accounts.create_account(session=db, user_id=alice, data=VALID)
    await accounts.create_account(session=db, user_id=bob, data=VALID)
    await db.commit()

    assert sorted((row[0], row[1]) for row in await stored_accounts()) == [
        (alice, "Main"),
        (bob, "Main"),
    ]


async def test_update_replaces_fields_and_bumps_updated_at(db: AsyncSession) -> None:
    alice = await make_user(db, "alice")
    account = await accounts.create_account(session=db, user_id=alice, data=VALID)
    assert account.id is not None
    created_updated_at = account.updated_at
    await db.commit()

    updated = await accounts.update_account(
        session=db,
        user_id=alice,
        account_id=account.id,
        data={"name": "Renamed", "currency": "gbp", "initial_balance": "10", "notes": "hi"},
    )
    await db.commit()

    assert updated.id == account.id
    assert updated.updated_at > created_updated_at
    assert updated.broker == "Tradovate"  # a field left out of the update keeps its value
    assert await stored_accounts() == [(alice, "Renamed", "GBP", Decimal("10.00"), "hi")]


async def test_update_validates_and_detects_name_conflicts(db: AsyncSession) -> None:
    alice = await make_user(db, "alice")
    await accounts.create_account(session=db, user_id=alice, data=VALID)
    other = await accounts.create_account(session=db, user_id=alice, data={**VALID, "name": "B"})
    assert other.id is not None
    await db.commit()

    with pytest.raises(InvalidInputError) as invalid:
        await accounts.update_account(
            session=db, user_id=alice, account_id=other.id, data={**VALID, "currency": "QQQ"}
        )
    assert list(invalid.value.details) == ["currency"]

    with pytest.raises(ConflictError) as conflict:
        await accounts.update_account(session=db, user_id=alice, account_id=other.id, data=VALID)
    await db.rollback()
    assert list(conflict.value.details) == ["name"]
    assert sorted(row[1] for row in await stored_accounts()) == ["B", "Main"]


async def test_delete_removes_only_that_account(db: AsyncSession) -> None:
    alice = await make_user(db, "alice")
    doomed = await accounts.create_account(session=db, user_id=alice, data=VALID)
    await accounts.create_account(session=db, user_id=alice, data={**VALID, "name": "Keep"})
    assert doomed.id is not None

    await accounts.delete_account(session=db, user_id=alice, account_id=doomed.id)
    await db.commit()

    assert [row[1] for row in await stored_accounts()] == ["Keep"]
    with pytest.raises(NotFoundError):
        await accounts.get_account(session=db, user_id=alice, account_id=doomed.id)


async def test_get_unknown_id_is_not_found(db: AsyncSession) -> None:
    alice = await make_user(db, "alice")
    with pytest.raises(NotFoundError) as caught:
        await accounts.get_account(session=db, user_id=alice, account_id=999_999)
    assert caught.value.code == "NOT_FOUND"


async def test_list_returns_only_own_accounts_sorted_by_name(db: AsyncSession) -> None:
    alice, bob = await make_user(db, "alice"), await make_user(db, "bob")
    for name in ("Zeta", "Alpha"):
        await accounts.create_account(session=db, user_id=alice, data={**VALID, "name": name})
    await accounts.create_account(session=db, user_id=bob, data={**VALID, "name": "Bobs"})

    alice_rows = await accounts.list_accounts(session=db, user_id=alice)
    bob_rows = await accounts.list_accounts(session=db, user_id=bob)

    assert [a.name for a in alice_rows] == ["Alpha", "Zeta"]
    assert {a.user_id for a in alice_rows} == {alice}
    assert [a.name for a in bob_rows] == ["Bobs"]


async def test_other_user_cannot_get_update_or_delete_an_account(db: AsyncSession) -> None:
    alice, bob = await make_user(db, "alice"), await make_user(db, "bob")
    account = await accounts.create_account(session=db, user_id=alice, data=VALID)
    assert account.id is not None
    await db.commit()
    before = await stored_accounts()

    with pytest.raises(NotFoundError):
        await accounts.get_account(session=db, user_id=bob, account_id=account.id)
    with pytest.raises(NotFoundError):
        await accounts.update_account(
            session=db,
            user_id=bob,
            account_id=account.id,
            data={**VALID, "name": "Stolen", "initial_balance": "1"},
        )
    with pytest.raises(NotFoundError):
        await accounts.delete_account(session=db, user_id=bob, account_id=account.id)
    await db.commit()

    assert await stored_accounts() == before
    assert before == [(alice, "Main", "USD", Decimal("50000.00"), "")]
    assert await accounts.list_accounts(session=db, user_id=bob) == []


@pytest.mark.parametrize("bad_user_id", [None, 0, -1, True, False, "1", 1.0])
async def test_tenancy_refuses_queries_without_a_real_user_id(bad_user_id: object) -> None:
    with pytest.raises(PermissionError):
        owned_by(Account, user_id=bad_user_id)  # type: ignore[arg-type]
    with pytest.raises(PermissionError):
        new_owned(Account, user_id=bad_user_id, name="x")  # type: ignore[arg-type]


async def test_services_refuse_a_missing_user_id(db: AsyncSession) -> None:
    with pytest.raises(PermissionError):
        await accounts.list_accounts(session=db, user_id=0)
    with pytest.raises(PermissionError):
        await accounts.create_account(session=db, user_id=0, data=VALID)
    assert await stored_accounts() == []


async def test_owned_by_filters_on_the_given_user(db: AsyncSession) -> None:
    alice, bob = await make_user(db, "alice"), await make_user(db, "bob")
    db.add(new_owned(Account, user_id=alice, name="A"))
    db.add(new_owned(Account, user_id=bob, name="B"))
    await db.flush()

    rows = (await db.exec(owned_by(Account, user_id=bob))).all()

    assert [(a.user_id, a.name) for a in rows] == [(bob, "B")]


async def test_account_changes_invalidate_analytics_only_once_committed(clean) -> None:
    from trendedge.services import analytics_cache

    async with session_scope() as session:
        alice = await make_user(session, "alice")
    before = await analytics_cache.generation(user_id=alice)
    async with session_scope() as session:
        account = await accounts.create_account(session=session, user_id=alice, data=VALID)
        assert await analytics_cache.generation(user_id=alice) == before  # not yet committed
    assert await analytics_cache.generation(user_id=alice) == before + 1

    with pytest.raises(RuntimeError):
        async with session_scope() as session:
            await accounts.delete_account(session=session, user_id=alice, account_id=account.id)
            raise RuntimeError("rolled back")
    assert await analytics_cache.generation(user_id=alice) == before + 1  # rollback: no change

    async with session_scope() as session:
        await accounts.update_account(
            session=session, user_id=alice, account_id=account.id, data={**VALID, "notes": "x"}
        )
        await accounts.delete_account(session=session, user_id=alice, account_id=account.id)
    assert await analytics_cache.generation(user_id=alice) == before + 3
