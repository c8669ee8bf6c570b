"""Run async service code inside a synchronous RQ job.

Each worker process keeps ONE event loop for all the jobs it runs, so the
pooled database engine (`trendedge.db.get_engine()`, one per loop) and its
connections are reused from job to job instead of being rebuilt every time.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

_loop: asyncio.AbstractEventLoop | None = None
_loop_pid: int | None = None


def _process_loop() -> asyncio.AbstractEventLoop:
    """This process's job loop (a forked child never reuses its parent's)."""
    global _loop, _loop_pid
    if _loop is None or _loop.is_closed() or _loop_pid != os.getpid():
        _loop = asyncio.new_event_loop()
        _loop_pid = os.getpid()
    return _loop


def run_async(fn: Callable[[], Awaitable[T]]) -> T:
    """Run `fn()` to completion on the process's job loop.

    Must not be called from inside a running event loop (use `await fn()` there).
    """

    async def main() -> T:
        return await fn()

    return _process_loop().run_until_complete(main())
