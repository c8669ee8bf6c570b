"""Dependency checks behind `/health/ready`: database, Redis, RQ workers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from rq import Worker
from sqlalchemy import text

from trendedge.db import get_engine
from trendedge.redis_client import async_redis, sync_redis

CHECK_TIMEOUT_S = 2.0


async def _timed(check: Callable[[], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        extra = await asyncio.wait_for(check(), CHECK_TIMEOUT_S)
    except TimeoutError:
        return {"status": "error", "message": f"no answer within {CHECK_TIMEOUT_S:g}s"}
    except Exception as exc:
        return {"status": "error", "message": type(exc).__name__ + ": " + str(exc)[:200]}
    result = {"status": "ok", "latency_ms": round((time.perf_counter() - started) * 1000, 2)}
    result.update(extra)
    if extra.get("status") == "error":
        result.pop("latency_ms")
    return result


async def _database() -> dict[str, Any]:
    async with get_engine().connect() as conn:
        await conn.execute(text("SELECT 1"))
    return {}


async def _redis() -> dict[str, Any]:
    await async_redis().ping()  # type: ignore[misc]
    return {}


async def _workers() -> dict[str, Any]:
    count = await asyncio.to_thread(Worker.count, connection=sync_redis())
    if count == 0:
        return {"status": "error", "message": "no RQ worker is running", "workers": 0}
    return {"workers": count}


async def readiness() -> tuple[bool, dict[str, dict[str, Any]]]:
    """(all ok?, per-component results) — checks run concurrently, each time-boxed."""
    names = ("database", "redis", "workers")
    results = await asyncio.gather(*(_timed(c) for c in (_database, _redis, _workers)))
    checks = dict(zip(names, results, strict=True))
    return all(c["status"] == "ok" for c in checks.values()), checks
