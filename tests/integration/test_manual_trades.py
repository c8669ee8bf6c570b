"""Manual trades and trade annotations on the real database and Redis.

Values are hand-computed: ES point value 50, tick 0.25; NQ point value 20, tick 0.25.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import select

from tests.integration.test_signal_guarantees import _accepted_signal
from tests.support.trading import make_trader
from trendedge.db import session_scope
from trendedge.models import Trade
from trendedge.services import accounts, analytics_cache, manual_trades, playbooks, users
from trendedge.services.errors import ConflictError, InvalidInputError, NotFoundError
from trendedge.services.paper_trading import execute_signal

LEGS = [
    {"kind": "entry", "time": "2026-01-05T14:30", "price": "5000", "quantity": "1"},
    {"kind": "entry", "time": "2026-01-05T14:40:00Z", "price": "4998", "quantity": "1"},
    {"kind": "exit", "time": "2026-01-05T15:00", "price": "5010", "quantity": "2"},
]


async def make_user(subject: str, **account: Any) -> tuple[int, int]:
    """(user id, id of a new USD account) — the account takes extra fields."""
    async with session_scope() as session:
        user = await users.upsert_oidc_user(
            session=session,
            issuer="urn:test",
            subject=subject,
            email=f"{subject}@x.test",
            name=None,
        )
        assert user.id is not None
        acct = await accounts.create_account(
            session=session,
            user_id=user.id,
            data={"name": "Main", "currency": "USD", "initial_balance": "10000", **account},
        )
        assert acct.id is not None
        return user.id, acct.id


def trade_data(account: int, **overrides: Any) -> dict[str, Any]:
    return {
        "account_id": str(account),
        "symbol": "ESH2026",
        "direction": "long",
        "legs": LEGS,
        "commission": "8.40",
        "stop": "4990",
        "target": "5020",
        **overrides,
    }


async def create(user_id: int, data: dict[str, Any]) -> Trade:
    async with session_scope() as session:
        return await manual_trades.create_manual_trade(session=session, user_id=user_id, data=data)


async def update(user_id: int, trade_id: int, data: dict[str, Any]) -> Trade:
    async with session_scope() as session:
        return await manual_trades.update_trade(
            session=session, user_id=user_id, trade_id=trade_id, data=data
        )


async def all_trades() -> list[Trade]:
    async with session_scope() as session:
        return list((await session.exec(select(Trade).order_by(Trade.id))).all())  # type: ignore[arg-type]


async def test_create_scaled_in_long_stores_the_aggregate(clean) -> None:
    alice, account_id = await make_user("alice")
    before = await analytics_cache.generation(user_id=alice)
    await create(alice, trade_data(account_id))

    [trade] = await all_trades()
    assert (trade.user_id, trade.account_id, trade.source) == (alice, account_id, "manual")
    assert (trade.root, trade.symbol, trade.currency, trade.direction) == (
        "ES",
        "ESH2026",
        "USD",
        "long",
    )
    assert trade.quantity == 2
    assert trade.entry_price == Decimal("4999")  # (5000 + 4998) / 2
    assert trade.exit_price == Decimal("5010")
    assert trade.entry_time.isoformat() == "2026-01-05T14:30:00+00:00"
    assert trade.exit_time.isoformat() == "2026-01-05T15:00:00+00:00"
    assert trade.gross_pnl == Decimal("1100")  # 11 points * 2 * 50
    assert trade.commission == Decimal("8.40")
    assert trade.net_pnl == Decimal("1091.60")
    assert trade.stop == Decimal("4990")
    assert trade.target == Decimal("5020")
    assert trade.risk == Decimal("900")  # 9 points * 2 * 50
    assert trade.r_multiple == Decimal("1.2222")  # 1100 / 900, before commission
    assert [leg["price"] for leg in trade.legs] == ["5000", "4998", "5010"]
    assert trade.legs[1]["time"] == "2026-01-05T14:40:00+00:00"
    assert await analytics_cache.generation(user_id=alice) == before + 1


async def test_short_with_scale_out(clean) -> None:
    alice, account_id = await make_user("alice")
    legs = [
        {"kind": "entry", "time": "2026-02-02T10:00", "price": "18000", "quantity": "3"},
        {"kind": "exit", "time": "2026-02-02T10:30", "price": "17990", "quantity": "1"},
        {"kind": "exit", "time": "2026-02-02T11:00", "price": "18006", "quantity": "2"},
    ]
    await create(
        alice,
        trade_data(account_id, symbol="NQ1!", direction="short", legs=legs, stop="", target=""),
    )
    [trade] = await all_trades()
    # exit average (17990 + 2 * 18006) / 3 = 18000.666..., short loses 0.666... * 3 * 20
    assert trade.exit_price == Decimal("18000.666666666667")
    assert trade.gross_pnl == Decimal("-40")
    assert trade.net_pnl == Decimal("-48.40")
    assert (trade.stop, trade.risk, trade.r_multiple) == (None, None, None)


async def test_bad_input_is_refused_at_the_field_and_nothing_is_stored(clean) -> None:
    alice, account_id = await make_user("alice")
    bad_legs = [dict(leg) for leg in LEGS]
    bad_legs[1]["price"] = "abc"
    cases = [
        ({"legs": bad_legs}, "legs.1.price"),
        ({"symbol": "ZZTOP"}, "symbol"),
        ({"stop": "5001"}, "stop"),  # a long's stop above its 4999 entry
        ({"legs": [*LEGS[:2], {**LEGS[2], "quantity": "1"}]}, "legs"),
        (
            {"legs": [LEGS[0], {**LEGS[2], "quantity": "1", "time": "2026-01-05T14:00"}]},
            "legs.1.time",
        ),
        ({"account_id": ""}, "account_id"),
        ({"commission": "-1"}, "commission"),
        ({"rules_followed": ["A rule"]}, "rules_followed"),
    ]
    for overrides, field in cases:
        with pytest.raises(InvalidInputError) as caught:
            await create(alice, trade_data(account_id, **overrides))
        assert field in caught.value.details, (overrides, caught.value.details)
    assert await all_trades() == []


async def test_default_stop_rule_of_the_account(clean) -> None:
    alice, account_id = await make_user("alice", default_stop_ticks="16")
    await create(alice, trade_data(account_id, stop=""))
    [trade] = await all_trades()
    assert trade.stop == Decimal("4995")  # 4999 - 16 * 0.25
    assert trade.risk == Decimal("400")  # 4 points * 2 * 50
    assert trade.r_multiple == Decimal("2.75")  # 11 / 4


async def test_edit_recomputes_and_delete_removes(clean) -> None:
    alice, account_id = await make_user("alice")
    trade = await create(alice, trade_data(account_id))
    assert trade.id is not None
    first_update = trade.updated_at
    generation = await analytics_cache.generation(user_id=alice)
    legs = [*LEGS[:2], {**LEGS[2], "price": "4994"}]
    await update(alice, trade.id, trade_data(account_id, legs=legs, target=""))
    [edited] = await all_trades()
    assert edited.gross_pnl == Decimal("-500")  # -5 points * 2 * 50
    assert edited.r_multiple == Decimal("-0.5556")  # -5 / 9
    assert edited.target is None
    assert edited.updated_at > first_update
    assert await analytics_cache.generation(user_id=alice) == generation + 1

    async with session_scope() as session:
        await manual_trades.delete_trade(session=session, user_id=alice, trade_id=trade.id)
    assert await all_trades() == []
    assert await analytics_cache.generation(user_id=alice) == generation + 2


async def test_tenant_isolation(clean) -> None:
    alice, alice_account = await make_user("alice")
    bob, bob_account = await make_user("bob")
    async with session_scope() as session:
        alice_book = await playbooks.create_playbook(
            session=session, user_id=alice, data={"name": "ORB", "rules": "Wait 5 min"}
        )
    trade = await create(alice, trade_data(alice_account))
    assert trade.id is not None
    with pytest.raises(NotFoundError):
        async with session_scope() as session:
            await manual_trades.get_trade(session=session, user_id=bob, trade_id=trade.id)
    with pytest.raises(NotFoundError):
        await update(bob, trade.id, trade_data(bob_account, legs=LEGS[:1] + LEGS[2:]))
    with pytest.raises(NotFoundError):
        async with session_scope() as session:
            await manual_trades.delete_trade(session=session, user_id=bob, trade_id=trade.id)
    with pytest.raises(NotFoundError):
        await create(bob, trade_data(alice_account))
    with pytest.raises(NotFoundError) as caught:
        await create(bob, trade_data(bob_account, playbook_id=str(alice_book.id)))
    assert "playbook_id" in caught.value.details
    [still] = await all_trades()
    assert (still.user_id, still.net_pnl, still.quantity) == (alice, Decimal("1091.60"), 2)


async def test_rules_followed_must_belong_to_the_playbook(clean) -> None:
    alice, account_id = await make_user("alice")
    async with session_scope() as session:
        book = await playbooks.create_playbook(
            session=session,
            user_id=alice,
            data={"name": "Pullback", "rules": "Trend up\nBuy the pullback\nStop below low"},
        )
    with pytest.raises(InvalidInputError) as caught:
        await create(
            alice, trade_data(account_id, playbook_id=book.id, rules_followed=["Chase it"])
        )
    assert "Chase it" in caught.value.details["rules_followed"]
    await create(
        alice,
        trade_data(account_id, playbook_id=book.id, rules_followed=["Stop below low", "Trend up"]),
    )
    [trade] = await all_trades()
    assert trade.playbook_id == book.id
    assert trade.rules_followed == ["Trend up", "Stop below low"]  # the playbook's order


async def test_paper_trade_gets_the_default_stop_and_can_only_be_annotated(clean) -> None:
    trader = await make_trader(
        "pat",
        account={"default_stop_ticks": "20", "slippage_ticks": "0", "commission_per_side": "0"},
    )
    buy = {
        "action": "buy",
        "ticker": "NQ1!",
        "contracts": "2",
        "price": "18250.25",
        "target": "18300",
    }
    sell = {"action": "sell", "ticker": "NQ1!", "contracts": "2", "price": "18260.25"}
    for key, payload in (("b", buy), ("s", sell)):
        signal_id = await _accepted_signal(trader, payload, key)
        async with session_scope() as session:
            await execute_signal(session=session, signal_id=signal_id)
    [trade] = await all_trades()
    assert trade.source == "paper"
    assert trade.stop == Decimal("18245.25")  # 18250.25 - 20 * 0.25
    assert trade.r_multiple == Decimal("2")  # 10 points / 5 points
    assert trade.risk == Decimal("200")  # 5 points * 2 * 20
    assert trade.target == Decimal("18300")
    assert trade.id is not None

    with pytest.raises(InvalidInputError) as caught:
        await update(trader.user_id, trade.id, {"legs": LEGS, "stop": "18240.25"})
    assert "legs" in caught.value.details
    await update(trader.user_id, trade.id, {"stop": "18240.25"})
    [edited] = await all_trades()
    assert (edited.stop, edited.r_multiple, edited.risk) == (
        Decimal("18240.25"),
        Decimal("1"),
        Decimal("400"),
    )
    assert edited.entry_price == trade.entry_price and edited.net_pnl == trade.net_pnl
    with pytest.raises(ConflictError):
        async with session_scope() as session:
            await manual_trades.delete_trade(
                session=session, user_id=trader.user_id, trade_id=trade.id
            )
    assert len(await all_trades()) == 1


async def test_paper_trade_without_rule_or_stop_has_no_r(clean) -> None:
    trader = await make_trader("quin", account={"slippage_ticks": "0"})
    buy = {"action": "buy", "ticker": "NQ1!", "contracts": "1", "price": "18250"}
    sell = {"action": "sell", "ticker": "NQ1!", "contracts": "1", "price": "18251"}
    for key, payload in (("b", buy), ("s", sell)):
        signal_id = await _accepted_signal(trader, payload, key)
        async with session_scope() as session:
            await execute_signal(session=session, signal_id=signal_id)
    [trade] = await all_trades()
    assert (trade.stop, trade.r_multiple, trade.risk) == (None, None, None)


async def test_deleting_a_trade_removes_its_journal_screenshot_files(clean) -> None:
    from tests.support.journal import image_bytes
    from trendedge.services import journal, screenshots
    from trendedge.settings import get_settings

    alice, account_id = await make_user("alice")
    trade = await create(alice, trade_data(account_id))
    assert trade.id is not None
    entry = await journal.save(user_id=alice, trade_id=trade.id, data={"notes": "chart"})
    async with session_scope() as session:
        shot = await screenshots.store(
            session=session,
            user_id=alice,
            entry_id=entry.id or 0,
            data=image_bytes("PNG"),
            filename="chart.png",
        )
    stored = get_settings().screenshots_path / shot.storage_name
    assert stored.is_file()
    async with session_scope() as session:
        await manual_trades.delete_trade(session=session, user_id=alice, trade_id=trade.id)
    assert not stored.exists()
