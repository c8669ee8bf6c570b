"""The analytics dashboard of one user: load (two SQL statements at once), compute (numpy),
cache (Redis).

Results are cached under `cache:analytics:{user_id}:{generation}:{hash of the query}`
for ANALYTICS_CACHE_SECONDS, where `generation` is the user's analytics-cache
generation (`services.analytics_cache`): any change to the user's trades, journal tags
or playbooks bumps it, so older results are never read again. A Redis outage never
breaks the dashboard: the result is computed without the cache and the outage logged.
"""

from __future__ import annotations

import time

import redis.asyncio as aioredis
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.logging import get_logger
from trendedge.redis_client import async_redis
from trendedge.services import analytics_cache
from trendedge.services.analytics_query import AnalyticsQuery, load_trade_rows
from trendedge.services.analytics_result import AnalyticsResult, build_result
from trendedge.settings import get_settings

log = get_logger("trendedge.analytics")

CACHE_PREFIX = "cache:analytics"

__all__ = [
    "AnalyticsQuery",
    "AnalyticsResult",
    "cache_key",
    "compute",
    "dashboard",
]


def cache_key(*, user_id: int, generation: int, query: AnalyticsQuery) -> str:
    return f"{CACHE_PREFIX}:{int(user_id)}:{int(generation)}:{query.cache_hash()}"


async def compute(session: AsyncSession, *, user_id: int, query: AnalyticsQuery) -> AnalyticsResult:
    """The analytics of `user_id`'s trades for `query`, straight from the database."""
    if not isinstance(user_id, int) or isinstance(user_id, bool) or user_id <= 0:
        raise PermissionError("analytics need the signed-in user's id")
    started = time.perf_counter()
    rows = await load_trade_rows(session, user_id=user_id, query=query)
    loaded = time.perf_counter()
    result = build_result(rows, query)
    log.info(
        "analytics_computed",
        user_id=user_id,
        trades=len(rows.trades),
        sql_ms=round((loaded - started) * 1000, 1),
        numpy_ms=round((time.perf_counter() - loaded) * 1000, 1),
    )
    return result


async def dashboard(
    session: AsyncSession,
    *,
    user_id: int,
    query: AnalyticsQuery,
    redis_client: aioredis.Redis | None = None,
) -> AnalyticsResult:
    """The analytics for `query`, from the cache when fresh (`from_cache` is then True),
    else computed and stored. The generation is read BEFORE the database, so a result
    computed while a trade changes is stored under the old generation and never served."""
    ttl = get_settings().analytics_cache_seconds
    key: str | None = None
    client: aioredis.Redis | None = None
    if ttl > 0:
        try:
            client = redis_client or async_redis()
            generation = await analytics_cache.generation(user_id=user_id, client=client)
            key = cache_key(user_id=user_id, generation=generation, query=query)
            raw = await client.get(key)
            if raw is not None:
                cached = AnalyticsResult.model_validate_json(raw)
                cached.from_cache = True
                return cached
        except Exception as exc:
            log.warning("analytics_cache_unavailable", user_id=user_id, error=type(exc).__name__)
            key = None
    result = await compute(session, user_id=user_id, query=query)
    if key is not None and client is not None:
        try:
            await client.set(key, result.model_dump_json(), ex=ttl)
        except Exception as exc:
            log.warning("analytics_cache_store_failed", user_id=user_id, error=type(exc).__name__)
    return result
