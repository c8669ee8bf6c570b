"""Small job functions for tests: importable by a real `trendedge worker` (cwd = project root)."""

from __future__ import annotations

import os
from typing import Any

from trendedge.logging import get_logger
from trendedge.redis_client import sync_redis

log = get_logger("tests.support.job_functions")


def record(key: str, value: str) -> dict[str, Any]:
    """Write `value` under `key` in Redis, log a line, and say which process did it."""
    sync_redis().set(key, value)
    log.info("test_job_recorded", key=key)
    return {"key": key, "value": value, "pid": os.getpid()}
