"""Trendline scans of one (instrument, timeframe), shared by everyone who watches it.

A scan loads the newest bars, detects lines, upserts them (a line is identified
by its kind and anchor times, so the same pivots give the same row), then looks
at the latest bar against every active line: a break makes the line inactive;
touches and breaks become alerts for each watcher with alerts on, at most once
per (user, line, event) — guaranteed by a unique constraint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.domain.line_events import first_break, line_events
from trendedge.domain.pivots import average_true_range
from trendedge.domain.trendlines import (
    DetectorParams,
    Trendline,
    detect_trendlines,
)
from trendedge.models._base import utcnow
from trendedge.models.trendline import ScanRun, TrendlineAlert
from trendedge.models.trendline import Trendline as StoredLine
from trendedge.services.bars import BarArrays, load_bars
from trendedge.services.watchlists import watchers

MIN_BARS = 60
MAX_BARS = 5000


class ScanError(RuntimeError):
    """The scan cannot run (e.g. not enough bars); the message is shown to users."""


@dataclass(frozen=True)
class FiredAlert:
    alert_id: int
    user_id: int
    trendline_id: int
    instrument: str
    timeframe: str
    event: str
    price: Decimal
    line_price: Decimal


@dataclass
class ScanOutcome:
    scan: ScanRun
    fired: list[FiredAlert] = field(default_factory=list)


def _when(ts: np.datetime64) -> datetime:
    return datetime.fromtimestamp(int(ts.astype("datetime64[us]").astype(np.int64)) / 1e6, UTC)


async def queue_scan(
    *, session: AsyncSession, instrument: str, timeframe: str, trigger: str = "schedule"
) -> ScanRun:
    scan = ScanRun(instrument=instrument, timeframe=timeframe, trigger=trigger)
    session.add(scan)
    await session.flush()
    return scan


async def scan_in_flight(
    *,
    session: AsyncSession,
    instrument: str,
    timeframe: str,
    within: timedelta = timedelta(minutes=10),
) -> bool:
    """A queued or running scan of the pair started recently (don't pile up)."""
    query = (
        select(func.count())
        .select_from(ScanRun)
        .where(
            ScanRun.instrument == instrument,
            ScanRun.timeframe == timeframe,
            col(ScanRun.status).in_(("queued", "running")),
            col(ScanRun.queued_at) > utcnow() - within,
        )
    )
    return bool((await session.exec(query)).one())


async def _upsert_lines(
    session: AsyncSession,
    scan: ScanRun,
    bars: BarArrays,
    lines: list[Trendline],
    atr: np.ndarray,
    params: DetectorParams,
) -> None:
    """Store newly found lines; one already broken before the latest bar is stored
    `broken` at that bar (no alert: the break is history). Known lines keep their status."""
    table = StoredLine.__table__  # type: ignore[attr-defined]
    now = utcnow()
    last = len(bars) - 1
    for line in lines:
        broke = first_break(line, bars.close, atr, params.break_threshold, line.i2 + 1)
        broken_before = broke is not None and broke < last
        values = {
            "instrument": scan.instrument,
            "timeframe": scan.timeframe,
            "kind": line.kind,
            "anchor1_ts": _when(bars.ts[line.i1]),
            "anchor1_price": Decimal(repr(line.p1)),
            "anchor2_ts": _when(bars.ts[line.i2]),
            "anchor2_price": Decimal(repr(line.p2)),
            "slope_per_bar": Decimal(repr(line.slope)),
            "touches": [_when(bars.ts[i]).isoformat() for i in line.touches],
            "score": float(line.score),
            "status": "broken" if broken_before else "active",
            "broken_at": _when(bars.ts[broke]) if broken_before and broke is not None else None,
            "detected_at": now,
            "last_seen_at": now,
        }
        await session.exec(
            insert(table)
            .values(**values)
            .on_conflict_do_update(
                constraint="uq_trendline_anchors",
                set_={"score": values["score"], "touches": values["touches"], "last_seen_at": now},
            )
        )


def _domain_line(stored: StoredLine, bars: BarArrays) -> Trendline | None:
    """The stored line in the index space of `bars`; None if its anchor is not loaded."""
    anchor = np.datetime64(stored.anchor1_ts.astimezone(UTC).replace(tzinfo=None), "us")
    i1 = int(np.searchsorted(bars.ts, anchor))
    if i1 >= len(bars) or bars.ts[i1] != anchor:
        return None
    slope = float(stored.slope_per_bar)
    p1 = float(stored.anchor1_price)
    return Trendline(
        kind=stored.kind,  # type: ignore[arg-type]
        i1=i1,
        i2=i1,
        p1=p1,
        p2=p1,
        slope=slope,
        intercept=p1 - slope * i1,
        touches=(i1,),
        score=stored.score,
    )


async def _fire(
    session: AsyncSession,
    scan: ScanRun,
    stored: StoredLine,
    event: str,
    bar_ts: datetime,
    price: float,
    line_price: float,
) -> list[FiredAlert]:
    fired = []
    table = TrendlineAlert.__table__  # type: ignore[attr-defined]
    bar_price, at_line = Decimal(repr(price)), Decimal(repr(line_price))
    for user_id in await watchers(
        session=session, instrument=scan.instrument, timeframe=scan.timeframe
    ):
        values = {
            "user_id": user_id,
            "trendline_id": stored.id,
            "instrument": scan.instrument,
            "timeframe": scan.timeframe,
            "event": event,
            "bar_ts": bar_ts,
            "price": bar_price,
            "line_price": at_line,
            "created_at": utcnow(),
        }
        alert_id = (
            await session.exec(
                insert(table)
                .values(**values)
                .on_conflict_do_nothing(constraint="uq_trendline_alert_once")
                .returning(table.c.id)
            )
        ).scalar_one_or_none()
        if alert_id is not None:
            assert stored.id is not None
            fired.append(
                FiredAlert(
                    alert_id,
                    user_id,
                    stored.id,
                    scan.instrument,
                    scan.timeframe,
                    event,
                    bar_price,
                    at_line,
                )
            )
    return fired


async def _evaluate_latest(
    session: AsyncSession,
    scan: ScanRun,
    bars: BarArrays,
    params: DetectorParams,
    atr_series: np.ndarray,
) -> list[FiredAlert]:
    last = len(bars) - 1
    atr = atr_series[last]
    active = (
        await session.exec(
            select(StoredLine)
            .where(
                StoredLine.instrument == scan.instrument,
                StoredLine.timeframe == scan.timeframe,
                StoredLine.status == "active",
            )
            .with_for_update()
        )
    ).all()
    fired: list[FiredAlert] = []
    bar_ts = _when(bars.ts[last])
    for stored in active:
        line = _domain_line(stored, bars)
        if line is None:
            continue
        event = line_events(
            line,
            bars.high,
            bars.low,
            bars.close,
            last,
            params.touch_tolerance * atr,
            params.break_threshold * atr,
        )
        if event is None:
            continue
        if event == "break":
            stored.status, stored.broken_at = "broken", bar_ts
            session.add(stored)
        fired += await _fire(
            session, scan, stored, event, bar_ts, float(bars.close[last]), line.price_at(last)
        )
    return fired


async def mark_running(*, session: AsyncSession, scan_id: int) -> ScanRun | None:
    """Commit `running` before the work starts, so pages can show progress."""
    scan = await session.get(ScanRun, scan_id, with_for_update=True)
    if scan is None:
        return None
    scan.status, scan.started_at = "running", utcnow()
    session.add(scan)
    await session.flush()
    return scan


async def run_scan(
    *, session: AsyncSession, scan_id: int, params: DetectorParams = DetectorParams()
) -> ScanOutcome:
    """Run the queued scan `scan_id` in the caller's transaction."""
    scan = await session.get(ScanRun, scan_id, with_for_update=True)
    if scan is None:
        raise ScanError(f"scan {scan_id} does not exist")
    scan.status, scan.started_at = "running", utcnow()
    bars = await load_bars(
        session=session, instrument=scan.instrument, timeframe=scan.timeframe, limit=MAX_BARS
    )
    if len(bars) < MIN_BARS:
        raise ScanError(
            f"{len(bars)} bars of {scan.instrument} {scan.timeframe} are stored; "
            f"a scan needs at least {MIN_BARS}. Upload bars or load the sample."
        )
    started = datetime.now(UTC)
    lines = detect_trendlines(bars.high, bars.low, bars.close, params)
    detect_ms = (datetime.now(UTC) - started).total_seconds() * 1000
    atr = average_true_range(bars.high, bars.low, bars.close, params.atr_period)
    await _upsert_lines(session, scan, bars, lines, atr, params)
    fired = await _evaluate_latest(session, scan, bars, params, atr)
    scan.status, scan.finished_at = "succeeded", utcnow()
    scan.bars, scan.lines_found, scan.alerts_fired = len(bars), len(lines), len(fired)
    scan.error = ""
    scan.stats = {"detect_ms": round(detect_ms, 2)}
    session.add(scan)
    await session.flush()
    return ScanOutcome(scan=scan, fired=fired)


async def mark_failed(
    *, session: AsyncSession, scan_id: int, error: str, will_retry: bool
) -> ScanRun | None:
    scan = await session.get(ScanRun, scan_id)
    if scan is None:
        return None
    scan.status = "queued" if will_retry else "failed"
    scan.error = error[:1000]
    scan.finished_at = None if will_retry else utcnow()
    session.add(scan)
    await session.flush()
    return scan
