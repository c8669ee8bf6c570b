"""Trendline scans through real RQ workers on real PostgreSQL: shared scans,
alerts fired once per (user, line, event), broken lines, failures recorded."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest
from rq import Queue
from rq.registry import FinishedJobRegistry
from sqlmodel import select

from jobs.queues import DEFAULT, enqueue
from jobs.scans import enqueue_scan, queue_pair, scan, schedule_scans
from tests.support.jobs import wait_job
from tests.support.trading import make_trader
from trendedge.db import session_scope
from trendedge.domain.bars import BarRow
from trendedge.models.trendline import ScanRun, Trendline, TrendlineAlert
from trendedge.redis_client import sync_redis
from trendedge.services import bars as bar_service
from trendedge.services import watchlists
from trendedge.services.errors import ConflictError, NotFoundError

START = datetime(2026, 1, 5, tzinfo=UTC)


def zigzag_bars(n: int = 300, seed: int = 7) -> list[BarRow]:
    """A rising market that bounces off a rising support: lines for the detector."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        base = 1000 + 0.5 * i + 12 * abs(np.sin(i / 9)) + rng.normal(0, 0.6)
        o, c = base + rng.normal(0, 0.8), base + rng.normal(0, 0.8)
        hi, lo = max(o, c) + abs(rng.normal(0, 0.7)), min(o, c) - abs(rng.normal(0, 0.7))
        rows.append(
            BarRow(
                START + timedelta(hours=i),
                *(Decimal(f"{v:.2f}") for v in (o, hi, lo, c)),
                Decimal(100),
            )
        )
    return rows


async def wait_scan(scan_id: int, statuses: set[str], within_s: float = 30) -> ScanRun:
    deadline = asyncio.get_running_loop().time() + within_s
    while True:
        async with session_scope() as session:
            run = await session.get(ScanRun, scan_id)
        assert run is not None
        if run.status in statuses:
            return run
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"scan {scan_id} is {run.status}: {run.error}")
        await asyncio.sleep(0.1)


async def store(rows: list[BarRow], instrument: str = "NQ") -> None:
    async with session_scope() as session:
        await bar_service.upsert_bars(
            session=session, instrument=instrument, timeframe="1h", rows=rows
        )


async def alerts_of(user_id: int) -> list[TrendlineAlert]:
    async with session_scope() as session:
        query = select(TrendlineAlert).where(TrendlineAlert.user_id == user_id)
        return list((await session.exec(query.order_by(TrendlineAlert.id))).all())


async def rescan() -> ScanRun:
    scan_id = await queue_pair("NQ", "1h", trigger="manual")
    assert scan_id is not None
    await asyncio.to_thread(enqueue_scan, scan_id)
    return await wait_scan(scan_id, {"succeeded", "failed"})


def bar_at(rows: list[BarRow], *, low: float, close: float) -> BarRow:
    ts = rows[-1].ts + timedelta(hours=1)
    high = max(close, low) + 1
    return BarRow(
        ts,
        Decimal(f"{close:.2f}"),
        Decimal(f"{high:.2f}"),
        Decimal(f"{low:.2f}"),
        Decimal(f"{close:.2f}"),
        Decimal(100),
    )


