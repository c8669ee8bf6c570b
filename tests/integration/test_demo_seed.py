"""seed_demo on the real database: a demo user whose trades the real paper engine made."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal as D
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from trendedge.db import session_scope
from trendedge.domain.bars import BarRow
from trendedge.models import (
    Account,
    Bar,
    Fill,
    JournalEntry,
    Order,
    Playbook,
    Signal,
    SignalStatus,
    Trade,
    User,
    WatchlistItem,
)
from trendedge.services import accounts, bars, users
from trendedge.services.demo_seed import AlreadySeeded, seed_demo
from trendedge.services.errors import ConflictError

ISSUER = "urn:trendedge:local"
NEW_YORK = ZoneInfo("America/New_York")
TODAY = date(2026, 11, 20)


async def snapshot(user_id: int) -> dict[str, object]:
    """Counts and the user row as another connection sees them."""
    async with session_scope() as session:
        counts: dict[str, object] = {}
        for model in (Account, Trade, Signal, Fill, JournalEntry, Playbook, WatchlistItem):
            query = select(func.count()).select_from(model).where(col(model.user_id) == user_id)
            counts[model.__name__] = (await session.exec(query)).one()
        counts["bars"] = (await session.exec(select(func.count()).select_from(Bar))).one()
        user = await session.get(User, user_id)
        assert user is not None
        counts["last_login_at"] = user.last_login_at
    return counts


async def test_seed_demo_trades_through_the_paper_engine(clean) -> None:
    # A bar somebody stored before (shared market data) is used, never overwritten.
    kept = BarRow(
        datetime(2026, 10, 1, 14, 0, tzinfo=UTC), D("6100"), D("6110"), D("6090"), D("6105"), D(7)
    )
    async with session_scope() as session:
        await bars.upsert_bars(session=session, instrument="ES", timeframe="15m", rows=[kept])
    steps: list[tuple[str, int, int]] = []
    summary = await seed_demo(
        email="demo@example.com",
        issuer=ISSUER,
        today=TODAY,
        progress=lambda *step: steps.append(step),
    )
    user_id = summary.user_id
    assert steps[-1][0] == "signals" and steps[-1][1] == steps[-1][2] == summary.signals

    async with session_scope() as session:
        user = await session.get(User, user_id)
        assert user is not None
        assert (user.issuer, user.subject, user.email) == (
            ISSUER,
            "demo@example.com",
            "demo@example.com",
        )
        trades = list((await session.exec(select(Trade).where(Trade.user_id == user_id))).all())
        query: Any = (
            select(Trade.id, Fill.filled_at, Signal.status, Signal.user_id, Signal.dedup_key)  # type: ignore[call-overload]
            .join(Fill, col(Fill.id) == Trade.close_fill_id)
            .join(Order, col(Order.id) == Fill.order_id)
            .join(Signal, col(Signal.id) == Order.signal_id)
            .where(Trade.user_id == user_id)
        )
        chain = (await session.exec(query)).all()
        signals = list((await session.exec(select(Signal).where(Signal.user_id == user_id))).all())
        books = {
            b.id: b
            for b in (await session.exec(select(Playbook).where(Playbook.user_id == user_id)))
        }
        entries = list(
            (await session.exec(select(JournalEntry).where(JournalEntry.user_id == user_id))).all()
        )
        watched = (
            await session.exec(
                select(WatchlistItem.instrument, WatchlistItem.timeframe).where(
                    WatchlistItem.user_id == user_id
                )
            )
        ).all()
        bar_counts = dict(
            (
                await session.exec(select(Bar.instrument, func.count()).group_by(Bar.instrument))
            ).all()
        )
        owned = await accounts.list_accounts(session=session, user_id=user_id)

    # A few hundred paper trades, each closed by a fill of an order of a filled signal.
    assert 250 <= len(trades) <= 450 and summary.trades == len(trades)
    assert {t.source for t in trades} == {"paper"}
    assert len(chain) == len(trades)
    by_trade = {row[0]: row for row in chain}
    for trade in trades:
        _, filled_at, status, signal_user, _ = by_trade[trade.id]
        assert status == SignalStatus.filled and signal_user == user_id
        assert filled_at == trade.exit_time
    assert len(signals) == summary.signals > len(trades)
    assert {s.status for s in signals} == {SignalStatus.filled}
    assert len({s.dedup_key for s in signals}) == len(signals)

    # Spread over ~4 months of weekday sessions, realistic results, R known for all.
    for trade in trades:
        entry, exit_ = (t.astimezone(NEW_YORK) for t in (trade.entry_time, trade.exit_time))
        assert entry.weekday() < 5 and entry.date() == exit_.date()
        assert time(9, 30) < entry.time() and exit_.time() <= time(16, 0)
        assert entry < exit_
    span = max(t.exit_time for t in trades) - min(t.entry_time for t in trades)
    assert timedelta(days=100) < span < timedelta(days=125)
    assert max(t.exit_time for t in trades).date() < TODAY
    wins = sum(1 for t in trades if t.net_pnl > 0) / len(trades)
    assert 0.4 <= wins <= 0.6, wins
    assert all(t.r_multiple is not None and t.risk is not None for t in trades)
    assert Counter(t.root for t in trades).keys() == {"ES", "NQ", "MES", "MNQ"}
    assert any(len(group) > 1 for group in _by_entry(trades).values()), "no scale-out"

    # MAE/MFE from the bars the trades were made on.
    with_excursions = [t for t in trades if t.mae is not None and t.mfe is not None]
    assert summary.with_excursions == len(with_excursions) >= 0.9 * len(trades)
    assert all(t.mae <= t.mfe for t in with_excursions)  # type: ignore[operator]

    # Playbooks, journal, watchlist, accounts.
    assert sorted(b.name for b in books.values()) == [
        "Opening Range Breakout",
        "Trendline Bounce",
        "VWAP Pullback",
    ]
    linked = [t for t in trades if t.playbook_id is not None]
    assert len(linked) >= 0.8 * len(trades)
    assert all(set(t.rules_followed) <= set(books[t.playbook_id].rules) for t in linked)
    assert any(t.rules_followed for t in linked)
    trade_entries = [e for e in entries if e.trade_id is not None]
    day_entries = [e for e in entries if e.day is not None]
    assert 0.25 * len(trades) <= len(trade_entries) <= 0.55 * len(trades)
    assert len(day_entries) == summary.day_entries == 20
    assert all(e.tags and e.notes and 1 <= (e.rating or 0) <= 5 for e in entries)
    assert sorted(watched) == [("ES", "15m"), ("NQ", "15m")]
    assert set(bar_counts) == {"ES", "NQ", "MES", "MNQ"}
    assert all(2000 <= n <= 3000 for n in bar_counts.values()), bar_counts
    async with session_scope() as session:
        again = (
            await session.exec(select(Bar).where(Bar.instrument == "ES", Bar.ts == kept.ts))
        ).one()
    assert (again.open, again.high, again.low, again.close) == (
        D("6100"),
        D("6110"),
        D("6090"),
        D("6105"),
    )
    assert sorted((a.name, a.default_stop_ticks is not None) for a in owned) == [
        ("Demo Futures", True),
        ("Demo Micro", False),
    ]

    # A second run refuses and changes nothing.
    before = await snapshot(user_id)
    with pytest.raises(AlreadySeeded, match="already seeded"):
        await seed_demo(email="demo@example.com", issuer=ISSUER, today=TODAY)
    assert await snapshot(user_id) == before


def _by_entry(trades: list[Trade]) -> dict[tuple[int, datetime], list[Trade]]:
    groups: dict[tuple[int, datetime], list[Trade]] = {}
    for trade in trades:
        groups.setdefault((trade.account_id, trade.entry_time), []).append(trade)
    return groups


async def test_seed_demo_refuses_a_user_who_has_data(clean) -> None:
    async with session_scope() as session:
        user = await users.upsert_oidc_user(
            session=session,
            issuer=ISSUER,
            subject="busy@example.com",
            email="busy@example.com",
            name=None,
        )
        assert user.id is not None
        await accounts.create_account(session=session, user_id=user.id, data={"name": "Real"})
    before = await snapshot(user.id)

    with pytest.raises(ConflictError, match="already has data") as refused:
        await seed_demo(email="busy@example.com", issuer=ISSUER, today=TODAY)

    assert not isinstance(refused.value, AlreadySeeded)
    assert await snapshot(user.id) == before
    async with session_scope() as session:
        assert (await session.exec(select(func.count()).select_from(Bar))).one() == 0
    assert datetime.now(UTC) > before["last_login_at"]  # type: ignore[operator]
