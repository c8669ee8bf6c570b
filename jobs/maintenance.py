"""Periodic housekeeping jobs started by the scheduler."""

from __future__ import annotations

from datetime import timedelta

from jobs.runner import run_async
from trendedge.db import session_scope
from trendedge.logging import get_logger
from trendedge.models._base import utcnow
from trendedge.redis_client import sync_redis
from trendedge.services.imports import purge_unfinished_files
from trendedge.services.sessions import purge_expired

log = get_logger("trendedge.jobs.maintenance")
HEARTBEAT_KEY = "trendedge:scheduler:heartbeat"


def heartbeat() -> str:
    """Record that the scheduler → queue → worker path works; returns the time written."""
    stamp = utcnow().isoformat()
    sync_redis().set(HEARTBEAT_KEY, stamp)
    return stamp


def purge_expired_sessions() -> int:
    """Delete expired sign-in sessions; returns how many were removed."""

    async def work() -> int:
        async with session_scope() as session:
            return await purge_expired(session=session)

    removed = run_async(work)
    log.info("expired_sessions_purged", removed=removed)
    return removed


UNFINISHED_IMPORT_DAYS = 7


def purge_unfinished_import_files() -> int:
    """Drop the uploaded bytes of imports left unfinished for a week; returns how many."""

    async def work() -> int:
        async with session_scope() as session:
            return await purge_unfinished_files(
                session=session, older_than=timedelta(days=UNFINISHED_IMPORT_DAYS)
            )

    removed = run_async(work)
    log.info("unfinished_import_files_purged", removed=removed)
    return removed
