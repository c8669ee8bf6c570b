"""Redis connections from REDIS_URL: sync (RQ) and asyncio (web)."""

from __future__ import annotations

import asyncio
from functools import cache

import redis
import redis.asyncio as aioredis

from trendedge.settings import get_settings

_async_clients: dict[int, aioredis.Redis] = {}


def redis_url() -> str:
    url = get_settings().redis_url
    if not url:
        raise RuntimeError("REDIS_URL is not set (start TrendEdge with `trendedge up`)")
    return url


@cache
def sync_redis() -> redis.Redis:
    """The process-wide blocking client (RQ needs bytes, so no decoding)."""
    return redis.Redis.from_url(redis_url(), socket_connect_timeout=2, socket_timeout=5)


def async_redis() -> aioredis.Redis:
    """An asyncio client bound to the running event loop."""
    key = id(asyncio.get_running_loop())
    client = _async_clients.get(key)
    if client is None:
        client = _async_clients[key] = aioredis.Redis.from_url(
            redis_url(), socket_connect_timeout=2, socket_timeout=5
        )
    return client
