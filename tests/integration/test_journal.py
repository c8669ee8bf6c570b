"""services.journal on the real database: CRUD, validation by field, search filters,
label normalisation, tenant isolation, cascade on trade delete, analytics invalidation."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlmodel import col, select

from tests.support.journal import insert_playbook, insert_trade
from tests.support.trading import make_trader
from trendedge.db import session_scope
from trendedge.domain import journal_input
from trendedge.models import JournalEntry, Trade
from trendedge.models import journal as journal_models
from trendedge.services import accounts, analytics_cache, journal
from trendedge.services.errors import InvalidInputError, NotFoundError
from trendedge.services.journal import JournalFilter


async def stored_entries() -> list[JournalEntry]:
    async with session_scope() as session:
        return list((await session.exec(select(JournalEntry).order_by(col(JournalEntry.id)))).all())


async def search(user_id: int, **filters) -> list[int]:
    async with session_scope() as session:
        rows = await journal.search(
            session=session, user_id=user_id, filters=JournalFilter(**filters)
        )
    return [row.entry_id for row in rows]


def test_domain_limits_match_the_schema() -> None:
    assert journal_input.MAX_LABELS == journal_models.MAX_TAGS
    assert journal_input.MAX_LABEL_CHARS == journal_models.MAX_TAG_CHARS
    assert journal_input.MAX_NOTES_CHARS == journal_models.MAX_NOTES_CHARS


async def test_trade_entry_create_update_and_delete(clean) -> None:
    alice = await make_trader("alice")
    trade_id = await insert_trade(user_id=alice.user_id, account_id=alice.account_id)

    created = await journal.save(
        user_id=alice.user_id,
        trade_id=trade_id,
        data={
            "notes": "# Plan\nWaited for the *retest*.",
            "tags": " Breakout, breakout ,FOMO;  late   Entry\n",
            "mistakes": ["Moved stop", "moved STOP"],
            "rating": "4",
        },
    )
    assert uuid.UUID(created.uid).version == 4
    [stored] = await stored_entries()
    assert (stored.user_id, stored.trade_id, stored.day) == (alice.user_id, trade_id, None)
    assert stored.notes == "# Plan\nWaited for the *retest*."
    assert stored.tags == ["breakout", "fomo", "late entry"]
    assert stored.mistakes == ["moved stop"]
    assert stored.rating == 4

    # Absent keys keep their value; '' clears the rating.
    updated = await journal.save(
        user_id=alice.user_id, trade_id=trade_id, data={"rating": "", "tags": "A+"}
    )
    [stored] = await stored_entries()
    assert (stored.id, stored.uid) == (created.id, created.uid)
    assert stored.notes == "# Plan\nWaited for the *retest*."
    assert (stored.tags, stored.rating) == (["a+"], None)
    assert updated.updated_at >= created.updated_at

    async with session_scope() as session:
        found = await journal.get_or_none(session=session, user_id=alice.user_id, trade_id=trade_id)
    assert found is not None and found.id == created.id

    assert created.id is not None
    await journal.delete(user_id=alice.user_id, entry_id=created.id)
    assert await stored_entries() == []


async def test_day_entry_is_one_per_day(clean) -> None:
    alice = await make_trader("alice")
    day = date(2025, 3, 14)
    first = await journal.save(user_id=alice.user_id, day=day, data={"notes": "Choppy open"})
    second = await journal.save(user_id=alice.user_id, day=day, data={"notes": "Choppy all day"})
    other = await journal.save(user_id=alice.user_id, day=date(2025, 3, 13), data={})
    assert first.id == second.id != other.id
    entries = await stored_entries()
    assert [(e.day, e.notes) for e in entries] == [
        (day, "Choppy all day"),
        (date(2025, 3, 13), ""),
    ]


@pytest.mark.parametrize(
    ("data", "field", "message_part"),
    [
        ({"rating": "0"}, "rating", "from 1 to 5"),
        ({"rating": 6}, "rating", "from 1 to 5"),
        ({"rating": "four"}, "rating", "from 1 to 5"),
        ({"rating": True}, "rating", "from 1 to 5"),
        ({"notes": "x" * 50_001}, "notes", "limit is 50,000"),
        ({"tags": ",".join(f"t{i}" for i in range(21))}, "tags", "At most 20 tags"),
        ({"tags": "ok, " + "y" * 41}, "tags", "limit is 40"),
        ({"mistakes": ["z" * 41]}, "mistakes", "The mistake 'zzz"),
    ],
)
async def test_invalid_fields_are_named_and_nothing_is_stored(
    clean, data: dict, field: str, message_part: str
) -> None:
    alice = await make_trader("alice")
    trade_id = await insert_trade(user_id=alice.user_id, account_id=alice.account_id)
    with pytest.raises(InvalidInputError) as caught:
        await journal.save(user_id=alice.user_id, trade_id=trade_id, data=data)
    assert list(caught.value.details) == [field]
    assert message_part in caught.value.details[field]
    assert await stored_entries() == []


async def test_every_bad_field_is_reported_at_once_and_update_is_not_applied(clean) -> None:
    alice = await make_trader("alice")
    trade_id = await insert_trade(user_id=alice.user_id, account_id=alice.account_id)
    await journal.save(user_id=alice.user_id, trade_id=trade_id, data={"notes": "kept"})
    with pytest.raises(InvalidInputError) as caught:
        await journal.save(
            user_id=alice.user_id,
            trade_id=trade_id,
            data={"notes": "changed", "rating": "9", "tags": "q" * 50},
        )
    assert set(caught.value.details) == {"rating", "tags"}
    [stored] = await stored_entries()
    assert stored.notes == "kept"


async def test_entry_needs_exactly_one_target(clean) -> None:
    alice = await make_trader("alice")
    trade_id = await insert_trade(user_id=alice.user_id, account_id=alice.account_id)
    for target in ({}, {"trade_id": trade_id, "day": date(2025, 1, 2)}):
        with pytest.raises(InvalidInputError) as caught:
            await journal.save(user_id=alice.user_id, data={}, **target)
        assert "target" in caught.value.details
    assert await stored_entries() == []


async def test_tenant_isolation(clean) -> None:
    alice = await make_trader("alice")
    bob = await make_trader("bob")
    trade_id = await insert_trade(user_id=alice.user_id, account_id=alice.account_id)
    day = date(2025, 3, 14)
    entry = await journal.save(
        user_id=alice.user_id, trade_id=trade_id, data={"notes": "mine", "tags": "secret"}
    )
    await journal.save(user_id=alice.user_id, day=day, data={"notes": "alice day"})
    assert entry.id is not None

    async with session_scope() as session:
        with pytest.raises(NotFoundError):
            await journal.get_entry(session=session, user_id=bob.user_id, entry_id=entry.id)
        with pytest.raises(NotFoundError):
            await journal.trade_info(session=session, user_id=bob.user_id, trade_id=trade_id)
        assert (
            await journal.get_or_none(session=session, user_id=bob.user_id, trade_id=trade_id)
        ) is None
        assert await journal.get_or_none(session=session, user_id=bob.user_id, day=day) is None
        assert await journal.distinct_tags(session=session, user_id=bob.user_id) == []
    with pytest.raises(NotFoundError):  # cannot attach to (or overwrite) Alice's trade entry
        await journal.save(user_id=bob.user_id, trade_id=trade_id, data={"notes": "pwned"})
    with pytest.raises(NotFoundError):
        await journal.delete(user_id=bob.user_id, entry_id=entry.id)
    assert await search(bob.user_id) == []
    assert await search(bob.user_id, tag="secret") == []

    # Bob's own entry for the same day is his, and Alice's stays as it was.
    await journal.save(user_id=bob.user_id, day=day, data={"notes": "bob day"})
    stored = {(e.user_id, e.notes) for e in await stored_entries()}
    assert stored == {
        (alice.user_id, "mine"),
        (alice.user_id, "alice day"),
        (bob.user_id, "bob day"),
    }
    assert len(await search(alice.user_id)) == 2


async def test_deleting_the_trade_deletes_its_entry(clean) -> None:
    alice = await make_trader("alice")
    keep = await insert_trade(user_id=alice.user_id, account_id=alice.account_id)
    drop = await insert_trade(user_id=alice.user_id, account_id=alice.account_id)
    await journal.save(user_id=alice.user_id, trade_id=keep, data={"notes": "keep"})
    await journal.save(user_id=alice.user_id, trade_id=drop, data={"notes": "drop"})
    async with session_scope() as session:
        trade = await session.get(Trade, drop)
        await session.delete(trade)
    assert [e.notes for e in await stored_entries()] == ["keep"]


async def test_search_filters_each_narrow_the_list(clean) -> None:
    alice = await make_trader("alice")
    uid = alice.user_id
    async with session_scope() as session:
        swing = await accounts.create_account(
            session=session, user_id=uid, data={"name": "Swing", "currency": "USD"}
        )
    assert swing.id is not None
    orb = await insert_playbook(user_id=uid, name="Opening range")

    def at(d: int, h: int = 15) -> datetime:
        return datetime(2025, 3, d, h, tzinfo=UTC)

    t_es_pb = await insert_trade(
        user_id=uid, account_id=alice.account_id, exit_time=at(10), playbook_id=orb
    )
    t_nq_swing = await insert_trade(
        user_id=uid,
        account_id=swing.id,
        symbol="NQM5",
        root="NQ",
        exit_time=at(12, 16),
        setup="Fade",
    )
    t_es_legacy = await insert_trade(
        user_id=uid, account_id=alice.account_id, exit_time=at(12, 14), setup="opening RANGE"
    )
    t_cl = await insert_trade(
        user_id=uid, account_id=alice.account_id, symbol="CLK5", root="CL", exit_time=at(14)
    )
    e_es_pb = await journal.save(
        user_id=uid, trade_id=t_es_pb, data={"tags": "breakout", "notes": "Clean break"}
    )
    e_nq = await journal.save(
        user_id=uid,
        trade_id=t_nq_swing,
        data={"tags": "fade, news", "mistakes": "chased", "notes": "100% size"},
    )
    e_legacy = await journal.save(user_id=uid, trade_id=t_es_legacy, data={"tags": "breakout"})
    e_cl = await journal.save(user_id=uid, trade_id=t_cl, data={"notes": "oil"})
    e_day = await journal.save(
        user_id=uid, day=date(2025, 3, 12), data={"tags": "news", "notes": "FOMC day"}
    )
    ids = {
        name: e.id
        for name, e in {
            "es_pb": e_es_pb,
            "nq": e_nq,
            "legacy": e_legacy,
            "cl": e_cl,
            "day": e_day,
        }.items()
    }

    # Newest date first; a day's own entry before that day's trades (latest exit first).
    assert await search(uid) == [ids[k] for k in ("cl", "day", "nq", "legacy", "es_pb")]
    assert await search(uid, tag="BREAKOUT ") == [ids["legacy"], ids["es_pb"]]
    assert await search(uid, tag="news") == [ids["day"], ids["nq"]]
    assert await search(uid, mistake="chased") == [ids["nq"]]
    assert await search(uid, date_from=date(2025, 3, 12), date_to=date(2025, 3, 12)) == [
        ids["day"],
        ids["nq"],
        ids["legacy"],
    ]
    assert await search(uid, date_from=date(2025, 3, 13)) == [ids["cl"]]
    assert await search(uid, date_to=date(2025, 3, 11)) == [ids["es_pb"]]
    assert await search(uid, account_id=swing.id) == [ids["nq"]]
    assert await search(uid, account_id=alice.account_id) == [
        ids[k] for k in ("cl", "legacy", "es_pb")
    ]
    assert await search(uid, instrument="es") == [ids["legacy"], ids["es_pb"]]
    assert await search(uid, instrument="nqm5") == [ids["nq"]]
    assert await search(uid, playbook_id=orb) == [ids["legacy"], ids["es_pb"]]
    assert await search(uid, setup="fade") == [ids["nq"]]
    assert await search(uid, text="100%") == [ids["nq"]]
    assert await search(uid, text="fomc") == [ids["day"]]
    assert await search(uid, text="clk") == [ids["cl"]]
    assert await search(uid, tag="news", account_id=swing.id) == [ids["nq"]]
    assert await search(uid, tag="nothing") == []

    async with session_scope() as session:
        rows = await journal.search(session=session, user_id=uid, filters=JournalFilter(tag="fade"))
        options = await journal.filter_options(session=session, user_id=uid)
    [row] = rows
    assert (row.symbol, row.direction, row.account_name) == ("NQM5", "long", "Swing")
    assert row.entry_date == date(2025, 3, 12)
    assert row.excerpt == "100% size"
    assert options.tags == ["breakout", "fade", "news"]
    assert [name for _, name in options.accounts] == ["Paper", "Swing"]
    assert options.playbooks == [(orb, "Opening range")]
    assert options.setups == ["Fade", "opening RANGE"]
    assert options.instruments == ["CL", "ES", "NQ"]


async def test_tag_changes_invalidate_the_analytics_cache(clean) -> None:
    alice = await make_trader("alice")
    uid = alice.user_id
    trade_id = await insert_trade(user_id=uid, account_id=alice.account_id)

    async def generation() -> int:
        return await analytics_cache.generation(user_id=uid)

    start = await generation()
    entry = await journal.save(user_id=uid, trade_id=trade_id, data={"notes": "no tags yet"})
    assert await generation() == start
    await journal.save(user_id=uid, trade_id=trade_id, data={"tags": "breakout"})
    assert await generation() == start + 1
    await journal.save(user_id=uid, trade_id=trade_id, data={"tags": "Breakout", "rating": 3})
    assert await generation() == start + 1  # same tags after normalisation
    assert entry.id is not None
    await journal.delete(user_id=uid, entry_id=entry.id)
    assert await generation() == start + 2
