"""Analytics dashboard on real PostgreSQL and Redis: the service's numbers equal the
loop-based reference (tests/support/metrics_reference.py) on the same rows; filters
narrow; tags count a trade in each tag; users never see each other's trades; the Redis
cache serves hits and is invalidated by a trade change; a Redis outage is survived."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import redis
import redis.asyncio as aioredis

from tests.support import metrics_reference as ref
from tests.support.metrics_reference import RefTrade
from tests.support.processes import free_port
from trendedge.db import session_scope
from trendedge.models import JournalEntry, Playbook, Trade
from trendedge.services import accounts, analytics, analytics_cache, users
from trendedge.services.analytics import AnalyticsQuery
from trendedge.services.analytics_query import TradeRows, load_trade_rows
from trendedge.services.analytics_result import AnalyticsResult

T0 = datetime(2026, 1, 5, 13, 0, tzinfo=UTC)  # a Monday
ROOTS = ("ES", "NQ", "CL")
TAGS = ("breakout", "news", "fade", "a+ setup")


@dataclass
class Book:
    """A user with accounts and playbooks, and the trades stored for them."""

    user_id: int
    account_ids: list[int]
    balances: dict[int, float]
    playbook_ids: list[int]
    trades: list[Trade]
    tags: dict[int, list[str]]  # trade id -> tags


async def make_book(subject: str, *, currencies: tuple[str, ...] = ("USD", "USD")) -> Book:
    async with session_scope() as session:
        user = await users.upsert_oidc_user(
            session=session, issuer="urn:test", subject=subject, email=None, name=subject
        )
        assert user.id is not None
        ids, balances = [], {}
        for i, currency in enumerate(currencies):
            acct = await accounts.create_account(
                session=session,
                user_id=user.id,
                data={"name": f"{subject} {i}", "currency": currency, "initial_balance": "25000"},
            )
            assert acct.id is not None
            ids.append(acct.id)
            balances[acct.id] = 25000.0
        playbooks = [Playbook(user_id=user.id, name=f"{subject} setup {k}") for k in range(2)]
        session.add_all(playbooks)
        await session.flush()
        return Book(user.id, ids, balances, [p.id for p in playbooks if p.id], [], {})


def money(x: float) -> Decimal:
    return Decimal(f"{x:.2f}")


def random_trade(book: Book, rng: random.Random, *, currency: str = "USD") -> Trade:
    entry = T0 + timedelta(minutes=rng.randrange(0, 60 * 24 * 70))
    exit_ = entry + timedelta(seconds=rng.randrange(0, 3 * 86400))
    net = money(rng.choice([0.0, rng.uniform(-900, 1200)]))
    fee = money(rng.uniform(0, 9))
    r = None if rng.random() < 0.25 else Decimal(f"{rng.uniform(-3.5, 4.5):.4f}")
    return Trade(
        user_id=book.user_id,
        account_id=rng.choice(book.account_ids),
        root=rng.choice(ROOTS),
        symbol="X1!",
        direction=rng.choice(["long", "short"]),
        quantity=Decimal(rng.randint(1, 3)),
        entry_price=Decimal(100),
        exit_price=Decimal(101),
        entry_time=entry,
        exit_time=exit_,
        gross_pnl=net + fee,
        commission=fee,
        net_pnl=net,
        r_multiple=r,
        risk=None if rng.random() < 0.5 else money(rng.uniform(50, 500)),
        mae=None if rng.random() < 0.3 else money(-rng.uniform(0, 800)),
        mfe=None if rng.random() < 0.3 else money(rng.uniform(0, 900)),
        playbook_id=rng.choice([None, *book.playbook_ids]),
        currency=currency,
    )


async def add_trades(book: Book, trades: list[Trade], tags: list[list[str]] | None = None) -> None:
    async with session_scope() as session:
        session.add_all(trades)
        await session.flush()
        for trade, labels in zip(trades, tags or [[] for _ in trades], strict=True):
            assert trade.id is not None
            book.trades.append(trade)
            book.tags[trade.id] = labels
            if labels:
                session.add(
                    JournalEntry(
                        user_id=book.user_id, uid=f"je-{trade.id}", trade_id=trade.id, tags=labels
                    )
                )


async def add_random(book: Book, n: int, seed: int, **kwargs: Any) -> None:
    rng = random.Random(seed)
    trades = [random_trade(book, rng, **kwargs) for _ in range(n)]
    tags = [rng.sample(TAGS, rng.choice([0, 0, 1, 2])) for _ in trades]
    await add_trades(book, trades, tags)


def as_ref(trade: Trade) -> RefTrade:
    """The trade as the reference sees it (risk derived from R when not stored)."""
    net, fee = float(trade.net_pnl), float(trade.commission)
    r = math.nan if trade.r_multiple is None else float(trade.r_multiple)
    risk = float(trade.risk) if trade.risk is not None else math.nan
    if math.isnan(risk) and not math.isnan(r) and r != 0 and net + fee != 0:
        risk = abs((net + fee) / r)
    return RefTrade(
        entry_time=trade.entry_time.astimezone(UTC).replace(tzinfo=None),
        exit_time=trade.exit_time.astimezone(UTC).replace(tzinfo=None),
        net_pnl=net,
        commission=fee,
        r_multiple=r,
        risk=risk,
        mae=math.nan if trade.mae is None else float(trade.mae),
        mfe=math.nan if trade.mfe is None else float(trade.mfe),
        direction=-1 if trade.direction == "short" else 1,
        playbook_id=-1 if trade.playbook_id is None else trade.playbook_id,
        instrument=ROOTS.index(trade.root),
        account=trade.account_id,
    )


def close(actual: Any, expected: Any) -> bool:
    if expected is None or actual is None:
        return actual is None and expected is None
    if isinstance(expected, float) and math.isinf(expected):
        return actual == expected
    return math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-6)


def assert_matches(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    bad = {k: (actual[k], v) for k, v in expected.items() if not close(actual[k], v)}
    assert not bad, bad


def by_code(result: AnalyticsResult, name: str) -> dict[int, dict[str, Any]]:
    return {g.code: g.model_dump() for g in result.breakdowns[name]}


def check_groups(result: AnalyticsResult, name: str, expected: list[dict[str, Any]]) -> None:
    actual = by_code(result, name)
    assert sorted(actual) == sorted(e["code"] for e in expected), name
    for e in expected:
        assert_matches(actual[e["code"]], {k: v for k, v in e.items() if k != "r_known"})


async def run(book: Book, query: AnalyticsQuery | None = None) -> AnalyticsResult:
    async with session_scope() as session:
        return await analytics.compute(
            session, user_id=book.user_id, query=query or AnalyticsQuery()
        )


def check_against_reference(
    result: AnalyticsResult, trades: list[Trade], balance: float, offset: int = 0
) -> None:
    refs = [as_ref(t) for t in trades]
    assert_matches(result.summary, ref.summary(refs, balance))
    # Instrument codes index the labels the SQL returned; map them back to roots.
    labels = [
        ROOTS.index(g.key) for g in sorted(result.breakdowns["instrument"], key=lambda g: g.code)
    ]
    for group in result.breakdowns["instrument"]:
        group.code = labels[group.code]
    for name, field in (
        ("playbook", "playbook_id"),
        ("instrument", "instrument"),
        ("account", "account"),
        ("direction", "direction"),
    ):
        check_groups(result, name, ref.breakdown(refs, field))
    check_groups(result, "weekday", ref.by_weekday(refs, offset))
    check_groups(result, "hour", ref.by_hour(refs, offset))
    for rows, weekly in ((result.daily, False), (result.weekly, True)):
        expected = ref.period_summary(refs, offset, weekly)
        assert [r.date for r in rows] == [d.isoformat() for d, *_ in expected]
        assert [(r.trades, r.wins) for r in rows] == [(n, w) for _, n, _, w in expected]
        assert all(close(r.net, e[2]) for r, e in zip(rows, expected, strict=True))
    curve = ref.equity_curve(refs, balance)
    if len(curve) <= 1500:  # not downsampled: every point is there
        assert len(result.equity.equity) == len(curve)
        assert all(
            close(a, round(e, 2)) for a, (_, e, _) in zip(result.equity.equity, curve, strict=True)
        )
    known_r = [t.r_multiple for t in refs if not math.isnan(t.r_multiple)]
    assert sum(result.r_histogram.counts) == len(known_r)
    assert result.r_histogram.unknown == len(refs) - len(known_r)


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_metrics_equal_the_reference_on_stored_trades(clean, seed: int) -> None:
    alice = await make_book("alice")
    bob = await make_book("bob")
    await add_random(alice, 120 + seed * 37, seed)
    await add_random(bob, 60, seed + 100)
    offset = [0, -300, 330][seed - 1]
    result = await run(alice, AnalyticsQuery(offset_minutes=offset))
    assert result.currency == "USD"
    assert result.summary["trades"] == len(alice.trades)
    check_against_reference(result, alice.trades, 50000.0, offset)


async def test_date_range_and_account_filters_narrow(clean) -> None:
    alice = await make_book("alice")
    await add_random(alice, 200, 7)
    start, end = T0 + timedelta(days=20), T0 + timedelta(days=45)
    first = alice.account_ids[0]
    query = AnalyticsQuery(start=start, end=end, account_ids=(first,))
    result = await run(alice, query)
    inside = [t for t in alice.trades if start <= t.exit_time < end and t.account_id == first]
    before = [t for t in alice.trades if t.exit_time < start and t.account_id == first]
    assert 0 < len(inside) < len(alice.trades)
    assert result.summary["trades"] == len(inside)
    balance = 25000.0 + sum(float(t.net_pnl) for t in before)
    assert math.isclose(result.starting_balance, balance, abs_tol=1e-6)
    check_against_reference(result, inside, balance)
    assert {g.code for g in result.breakdowns["account"]} == {first}


async def test_tag_breakdown_counts_a_trade_in_each_of_its_tags(clean) -> None:
    alice = await make_book("alice")
    rng = random.Random(3)
    trades = [random_trade(alice, rng) for _ in range(4)]
    for trade, net in zip(trades, ("100", "-40", "25", "10"), strict=True):
        trade.net_pnl = Decimal(net)
    await add_trades(alice, trades, [["breakout", "news"], ["news"], [], ["breakout"]])
    result = await run(alice)
    tags = {g.key: (g.trades, g.net, g.wins) for g in result.breakdowns["tag"]}
    assert tags == {
        "breakout": (2, 110.0, 2),
        "news": (2, 60.0, 1),
        "(untagged)": (1, 25.0, 1),
    }
    assert result.summary["trades"] == 4  # the summary counts each trade once


async def test_user_b_never_sees_user_a_trades(clean) -> None:
    alice = await make_book("alice")
    bob = await make_book("bob")
    await add_random(alice, 50, 11)
    await add_random(bob, 30, 12)
    bob_result = await run(bob)
    assert bob_result.summary["trades"] == 30
    check_against_reference(bob_result, bob.trades, 50000.0)
    shown = {g.key for g in bob_result.breakdowns["playbook"]} | {
        g.key for g in bob_result.breakdowns["account"]
    }
    assert not any(key.startswith("alice") for key in shown)
    # Bob asking for Alice's accounts gets nothing of hers.
    stolen = await run(bob, AnalyticsQuery(account_ids=tuple(alice.account_ids)))
    assert stolen.summary["trades"] == 0
    assert stolen.breakdowns["tag"] == []
    assert stolen.starting_balance == 0.0


async def test_other_currencies_are_never_added_up(clean) -> None:
    alice = await make_book("alice", currencies=("USD", "EUR"))
    await add_random(alice, 40, 21)
    eur_book = Book(alice.user_id, [alice.account_ids[1]], {}, alice.playbook_ids, [], {})
    await add_random(eur_book, 15, 22, currency="EUR")
    result = await run(alice)
    assert result.currency == "USD"
    assert result.summary["trades"] == 40
    assert result.excluded_trades == 15
    assert {(c.currency, c.trades) for c in result.currencies} == {("USD", 40), ("EUR", 15)}
    eur = await run(alice, AnalyticsQuery(currency="EUR"))
    assert eur.summary["trades"] == 15 and eur.excluded_trades == 40
    check_against_reference(eur, eur_book.trades, 25000.0)  # only the EUR account's balance


async def test_empty_range_gives_an_empty_result(clean) -> None:
    alice = await make_book("alice")
    result = await run(alice)
    assert result.currency is None
    assert result.summary["trades"] == 0 and result.summary["win_rate"] is None
    assert result.equity.equity == [] and result.daily == []
    assert result.breakdowns["tag"] == [] and sum(result.r_histogram.counts) == 0


async def dashboard(book: Book, client: aioredis.Redis | None = None) -> AnalyticsResult:
    async with session_scope() as session:
        return await analytics.dashboard(
            session, user_id=book.user_id, query=AnalyticsQuery(), redis_client=client
        )


async def test_cache_hit_then_invalidation_gives_fresh_numbers(clean, redis_url: str) -> None:
    alice = await make_book("alice")
    await add_random(alice, 30, 31)
    sync = redis.Redis.from_url(redis_url)
    first = await dashboard(alice)
    assert not first.from_cache
    async with session_scope():
        generation = await analytics_cache.generation(user_id=alice.user_id)
    key = analytics.cache_key(user_id=alice.user_id, generation=generation, query=AnalyticsQuery())
    assert sync.exists(key)
    assert 0 < sync.ttl(key) <= 300

    second = await dashboard(alice)
    assert second.from_cache
    assert second.summary == first.summary

    # A new trade is not seen until the cache is invalidated ...
    extra = random_trade(alice, random.Random(1))
    extra.net_pnl = Decimal("777.77")
    await add_trades(alice, [extra])
    stale = await dashboard(alice)
    assert stale.from_cache and stale.summary["trades"] == 30
    # ... and is after it.
    await analytics_cache.invalidate(user_id=alice.user_id)
    fresh = await dashboard(alice)
    assert not fresh.from_cache
    assert fresh.summary["trades"] == 31
    assert math.isclose(fresh.summary["net_pnl"], first.summary["net_pnl"] + 777.77, abs_tol=1e-6)
    assert (await dashboard(alice)).from_cache


async def test_redis_outage_computes_without_cache(clean) -> None:
    alice = await make_book("alice")
    await add_random(alice, 10, 41)
    down = aioredis.Redis(host="127.0.0.1", port=free_port(), socket_connect_timeout=1)
    result = await dashboard(alice, down)
    assert not result.from_cache
    assert result.summary["trades"] == 10
    await down.aclose()


async def test_label_codes_by_position_equal_hash_codes(clean) -> None:
    """The hash-collision fallback (labels resolved with array_position) gives the same
    instruments, currencies and tags per trade as the normal hash path."""
    alice = await make_book("alice", currencies=("USD", "EUR"))
    await add_random(alice, 60, 51)
    eur_book = Book(alice.user_id, [alice.account_ids[1]], {}, alice.playbook_ids, [], {})
    await add_random(eur_book, 20, 52, currency="EUR")

    def labelled(rows: TradeRows) -> tuple[list[str], list[str], list[tuple[int, str]]]:
        return (
            [rows.instruments[c] for c in rows.trades.instrument],
            [rows.currencies[c] for c in rows.currency],
            sorted(
                (int(rows.ids[i]), rows.tags[c])
                for i, c in zip(rows.tag_trade, rows.tag_code, strict=True)
            ),
        )

    query = AnalyticsQuery(start=T0 + timedelta(days=10))
    async with session_scope() as session:
        by_hash = await load_trade_rows(session, user_id=alice.user_id, query=query)
        by_position = await load_trade_rows(
            session, user_id=alice.user_id, query=query, by_position=True
        )
    assert labelled(by_hash) == labelled(by_position)
    expected_tags = sorted(
        (t.id, tag)
        for t in alice.trades + eur_book.trades
        if t.exit_time >= query.start
        for tag in alice.tags.get(t.id, []) + eur_book.tags.get(t.id, [])
    )
    assert labelled(by_hash)[2] == expected_tags
