"""FX rates and user preferences on the real database: loading, overrides, isolation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.models import FxRate
from trendedge.services import fx_rates, preferences
from trendedge.services.errors import InvalidInputError, NotFoundError
from trendedge.services.users import upsert_oidc_user

ECB = "Date,USD,GBP,\n2026-10-30,1.1172,0.8338,\n2026-10-29,1.113,0.83578,\n"


async def make_user(session: AsyncSession, subject: str) -> int:
    user = await upsert_oidc_user(
        session=session, issuer="https://issuer.test", subject=subject, email=None, name=None
    )
    assert user.id is not None
    return user.id


async def count_rates(session: AsyncSession) -> int:
    return (await session.exec(select(func.count()).select_from(FxRate))).one()


async def test_ecb_file_loads_and_reloading_does_not_duplicate(db: AsyncSession) -> None:
    loaded = await fx_rates.load_ecb_file(session=db, text=ECB, user_id=None)
    assert (loaded.rates, loaded.days, loaded.currencies) == (4, 2, ("GBP", "USD"))
    await fx_rates.load_ecb_file(session=db, text=ECB.replace("1.1172", "1.2"), user_id=None)
    await db.commit()
    assert await count_rates(db) == 4
    alice = await make_user(db, "alice")
    table = await fx_rates.rate_table(
        session=db,
        user_id=alice,
        currencies={"USD"},
        start=date(2026, 10, 30),
        end=date(2026, 10, 30),
    )
    applied = table.rate_on("USD", date(2026, 10, 30))
    assert applied is not None and applied.rate == Decimal("1.2")  # the reload updated it


async def test_a_bad_cell_stores_nothing_and_names_the_line(db: AsyncSession) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await fx_rates.load_ecb_file(session=db, text=ECB + "2026-10-28,abc,0.8\n", user_id=None)
    assert "line 4: USD: not a number" in caught.value.details["file"]
    await db.rollback()
    assert await count_rates(db) == 0


async def test_own_rates_override_shared_for_that_user_only(db: AsyncSession) -> None:
    alice, bob = await make_user(db, "alice"), await make_user(db, "bob")
    await fx_rates.load_ecb_file(session=db, text=ECB, user_id=None)
    await fx_rates.set_manual_rate(
        session=db, user_id=alice, day=date(2026, 10, 30), currency="usd", rate="1,25"
    )
    await db.commit()
    day = date(2026, 10, 30)
    for user, expected in ((alice, Decimal("1.25")), (bob, Decimal("1.1172"))):
        table = await fx_rates.rate_table(
            session=db, user_id=user, currencies={"USD", "EUR"}, start=day, end=day
        )
        applied = table.rate_on("USD", day)
        assert applied is not None and applied.rate == expected
    (own,) = await fx_rates.list_own_rates(session=db, user_id=alice)
    assert await fx_rates.list_own_rates(session=db, user_id=bob) == []
    with pytest.raises(NotFoundError):
        await fx_rates.delete_own_rate(session=db, user_id=bob, rate_id=own.id or 0)
    await fx_rates.delete_own_rate(session=db, user_id=alice, rate_id=own.id or 0)
    await db.commit()
    assert await fx_rates.list_own_rates(session=db, user_id=alice) == []


@pytest.mark.parametrize(
    ("currency", "rate", "field"),
    [
        ("XXQ", "1.1", "currency"),
        ("EUR", "1", "currency"),
        ("USD", "0", "rate"),
        ("USD", "x", "rate"),
    ],
)
async def test_manual_rate_errors_name_the_field(
    db: AsyncSession, currency: str, rate: str, field: str
) -> None:
    alice = await make_user(db, "alice")
    with pytest.raises(InvalidInputError) as caught:
        await fx_rates.set_manual_rate(
            session=db, user_id=alice, day=date(2026, 1, 5), currency=currency, rate=rate
        )
    assert field in caught.value.details


async def test_bundled_history_loads_once(db: AsyncSession) -> None:
    assert await fx_rates.ensure_bundled_rates(session=db) is True
    await db.commit()
    loaded = await count_rates(db)
    assert loaded > 5_000
    assert await fx_rates.ensure_bundled_rates(session=db) is False
    assert await count_rates(db) == loaded


async def test_preferences_default_update_and_validation(db: AsyncSession) -> None:
    alice, bob = await make_user(db, "alice"), await make_user(db, "bob")
    defaults = await preferences.get_preferences(session=db, user_id=alice)
    assert (defaults.default_currency, defaults.show_converted, defaults.time_zone) == (
        "USD",
        True,
        "UTC",
    )
    saved = await preferences.update_preferences(
        session=db,
        user_id=alice,
        data={"default_currency": "eur", "time_zone": "Europe/Berlin", "show_converted": "off"},
    )
    await db.commit()
    assert (saved.default_currency, saved.show_converted, saved.time_zone) == (
        "EUR",
        False,
        "Europe/Berlin",
    )
    again = await preferences.update_preferences(
        session=db, user_id=alice, data={"time_zone": "UTC"}
    )
    assert (again.default_currency, again.time_zone) == ("EUR", "UTC")  # other keys kept
    assert (await preferences.get_preferences(session=db, user_id=bob)).default_currency == "USD"
    with pytest.raises(InvalidInputError) as caught:
        await preferences.update_preferences(
            session=db, user_id=alice, data={"default_currency": "EURO", "time_zone": "Mars/Base"}
        )
    assert set(caught.value.details) == {"default_currency", "time_zone"}
