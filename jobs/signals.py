"""Webhook signal jobs on the `high` queue.

Retry policy (PRD INF-FR-011): 3 retries after 5 s, 25 s and 125 s; after the
last one the signal is marked `failed` with the reason and the user is told.
A worker that dies mid-job is covered twice: RQ re-queues abandoned jobs, and
the scheduler's `requeue_stale_signals` re-submits signals left `accepted`.
Processing is idempotent, so a repeat never makes a second fill.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from rq import Callback, Retry
from rq.job import Job

from jobs.queues import HIGH, enqueue
from jobs.runner import run_async
from trendedge.db import session_scope
from trendedge.redis_client import async_redis
from trendedge.services.signal_processing import fail_signal, process_signal, stale_accepted

SIGNAL_RETRY = Retry(max=3, interval=[5, 25, 125])
STALE_AFTER = timedelta(minutes=2)


def process(signal_id: int) -> dict[str, Any]:
    """Execute the accepted signal `signal_id`; returns a short summary."""

    async def work() -> dict[str, Any]:
        result = await process_signal(signal_id=signal_id, engine=None, redis_client=async_redis())
        if result is None:
            return {"signal_id": signal_id, "status": "already handled"}
        return {"signal_id": signal_id, "status": result.status.value}

    return run_async(work)


def on_failure(job: Job, connection: Any, exc_type: Any, exc_value: Any, tb: Any) -> None:
    """RQ failure callback: after the last retry, record the failure on the signal."""
    if job.retries_left:  # more attempts will follow
        return
    signal_id = int(job.args[0])
    reason = f"processing failed after retries: {exc_type.__name__}: {exc_value}"[:1000]

    async def work() -> None:
        await fail_signal(
            signal_id=signal_id, reason=reason, engine=None, redis_client=async_redis()
        )

    run_async(work)


def enqueue_processing(signal_id: int) -> Job:
    """Put `process(signal_id)` on the high queue with the retry policy."""
    return enqueue(
        HIGH,
        process,
        signal_id,
        retry=SIGNAL_RETRY,
        on_failure=Callback(on_failure),
        job_timeout=60,
    )


def requeue_stale_signals() -> int:
    """Periodic: re-submit signals left `accepted` longer than STALE_AFTER."""

    async def work() -> list[int]:
        async with session_scope() as session:
            return await stale_accepted(session=session, older_than=STALE_AFTER)

    ids = run_async(work)
    for signal_id in ids:
        enqueue_processing(signal_id)
    return len(ids)
