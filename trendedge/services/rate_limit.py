"""Per-key rate limits counted in Redis with the `limits` library (moving window)."""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass

from limits import RateLimitItemPerMinute
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter

from trendedge.logging import get_logger

log = get_logger("trendedge.rate_limit")
_limiters: dict[tuple[int, str], MovingWindowRateLimiter] = {}


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    retry_after_s: int = 0


def limits_storage_uri(redis_url: str) -> str:
    """redis://… → async+redis://…, unix:///sock → async+redis+unix:///sock."""
    if redis_url.startswith("unix://"):
        return "async+redis+unix://" + redis_url[len("unix://") :]
    return "async+" + redis_url


def _limiter(redis_url: str) -> MovingWindowRateLimiter:
    key = (id(asyncio.get_running_loop()), redis_url)
    limiter = _limiters.get(key)
    if limiter is None:
        storage = RedisStorage(limits_storage_uri(redis_url), implementation="redispy")
        limiter = _limiters[key] = MovingWindowRateLimiter(storage)
    return limiter


async def hit(*, redis_url: str, namespace: str, key: str, per_minute: int) -> RateDecision:
    """Count one event for `key`; refuse it when over `per_minute` in the last 60 s.

    Fails open (allows) when Redis cannot be reached: losing a trading signal
    is worse than briefly not limiting one sender.
    """
    item = RateLimitItemPerMinute(per_minute, namespace=namespace)
    limiter = _limiter(redis_url)
    try:
        if await limiter.hit(item, key):
            return RateDecision(allowed=True)
        stats = await limiter.get_window_stats(item, key)
    except Exception as exc:
        log.warning("rate_limit_unavailable", error=type(exc).__name__)
        return RateDecision(allowed=True)
    retry_after = max(1, math.ceil(stats.reset_time - time.time()))
    return RateDecision(allowed=False, retry_after_s=retry_after)
