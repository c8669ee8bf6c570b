"""The periodic-job scheduler: `trendedge scheduler`.

Uses RQ's own CronScheduler (rq >= 2.5): see README, "Why RQ's own scheduler".
Run exactly one scheduler process per deployment.
"""

from __future__ import annotations

from rq.cron import CronScheduler

from jobs import maintenance, scans, signals
from jobs.queues import DEFAULT, HIGH, LOW
from trendedge.redis_client import sync_redis
from trendedge.settings import get_settings


def build_scheduler() -> CronScheduler:
    """A scheduler with every periodic job of TrendEdge registered."""
    settings = get_settings()
    scheduler = CronScheduler(connection=sync_redis())
    scheduler.register(
        maintenance.heartbeat, LOW, interval=settings.worker_heartbeat_seconds, name="heartbeat"
    )
    scheduler.register(
        maintenance.purge_unfinished_import_files,
        LOW,
        cron="43 3 * * *",
        name="purge-unfinished-import-files",
    )
    scheduler.register(
        maintenance.purge_expired_sessions, LOW, cron="17 * * * *", name="purge-expired-sessions"
    )
    scheduler.register(
        signals.requeue_stale_signals, HIGH, interval=60, name="requeue-stale-signals"
    )
    scheduler.register(
        scans.schedule_scans,
        DEFAULT,
        interval=settings.scan_interval_seconds,
        name="schedule-scans",
    )
    return scheduler


def run_scheduler() -> None:
    build_scheduler().start()
