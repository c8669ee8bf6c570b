"""Playbooks on the real database and Redis: CRUD, tenant isolation, statistics by hand."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import select

from tests.integration.test_manual_trades import create, make_user, trade_data
from trendedge.db import session_scope
from trendedge.models import Playbook, Trade
from trendedge.services import analytics_cache, playbooks
from trendedge.services.errors import ConflictError, InvalidInputError, NotFoundError
from trendedge.services.playbook_stats import playbook_stats

RULES = "Trend up on 15m\nBuy the first pullback\n\nStop below the swing low"


async def new_playbook(user_id: int, **data: Any) -> Playbook:
    async with session_scope() as session:
        return await playbooks.create_playbook(
            session=session, user_id=user_id, data={"name": "Pullback", "rules": RULES, **data}
        )


def one_lot(price_in: str, price_out: str, day: int, *, direction: str = "long") -> list[dict]:
    return [
        {"kind": "entry", "time": f"2026-03-{day:02d}T14:30", "price": price_in, "quantity": "1"},
        {"kind": "exit", "time": f"2026-03-{day:02d}T15:30", "price": price_out, "quantity": "1"},
    ]


async def test_create_update_list_and_unique_name(clean) -> None:
    alice, _ = await make_user("alice")
    bob, _ = await make_user("bob")
    generation = await analytics_cache.generation(user_id=alice)
    book = await new_playbook(alice, description="  **Buy** dips <script>x</script> ")
    assert book.rules == ["Trend up on 15m", "Buy the first pullback", "Stop below the swing low"]
    assert book.description == "**Buy** dips <script>x</script>"  # stored as typed
    assert await analytics_cache.generation(user_id=alice) == generation + 1

    with pytest.raises(ConflictError) as caught:
        await new_playbook(alice, name=" Pullback ")
    assert "name" in caught.value.details
    await new_playbook(bob)  # the same name for another user is fine

    assert book.id is not None
    async with session_scope() as session:
        await playbooks.update_playbook(
            session=session,
            user_id=alice,
            playbook_id=book.id,
            data={"name": "Pullback v2", "description": "", "rules": ["Only A+ setups"]},
        )
    async with session_scope() as session:
        items = await playbooks.list_playbooks(session=session, user_id=alice)
    assert [(i.playbook.name, i.playbook.rules, i.trades) for i in items] == [
        ("Pullback v2", ["Only A+ setups"], 0)
    ]
    assert await analytics_cache.generation(user_id=alice) == generation + 2


@pytest.mark.parametrize(
    ("data", "field", "part"),
    [
        ({"name": "   "}, "name", "Enter a name"),
        ({"name": "x" * 101}, "name", "100"),
        ({"rules": "One\nTwo\none"}, "rules", "Line 3"),
        ({"rules": "ok\n" + "y" * 201}, "rules", "Line 2"),
        ({"description": "d" * 10_001}, "description", "10,000"),
    ],
)
async def test_invalid_playbook_is_refused_at_the_field(
    clean, data: dict, field: str, part: str
) -> None:
    alice, _ = await make_user("alice")
    with pytest.raises(InvalidInputError) as caught:
        await new_playbook(alice, **data)
    assert part in caught.value.details[field]
    async with session_scope() as session:
        assert (await session.exec(select(Playbook))).all() == []


async def test_tenant_isolation(clean) -> None:
    alice, _ = await make_user("alice")
    bob, _ = await make_user("bob")
    book = await new_playbook(alice)
    assert book.id is not None
    calls = [
        lambda s: playbooks.get_playbook(session=s, user_id=bob, playbook_id=book.id),
        lambda s: playbooks.update_playbook(
            session=s, user_id=bob, playbook_id=book.id, data={"name": "Mine now"}
        ),
        lambda s: playbooks.delete_playbook(session=s, user_id=bob, playbook_id=book.id),
        lambda s: playbook_stats(session=s, user_id=bob, playbook_id=book.id),
    ]
    for call in calls:
        with pytest.raises(NotFoundError):
            async with session_scope() as session:
                await call(session)
    async with session_scope() as session:
        assert await playbooks.list_playbooks(session=session, user_id=bob) == []
        [kept] = (await session.exec(select(Playbook))).all()
    assert (kept.user_id, kept.name) == (alice, "Pullback")


async def test_stats_by_hand_and_delete_unlinks_trades(clean) -> None:
    alice, account = await make_user("alice")
    book = await new_playbook(alice)
    assert book.id is not None
    trend, pullback, stop = book.rules
    # ES: 50 per point; commission 5 each; stop 4 points below a long's entry.
    specs = [
        (one_lot("5000", "5008", 2), "4996", [trend, pullback, stop]),  # +400 gross, R 2
        (one_lot("5000", "4996", 3), "4996", [trend]),  # -200 gross, R -1
        (one_lot("5000", "5004", 4), "4996", [trend, pullback, stop]),  # +200 gross, R 1
    ]
    for legs, stop_price, followed in specs:
        await create(
            alice,
            trade_data(
                account,
                legs=legs,
                commission="5",
                stop=stop_price,
                target="",
                playbook_id=str(book.id),
                rules_followed=followed,
            ),
        )
    await create(alice, trade_data(account))  # not in the playbook

    async with session_scope() as session:
        stats = await playbook_stats(session=session, user_id=alice, playbook_id=book.id)
        [item] = await playbooks.list_playbooks(session=session, user_id=alice)
    s = stats.summary
    assert (s.trades, s.wins, s.losses) == (3, 2, 1)
    assert s.net_pnl == pytest.approx(385.0)  # 395 - 205 + 195
    assert s.win_rate == pytest.approx(2 / 3)
    assert s.profit_factor == pytest.approx(590 / 205)
    assert s.expectancy == pytest.approx(385 / 3)
    assert s.expectancy_r == pytest.approx(2 / 3)  # (2 - 1 + 1) / 3
    assert [(r.rule, r.followed) for r in stats.rules] == [(trend, 3), (pullback, 2), (stop, 2)]
    assert stats.rules[1].rate == pytest.approx(2 / 3)
    assert (stats.all_followed_trades, stats.all_followed_pnl) == (2, pytest.approx(590.0))
    assert (stats.not_all_followed_trades, stats.not_all_followed_pnl) == (1, pytest.approx(-205))
    assert list(stats.equity.equity) == pytest.approx([395.0, 190.0, 385.0])
    assert stats.currencies == ("USD",)
    assert (item.trades, item.net_pnl) == (3, Decimal("385"))

    # Dropping a rule drops it from the trades that recorded it.
    async with session_scope() as session:
        await playbooks.update_playbook(
            session=session,
            user_id=alice,
            playbook_id=book.id,
            data={"name": "Pullback", "rules": f"{trend}\n{stop}"},
        )
    assert sorted(map(tuple, await followed_by_trade())) == [
        (),
        (trend,),
        (trend, stop),
        (trend, stop),
    ]

    generation = await analytics_cache.generation(user_id=alice)
    async with session_scope() as session:
        await playbooks.delete_playbook(session=session, user_id=alice, playbook_id=book.id)
    async with session_scope() as session:
        linked = (await session.exec(select(Trade.playbook_id, Trade.rules_followed))).all()
        assert (await session.exec(select(Playbook))).all() == []
    assert [tuple(row) for row in linked] == [(None, [])] * 4
    assert await analytics_cache.generation(user_id=alice) == generation + 1


async def test_empty_playbook_stats(clean) -> None:
    alice, _ = await make_user("alice")
    book = await new_playbook(alice, rules="")
    assert book.id is not None
    async with session_scope() as session:
        stats = await playbook_stats(session=session, user_id=alice, playbook_id=book.id)
    assert (stats.summary.trades, stats.summary.win_rate, stats.rules) == (0, None, ())
    assert len(stats.equity.equity) == 0


async def followed_by_trade() -> list[list[str]]:
    async with session_scope() as session:
        return list((await session.exec(select(Trade.rules_followed))).all())
