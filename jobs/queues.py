"""The four RQ queues and how the app enqueues onto them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rq import Queue, Retry
from rq.job import Job

from trendedge.redis_client import sync_redis

HIGH = "high"
DEFAULT = "default"
LOW = "low"
NOTIFICATIONS = "notifications"
QUEUE_NAMES: tuple[str, ...] = (HIGH, DEFAULT, LOW, NOTIFICATIONS)
"""In the order a worker serves them: `high` first."""


def get_queue(name: str) -> Queue:
    if name not in QUEUE_NAMES:
        raise ValueError(f"unknown queue {name!r}; expected one of {', '.join(QUEUE_NAMES)}")
    return Queue(name, connection=sync_redis())


def enqueue(
    queue_name: str,
    func: Callable[..., Any],
    *args: Any,
    retry: Retry | None = None,
    job_id: str | None = None,
    **kwargs: Any,
) -> Job:
    """Put `func(*args, **kwargs)` on `queue_name`."""
    return get_queue(queue_name).enqueue(func, *args, retry=retry, job_id=job_id, **kwargs)
