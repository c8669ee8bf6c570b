"""MAE / MFE from stored bars on real PostgreSQL: hand-computed long and short trades,
the finest covering timeframe wins, no bars -> NULL, other users' trades untouched, and
a paper trade closed by a signal through a real worker gets its MAE / MFE."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from jobs.queues import HIGH, enqueue
from jobs.signals import process
from tests.integration.test_signal_guarantees import _accepted_signal
from tests.integration.test_webhooks import BUY_NQ, wait_status
from tests.support.jobs import wait_job
from tests.support.trading import Trade, make_trader, rows
from trendedge.db import session_scope
from trendedge.domain.bars import BarRow
from trendedge.models._base import utcnow
from trendedge.services import analytics_cache
from trendedge.services import bars as bar_service
from trendedge.services.excursions import fill_excursions

T0 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def bar(ts: datetime, low: str, high: str) -> BarRow:
    lo, hi = Decimal(low), Decimal(high)
    return BarRow(ts, lo, hi, lo, hi, Decimal(1))


async def store(instrument: str, timeframe: str, bars: list[BarRow]) -> None:
    async with session_scope() as session:
        await bar_service.upsert_bars(
            session=session, instrument=instrument, timeframe=timeframe, rows=bars
        )


def trade(user_id: int, account_id: int, **values) -> Trade:
    base = {
        "root": "ES",
        "symbol": "ES1!",
        "direction": "long",
        "quantity": Decimal(2),
        "gross_pnl": Decimal(0),
        "net_pnl": Decimal(0),
        "currency": "USD",
    }
    return Trade(user_id=user_id, account_id=account_id, **{**base, **values})


async def insert(*trades: Trade) -> list[int]:
    async with session_scope() as session:
        session.add_all(trades)
        await session.flush()
        return [t.id for t in trades if t.id is not None]


async def fill(user_id: int, ids: list[int]) -> int:
    async with session_scope() as session:
        return await fill_excursions(session, user_id=user_id, trade_ids=ids)


async def stored(trade_id: int) -> Trade:
    [row] = await rows(Trade, id=trade_id)
    return row


async def test_long_and_short_hand_computed_on_the_finest_timeframe(clean) -> None:
    ana = await make_trader("ana")
    # 5-minute ES bars 14:00 .. 14:25; and coarser hourly bars with wider ranges.
    five = [
        ("5000", "5004"),
        ("4998", "5003"),
        ("4999", "5008"),
        ("4996", "5005"),
        ("5001", "5010"),
    ]
    await store(
        "ES", "5m", [bar(T0 + timedelta(minutes=5 * i), lo, hi) for i, (lo, hi) in enumerate(five)]
    )
    await store("ES", "1h", [bar(T0 - timedelta(hours=1), "4900", "5100"), bar(T0, "4950", "5050")])
    long_id, short_id, early_id, oil_id = await insert(
        # Long 2 ES (point value 50) 14:06 -> 14:12 at 5000 -> 5006: bars 1..2,
        # lowest 4998, highest 5008: MAE (4998-5000)*100 = -200, MFE 8*100 = 800.
        trade(ana.user_id, ana.account_id, entry_time=T0 + timedelta(minutes=6),
              exit_time=T0 + timedelta(minutes=12), entry_price=Decimal(5000),
              exit_price=Decimal(5006)),
        # Short 1 ES 14:11 -> 14:24 at 5002 -> 4999: bars 2..4, highest 5010,
        # lowest 4996: MAE (5002-5010)*50 = -400, MFE (5002-4996)*50 = 300.
        trade(ana.user_id, ana.account_id, direction="short", quantity=Decimal(1),
              entry_time=T0 + timedelta(minutes=11), exit_time=T0 + timedelta(minutes=24),
              entry_price=Decimal(5002), exit_price=Decimal(4999)),
        # Entered before the 5m bars begin: only the hourly series covers it.
        # Bars 13:00 and 14:00: lowest 4900, highest 5100; 1 contract long at 5000.
        trade(ana.user_id, ana.account_id, quantity=Decimal(1),
              entry_time=T0 - timedelta(minutes=30), exit_time=T0 + timedelta(minutes=3),
              entry_price=Decimal(5000), exit_price=Decimal(5001)),
        # No CL bars at all.
        trade(ana.user_id, ana.account_id, root="CL", symbol="CL1!",
              entry_time=T0, exit_time=T0 + timedelta(minutes=5),
              entry_price=Decimal(70), exit_price=Decimal(71)),
    )  # fmt: skip
    assert await fill(ana.user_id, [long_id, short_id, early_id, oil_id]) == 3

    long_trade, short_trade = await stored(long_id), await stored(short_id)
    assert (long_trade.mae, long_trade.mfe) == (Decimal(-200), Decimal(800))
    assert (short_trade.mae, short_trade.mfe) == (Decimal(-400), Decimal(300))
    early = await stored(early_id)
    assert (early.mae, early.mfe) == (Decimal(-5000), Decimal(5000))
    oil = await stored(oil_id)
    assert oil.mae is None and oil.mfe is None


async def test_other_users_trades_are_not_touched(clean) -> None:
    ana = await make_trader("ana")
    bob = await make_trader("bob")
    await store("ES", "5m", [bar(T0 + timedelta(minutes=5 * i), "4990", "5010") for i in range(3)])
    [ana_trade] = await insert(
        trade(ana.user_id, ana.account_id, entry_time=T0, exit_time=T0 + timedelta(minutes=7),
              entry_price=Decimal(5000), exit_price=Decimal(5001))
    )  # fmt: skip
    assert await fill(bob.user_id, [ana_trade]) == 0
    assert (await stored(ana_trade)).mae is None
    assert await fill(ana.user_id, [ana_trade]) == 1
    assert (await stored(ana_trade)).mae == Decimal(-1000)


async def wait_for_mae(trade_id: int, within_s: float = 15) -> Trade:
    deadline = asyncio.get_running_loop().time() + within_s
    while asyncio.get_running_loop().time() < deadline:
        found = await stored(trade_id)
        if found.mae is not None:
            return found
        await asyncio.sleep(0.1)
    raise AssertionError(f"trade {trade_id} got no MAE")


async def test_trade_closed_by_a_signal_through_the_worker_gets_mae_mfe(worker, clean) -> None:
    cat = await make_trader("cat")
    now = utcnow().replace(second=0, microsecond=0)
    # One-minute NQ bars around now (the paper fills happen now); hourly ones too wide.
    minutes = [bar(now + timedelta(minutes=m), "18240", "18275") for m in range(-10, 11)]
    await store("NQ", "1m", minutes)
    await store("NQ", "1h", [bar(now - timedelta(hours=h), "17000", "19000") for h in range(3)])
    async with session_scope():
        before = await analytics_cache.generation(user_id=cat.user_id)

    for payload, key in (
        (BUY_NQ, "open"),
        ({"action": "exit", "ticker": "NQ1!", "price": "18260.50"}, "close"),
    ):
        signal_id = await _accepted_signal(cat, payload, key)
        wait_job(enqueue(HIGH, process, signal_id), worker)
        await wait_status(signal_id, "filled")  # fmt: skip

    [closed] = await rows(Trade, user_id=cat.user_id)
    done = await wait_for_mae(closed.id)
    multiplier = closed.quantity * 20  # NQ: $20 per point
    assert done.mae == (Decimal(18240) - closed.entry_price) * multiplier
    assert done.mfe == (Decimal(18275) - closed.entry_price) * multiplier
    async with session_scope():
        assert await analytics_cache.generation(user_id=cat.user_id) > before
