"""services.trendline_views and sample_loader on the real database: users see lines
only of pairs they watch, and never read or change another user's preferences or alerts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from tests.integration.test_scans import zigzag_bars
from trendedge.models.trendline import ScanRun, Trendline, TrendlineAlert, TrendlinePreference
from trendedge.services import bars as bar_service
from trendedge.services import sample_loader, scans, trendline_views, watchlists
from trendedge.services.errors import NotFoundError
from trendedge.services.users import upsert_oidc_user

ISSUER = "https://issuer.test"
T0 = datetime(2026, 1, 5, tzinfo=UTC)


async def make_user(session: AsyncSession, subject: str) -> int:
    user = await upsert_oidc_user(
        session=session, issuer=ISSUER, subject=subject, email=f"{subject}@example.com", name=None
    )
    assert user.id is not None
    return user.id


async def scanned_nq(session: AsyncSession) -> list[Trendline]:
    """Bars of NQ 1h and the lines one real scan of them stores."""
    await bar_service.upsert_bars(
        session=session, instrument="NQ", timeframe="1h", rows=zigzag_bars()
    )
    run = await scans.queue_scan(session=session, instrument="NQ", timeframe="1h", trigger="manual")
    assert run.id is not None
    await scans.run_scan(session=session, scan_id=run.id)
    lines = (await session.exec(select(Trendline))).all()
    assert lines, "the zigzag bars should give at least one line"
    return list(lines)


async def add_alert(session: AsyncSession, user_id: int, line: Trendline) -> None:
    assert line.id is not None
    session.add(
        TrendlineAlert(
            user_id=user_id,
            trendline_id=line.id,
            instrument=line.instrument,
            timeframe=line.timeframe,
            event="touch",
            bar_ts=T0,
            price=Decimal("1000.5"),
            line_price=Decimal("1000.25"),
        )
    )
    await session.flush()


async def test_chart_data_needs_the_pair_on_the_watchlist(db: AsyncSession) -> None:
    alice = await make_user(db, "alice")
    bob = await make_user(db, "bob")
    lines = await scanned_nq(db)
    await watchlists.add_item(session=db, user_id=alice, instrument="NQ", timeframe="1h")
    await watchlists.add_item(session=db, user_id=bob, instrument="ES", timeframe="1h")

    data = await trendline_views.chart_data(
        session=db, user_id=alice, instrument="nq", timeframe="1h", bars_limit=120
    )
    assert (data.instrument, data.timeframe) == ("NQ", "1h")
    assert data.visible_bars == 120 and len(data.bars) >= 120
    # The bars reach back to the oldest anchor, so every line can be drawn from it.
    oldest_anchor = min(line.anchor1_ts for line in lines).replace(tzinfo=None)
    assert data.bars.ts[0] <= np.datetime64(oldest_anchor, "us")
    newest = zigzag_bars()[-1].ts.replace(tzinfo=None)
    assert data.bars.ts[-1] == np.datetime64(newest, "us")  # the newest bars
    assert {v.id for v in data.lines} == {line.id for line in lines}
    assert all(not v.hidden and not v.favourite for v in data.lines)
    assert all(v.touches and v.touches[0].tzinfo is not None for v in data.lines)
    assert data.lines[0].status == "active"

    for user, pair in ((bob, ("NQ", "1h")), (alice, ("NQ", "4h")), (alice, ("ES", "1h"))):
        with pytest.raises(NotFoundError):
            await trendline_views.chart_data(
                session=db, user_id=user, instrument=pair[0], timeframe=pair[1]
            )


async def test_preferences_are_per_user_and_need_a_watched_pair(db: AsyncSession) -> None:
    alice = await make_user(db, "alice")
    bob = await make_user(db, "bob")
    carol = await make_user(db, "carol")
    lines = await scanned_nq(db)
    line_id = lines[0].id
    assert line_id is not None
    for user in (alice, bob):
        await watchlists.add_item(session=db, user_id=user, instrument="NQ", timeframe="1h")

    await trendline_views.set_preference(
        session=db, user_id=alice, trendline_id=line_id, hidden=True
    )
    await trendline_views.set_preference(
        session=db, user_id=alice, trendline_id=line_id, favourite=True
    )

    def flags(data: trendline_views.ChartData) -> tuple[bool, bool]:
        view = next(v for v in data.lines if v.id == line_id)
        return view.hidden, view.favourite

    mine = await trendline_views.chart_data(
        session=db, user_id=alice, instrument="NQ", timeframe="1h"
    )
    theirs = await trendline_views.chart_data(
        session=db, user_id=bob, instrument="NQ", timeframe="1h"
    )
    assert flags(mine) == (True, True)
    assert flags(theirs) == (False, False)  # Bob watches the pair but has his own view

    # Carol does not watch NQ 1h: she can neither change a line of it nor learn it exists.
    with pytest.raises(NotFoundError) as not_watched:
        await trendline_views.set_preference(
            session=db, user_id=carol, trendline_id=line_id, hidden=True
        )
    with pytest.raises(NotFoundError) as missing:
        await trendline_views.set_preference(
            session=db, user_id=carol, trendline_id=10_000_000, hidden=True
        )
    assert str(not_watched.value).replace(str(line_id), "N") == str(missing.value).replace(
        "10000000", "N"
    )

    # Bob's change makes his own row and leaves Alice's alone.
    await trendline_views.set_preference(
        session=db, user_id=bob, trendline_id=line_id, hidden=False, favourite=True
    )
    prefs = (await db.exec(select(TrendlinePreference))).all()
    assert sorted((p.user_id, p.hidden, p.favourite) for p in prefs) == [
        (alice, True, True),
        (bob, False, True),
    ]

    # Removing the pair from the watchlist takes the lines away, preferences or not.
    [item] = await watchlists.list_items(session=db, user_id=alice)
    assert item.id is not None
    await watchlists.remove_item(session=db, user_id=alice, item_id=item.id)
    with pytest.raises(NotFoundError):
        await trendline_views.set_preference(
            session=db, user_id=alice, trendline_id=line_id, hidden=False
        )


async def test_recent_alerts_are_the_users_own(db: AsyncSession) -> None:
    alice = await make_user(db, "alice")
    bob = await make_user(db, "bob")
    lines = await scanned_nq(db)
    await add_alert(db, alice, lines[0])
    await add_alert(db, bob, lines[0])
    if len(lines) > 1:
        await add_alert(db, alice, lines[1])

    mine = await trendline_views.recent_alerts(session=db, user_id=alice)
    assert mine and {a.user_id for a in mine} == {alice}
    assert len(mine) == min(2, len(lines))
    assert [a.id for a in mine] == sorted((a.id for a in mine), reverse=True)
    assert {a.user_id for a in await trendline_views.recent_alerts(session=db, user_id=bob)} == {
        bob
    }
    assert await trendline_views.recent_alerts(session=db, user_id=alice, limit=1) == mine[:1]
    with pytest.raises(PermissionError):
        await trendline_views.recent_alerts(session=db, user_id=0)


async def test_latest_scans_are_those_of_watched_pairs(db: AsyncSession) -> None:
    alice = await make_user(db, "alice")
    await watchlists.add_item(session=db, user_id=alice, instrument="NQ", timeframe="1h")
    await watchlists.add_item(session=db, user_id=alice, instrument="ES", timeframe="4h")
    old = ScanRun(instrument="NQ", timeframe="1h", status="failed", error="boom")
    old.queued_at = T0
    new = ScanRun(instrument="NQ", timeframe="1h", status="succeeded", lines_found=3)
    new.queued_at = T0 + timedelta(minutes=5)
    other = ScanRun(instrument="CL", timeframe="1h", status="succeeded")
    db.add_all([old, new, other])
    await db.flush()

    latest = await trendline_views.latest_scans(session=db, user_id=alice)
    assert set(latest) == {("NQ", "1h")}
    assert latest["NQ", "1h"].id == new.id
    bob = await make_user(db, "bob")
    assert await trendline_views.latest_scans(session=db, user_id=bob) == {}


async def test_csv_import_is_all_or_nothing(db: AsyncSession) -> None:
    good = "time,open,high,low,close\n2026-01-05 00:00,1,2,0.5,1.5\n2026-01-05 01:00,1.5,2,1,1.8\n"
    bad = good + "2026-01-05 02:00,1,oops,1,1\n2026-01-05 03:00,1,0.5,2,1\n"

    rejected = await sample_loader.import_bars_csv(
        session=db, instrument="zz", timeframe="1h", raw=bad.encode()
    )
    assert not rejected.imported and rejected.written == 0
    assert sorted({e.line for e in rejected.errors}) == [4, 5]
    assert await bar_service.instruments_with_bars(session=db) == []

    accepted = await sample_loader.import_bars_csv(
        session=db, instrument="zz", timeframe="1h", raw=good.encode()
    )
    assert accepted.imported and (accepted.instrument, accepted.rows, accepted.written) == (
        "ZZ",
        2,
        2,
    )
    [coverage] = await bar_service.instruments_with_bars(session=db)
    assert (coverage.instrument, coverage.count) == ("ZZ", 2)