async def test_scan_fans_out_alerts_once_and_breaks_lines(worker, clean) -> None:
    alice = await make_trader("alice-scan")
    bob = await make_trader("bob-scan")
    async with session_scope() as session:
        await watchlists.add_item(
            session=session, user_id=alice.user_id, instrument="nq", timeframe="1h"
        )
        await watchlists.add_item(
            session=session,
            user_id=bob.user_id,
            instrument="NQ",
            timeframe="1h",
            alerts_enabled=False,
        )
    rows = zigzag_bars()
    await store(rows)

    assert await asyncio.to_thread(schedule_scans) == 1  # one shared scan for two watchers
    async with session_scope() as session:
        [first] = (await session.exec(select(ScanRun))).all()
    first = await wait_scan(first.id, {"succeeded"})
    assert first.bars == len(rows) and first.lines_found >= 1

    async with session_scope() as session:
        support = (
            await session.exec(
                select(Trendline)
                .where(Trendline.kind == "support", Trendline.status == "active")
                .order_by(Trendline.score.desc())
            )
        ).first()  # type: ignore[union-attr]
    assert support is not None
    index = len(rows)
    anchor = next(i for i, r in enumerate(rows) if r.ts == support.anchor1_ts)
    level = float(support.anchor1_price) + float(support.slope_per_bar) * (index - anchor)

    rows.append(bar_at(rows, low=level, close=level + 2))  # touches the line
    await store(rows[-1:])
    assert (await rescan()).status == "succeeded"
    touches = [a for a in await alerts_of(alice.user_id) if a.trendline_id == support.id]
    assert [a.event for a in touches] == ["touch"]
    assert await alerts_of(bob.user_id) == []  # alerts off

    assert (await rescan()).status == "succeeded"  # same bar again: no second alert
    assert len([a for a in await alerts_of(alice.user_id) if a.trendline_id == support.id]) == 1

    rows.append(bar_at(rows, low=level - 60, close=level - 50))  # closes far below: a break
    await store(rows[-1:])
    assert (await rescan()).status == "succeeded"
    events = [a.event for a in await alerts_of(alice.user_id) if a.trendline_id == support.id]
    assert events == ["touch", "break"]
    async with session_scope() as session:
        broken = await session.get(Trendline, support.id)
    assert broken is not None and broken.status == "broken" and broken.broken_at is not None

    finished = FinishedJobRegistry("notifications", connection=sync_redis())
    for _ in range(100):
        if finished.count >= 2:
            break
        await asyncio.sleep(0.1)
    assert finished.count >= 2  # both alerts handed to notification dispatch
    assert Queue("notifications", connection=sync_redis()).count == 0


async def test_failed_scan_is_recorded_with_its_reason(worker, clean) -> None:
    scan_id = await queue_pair("ES", "1h", trigger="manual")
    assert scan_id is not None
    job = await asyncio.to_thread(enqueue, DEFAULT, scan, scan_id)  # no retries
    await asyncio.to_thread(wait_job, job, worker)
    run = await wait_scan(scan_id, {"failed"})
    assert "needs at least" in run.error and run.finished_at is not None
    # The next scheduled run still happens.
    assert await queue_pair("ES", "1h", trigger="schedule") is not None


async def test_watchlists_are_tenant_scoped(clean) -> None:
    alice = await make_trader("alice-wl")
    bob = await make_trader("bob-wl")
    async with session_scope() as session:
        item = await watchlists.add_item(
            session=session, user_id=alice.user_id, instrument="MES", timeframe="15m"
        )
        with pytest.raises(ConflictError):
            async with session.begin_nested():
                await watchlists.add_item(
                    session=session, user_id=alice.user_id, instrument="mes", timeframe="15m"
                )
        assert await watchlists.list_items(session=session, user_id=bob.user_id) == []
        assert item.id is not None
        with pytest.raises(NotFoundError):
            await watchlists.remove_item(session=session, user_id=bob.user_id, item_id=item.id)
        with pytest.raises(NotFoundError):
            await watchlists.set_alerts(
                session=session, user_id=bob.user_id, item_id=item.id, enabled=False
            )
        [mine] = await watchlists.list_items(session=session, user_id=alice.user_id)
        assert (mine.instrument, mine.timeframe, mine.alerts_enabled) == ("MES", "15m", True)


async def test_lines_broken_in_history_are_stored_broken_without_alerts(worker, clean) -> None:
    trader = await make_trader("carol-scan")
    async with session_scope() as session:
        await watchlists.add_item(
            session=session, user_id=trader.user_id, instrument="NQ", timeframe="1h"
        )
    rows = zigzag_bars()
    crash_from = float(rows[-1].close) - 120
    for k in range(30):  # a crash far below every support, then a quiet drift
        level = crash_from - k * 0.2
        rows.append(bar_at(rows, low=level - 1, close=level))
    await store(rows)

    run = await rescan()
    assert run.status == "succeeded"
    async with session_scope() as session:
        supports = (await session.exec(select(Trendline).where(Trendline.kind == "support"))).all()
    broken = [line for line in supports if line.status == "broken"]
    assert broken, "the crash breaks the supports found before it"
    crash_start, last = rows[len(rows) - 30].ts, rows[-1].ts
    assert all(line.broken_at is not None and line.broken_at < last for line in broken)
    assert any(line.broken_at >= crash_start for line in broken)  # type: ignore[operator]
    # Those breaks are history: nobody is alerted about them.
    assert [a for a in await alerts_of(trader.user_id) if a.event == "break"] == []
