"""Per-user analytics cache generation in Redis.

Every cached analytics result is keyed by the user's current generation number
(`analytics:generation:user:{id}`). Any change to a user's trades, journal tags or
playbooks calls `invalidate(user_id=…)`, which increments it: every older result
becomes unreachable at once and expires by its TTL. Callers that change trades MUST
call `invalidate` after their transaction commits.
"""

from __future__ import annotations

import redis.asyncio as aioredis

from trendedge.logging import get_logger
from trendedge.redis_client import async_redis

log = get_logger("trendedge.analytics_cache")


def generation_key(user_id: int) -> str:
    return f"analytics:generation:user:{int(user_id)}"


async def generation(*, user_id: int, client: aioredis.Redis | None = None) -> int:
    """The user's current cache generation (0 before the first change)."""
    raw = await (client or async_redis()).get(generation_key(user_id))
    return int(raw or 0)


async def invalidate(*, user_id: int, client: aioredis.Redis | None = None) -> None:
    """Make every cached analytics result of `user_id` stale.

    A Redis outage is logged, not raised: the data is safe in PostgreSQL and cached
    results expire by their TTL (ANALYTICS_CACHE_SECONDS).
    """
    try:
        await (client or async_redis()).incr(generation_key(user_id))
    except Exception as exc:
        log.warning("analytics_invalidate_failed", user_id=user_id, error=type(exc).__name__)
