"""The RQ worker process: `trendedge worker [QUEUES…] [--fork]`.

By default jobs run inside the worker process (RQ's SimpleWorker): one event
loop and one pooled database engine serve every job, so a webhook fill costs a
transaction, not a fork plus a new connection. `--fork` runs each job in a
forked child instead (RQ's default Worker), isolating memory-hungry jobs.
"""

from __future__ import annotations

from typing import Any

import structlog
from rq import SimpleWorker, Worker

from jobs.queues import QUEUE_NAMES, get_queue
from trendedge.redis_client import sync_redis


class _JobContext:
    """Bind the running job's id to every log line it produces."""

    def perform_job(self, job: Any, queue: Any, *args: Any, **kwargs: Any) -> bool:
        structlog.contextvars.bind_contextvars(job_id=job.id, queue=queue.name)
        try:
            return super().perform_job(job, queue, *args, **kwargs)  # type: ignore[misc]
        finally:
            structlog.contextvars.unbind_contextvars("job_id", "queue")


class TrendEdgeWorker(_JobContext, SimpleWorker):
    """Runs jobs in-process on a persistent loop (fast, shared connection pool)."""


class TrendEdgeForkingWorker(_JobContext, Worker):
    """Runs each job in a forked work horse (isolated, slower to start)."""


def run_worker(
    queue_names: list[str] | None = None, *, burst: bool = False, fork: bool = False
) -> bool:
    """Serve `queue_names` (default: all, `high` first) until stopped."""
    queues = [get_queue(name) for name in (queue_names or list(QUEUE_NAMES))]
    worker_class = TrendEdgeForkingWorker if fork else TrendEdgeWorker
    worker = worker_class(queues, connection=sync_redis())
    return worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
