"""Run async service code inside a synchronous RQ job."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


def run_async(fn: Callable[[], Awaitable[T]]) -> T:
    """Run `fn()` on a fresh event loop (RQ gives each job a new process or loop).

    Code inside must use `trendedge.db.job_session()` (a NullPool engine), not
    the web process's pooled engine.
    """

    async def main() -> T:
        return await fn()

    return asyncio.run(main())
