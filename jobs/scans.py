"""Trendline scan jobs on the `default` queue.

Retry policy (PRD INF-FR-011): 2 retries, 60 s apart; a scan that still fails
is recorded `failed` with its reason (shown on the Trendlines page) and the
next scheduled run happens as usual.
"""

from __future__ import annotations

from typing import Any

from rq import Retry, get_current_job
from rq.job import Job

from jobs.notifications import enqueue_dispatch
from jobs.queues import DEFAULT, enqueue
from jobs.runner import run_async
from trendedge.db import session_scope
from trendedge.logging import get_logger
from trendedge.redis_client import async_redis
from trendedge.services import events, scans
from trendedge.services.watchlists import watched_pairs, watchers

log = get_logger("trendedge.jobs.scans")
SCAN_RETRY = Retry(max=2, interval=60)
SCAN_EVENT = "scan"
ALERT_EVENT = "trendline_alert"


async def _tell_watchers(instrument: str, timeframe: str, data: dict[str, Any]) -> None:
    async with session_scope() as session:
        users = await watchers(
            session=session, instrument=instrument, timeframe=timeframe, alerts_only=False
        )
    for user_id in users:
        await events.publish(async_redis(), user_id=user_id, event_type=SCAN_EVENT, data=data)


def scan(scan_id: int) -> dict[str, Any]:
    """Run scan `scan_id`; alerts go live and to the notifications queue."""

    async def work() -> dict[str, Any]:
        async with session_scope() as session:
            running = await scans.mark_running(session=session, scan_id=scan_id)
        if running is not None:
            await _tell_watchers(
                running.instrument, running.timeframe, {"scan_id": scan_id, "status": "running"}
            )
        try:
            async with session_scope() as session:
                outcome = await scans.run_scan(session=session, scan_id=scan_id)
        except Exception as exc:
            job = get_current_job()
            will_retry = bool(job and job.retries_left)
            async with session_scope() as session:
                failed = await scans.mark_failed(
                    session=session,
                    scan_id=scan_id,
                    error=f"{type(exc).__name__}: {exc}",
                    will_retry=will_retry,
                )
            if failed is not None:
                await _tell_watchers(
                    failed.instrument,
                    failed.timeframe,
                    {"scan_id": scan_id, "status": failed.status, "error": failed.error},
                )
            raise
        run = outcome.scan
        for alert in outcome.fired:
            data = {
                "alert_id": alert.alert_id,
                "trendline_id": alert.trendline_id,
                "instrument": alert.instrument,
                "timeframe": alert.timeframe,
                "event": alert.event,
                "price": str(alert.price),
                "line_price": str(alert.line_price),
            }
            await events.publish(
                async_redis(), user_id=alert.user_id, event_type=ALERT_EVENT, data=data
            )
            enqueue_dispatch(alert.user_id, ALERT_EVENT, data)
        await _tell_watchers(
            run.instrument,
            run.timeframe,
            {
                "scan_id": scan_id,
                "status": run.status,
                "lines": run.lines_found,
                "alerts": run.alerts_fired,
            },
        )
        return {"scan_id": scan_id, "lines": run.lines_found, "alerts": run.alerts_fired}

    return run_async(work)


def enqueue_scan(scan_id: int) -> Job:
    return enqueue(DEFAULT, scan, scan_id, retry=SCAN_RETRY, job_timeout=300)


async def queue_pair(instrument: str, timeframe: str, *, trigger: str) -> int | None:
    """Record a queued scan for the pair (unless one is in flight); returns its id."""
    async with session_scope() as session:
        if await scans.scan_in_flight(session=session, instrument=instrument, timeframe=timeframe):
            return None
        run = await scans.queue_scan(
            session=session, instrument=instrument, timeframe=timeframe, trigger=trigger
        )
        return run.id


def schedule_scans() -> int:
    """Periodic: one scan per watched (instrument, timeframe), whoever watches it."""

    async def work() -> list[int]:
        async with session_scope() as session:
            pairs = await watched_pairs(session=session)
        ids = [await queue_pair(i, t, trigger="schedule") for i, t in pairs]
        return [i for i in ids if i is not None]

    queued = run_async(work)
    for scan_id in queued:
        enqueue_scan(scan_id)
    log.info("scans_scheduled", count=len(queued))
    return len(queued)
