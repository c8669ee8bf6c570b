"""Per-user live events over Redis pub/sub: workers publish, open pages subscribe.

Channel `trendedge:events:user:{user_id}` carries JSON objects
`{"type": …, "data": {…}, "at": ISO-8601}`; a user's page subscribes only to
its own channel, so events never cross tenants.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import redis.asyncio as aioredis

from trendedge.logging import get_logger
from trendedge.models._base import utcnow

log = get_logger("trendedge.events")


def channel_for(user_id: int) -> str:
    return f"trendedge:events:user:{int(user_id)}"


def encode_event(event_type: str, data: dict[str, Any]) -> str:
    return json.dumps({"type": event_type, "data": data, "at": utcnow().isoformat()}, default=str)


async def publish(
    client: aioredis.Redis, *, user_id: int, event_type: str, data: dict[str, Any]
) -> None:
    """Publish to the user's channel; a Redis outage is logged, never raised."""
    try:
        await client.publish(channel_for(user_id), encode_event(event_type, data))
    except Exception as exc:  # live updates are best effort; the data is in PostgreSQL
        log.warning(
            "event_publish_failed", user_id=user_id, event_type=event_type, error=type(exc).__name__
        )


@asynccontextmanager
async def subscription(client: aioredis.Redis, *, user_id: int) -> AsyncIterator[Any]:
    """A pub/sub subscribed to the user's channel (closed on exit)."""
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    await pubsub.subscribe(channel_for(user_id))
    try:
        yield pubsub
    finally:
        await pubsub.unsubscribe()
        await pubsub.aclose()


async def next_event(pubsub: Any, *, wait_s: float) -> dict[str, Any] | None:
    """The next event on the subscription, or None after `wait_s` seconds."""
    message = await pubsub.get_message(timeout=wait_s)
    if not message or message.get("type") != "message":
        return None
    try:
        event = json.loads(message["data"])
    except (TypeError, ValueError):
        return None
    return event if isinstance(event, dict) else None
