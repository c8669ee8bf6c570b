"""Notification dispatch on the `notifications` queue.

Telegram, Discord and e-mail delivery arrive with the notifications issue;
until then a dispatched event is logged (with its user and type, never its
secrets) so the hand-off from scans and fills is already in place and tested.
"""

from __future__ import annotations

from typing import Any

from rq import Retry
from rq.job import Job

from jobs.queues import NOTIFICATIONS, enqueue
from trendedge.logging import get_logger

log = get_logger("trendedge.jobs.notifications")
NOTIFY_RETRY = Retry(max=3, interval=[10, 60, 300])


def dispatch(user_id: int, event_type: str, data: dict[str, Any]) -> dict[str, Any]:
    """Deliver one event to the user's channels (today: recorded in the log)."""
    log.info("notification_dispatched", user_id=user_id, event_type=event_type, keys=sorted(data))
    return {"user_id": user_id, "event_type": event_type, "delivered": []}


def enqueue_dispatch(user_id: int, event_type: str, data: dict[str, Any]) -> Job:
    return enqueue(NOTIFICATIONS, dispatch, user_id, event_type, data, retry=NOTIFY_RETRY)
