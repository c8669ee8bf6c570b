"""The RQ worker process: `trendedge worker [QUEUES…]`."""

from __future__ import annotations

from typing import Any

import structlog
from rq import Worker

from jobs.queues import QUEUE_NAMES, get_queue
from trendedge.redis_client import sync_redis


class TrendEdgeWorker(Worker):
    """An RQ worker whose log lines carry the id of the job being run."""

    def perform_job(self, job: Any, queue: Any, *args: Any, **kwargs: Any) -> bool:
        structlog.contextvars.bind_contextvars(job_id=job.id, queue=queue.name)
        try:
            return super().perform_job(job, queue, *args, **kwargs)
        finally:
            structlog.contextvars.unbind_contextvars("job_id", "queue")


def run_worker(queue_names: list[str] | None = None, *, burst: bool = False) -> bool:
    """Serve `queue_names` (default: all, `high` first) until stopped."""
    queues = [get_queue(name) for name in (queue_names or list(QUEUE_NAMES))]
    worker = TrendEdgeWorker(queues, connection=sync_redis())
    return worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
