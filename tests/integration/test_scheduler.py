"""The real `trendedge scheduler` (RQ's CronScheduler) with a real worker.

With WORKER_HEARTBEAT_SECONDS=1 the heartbeat job is enqueued every second on `low`;
the worker runs it and writes the time into Redis, over and over.
"""

from __future__ import annotations

import signal
import time

from jobs.maintenance import HEARTBEAT_KEY
from tests.support.processes import Proc, cli, running, wait_for
from trendedge.redis_client import sync_redis


def heartbeat() -> str | None:
    value = sync_redis().get(HEARTBEAT_KEY)
    return value.decode() if value is not None else None


def test_scheduler_writes_the_heartbeat_periodically_and_stops_on_sigterm(
    worker: Proc, base_env: dict[str, str]
) -> None:
    assert heartbeat() is None
    env = {**base_env, "WORKER_HEARTBEAT_SECONDS": "1"}
    with running(cli("scheduler"), env, "scheduler") as scheduler:
        try:
            first = wait_for(heartbeat, timeout=20, what="the first heartbeat")
            second = wait_for(
                lambda: (value := heartbeat()) and value > first and value,
                timeout=10,
                what=f"a heartbeat later than {first}",
            )
            third = wait_for(
                lambda: (value := heartbeat()) and value > second and value,
                timeout=10,
                what=f"a heartbeat later than {second}",
            )
        except AssertionError as exc:
            raise AssertionError(
                f"{exc}\n--- scheduler ---\n{scheduler.output()[-4000:]}"
                f"\n--- worker ---\n{worker.output()[-4000:]}"
            ) from exc
        assert first < second < third
        assert scheduler.alive(), scheduler.output()

        started = time.monotonic()
        code = scheduler.stop(signal.SIGTERM, timeout=10)
        elapsed = time.monotonic() - started
        assert code == 0, f"scheduler exited with {code}:\n{scheduler.output()[-4000:]}"
        assert elapsed < 5, f"scheduler took {elapsed:.1f}s to stop"
        assert "shutdown complete" in scheduler.output()

    # Nothing enqueues the heartbeat any more: the value stays put.
    time.sleep(0.5)  # a job enqueued just before the stop may still run
    last = heartbeat()
    time.sleep(2.5)
    assert heartbeat() == last, "the heartbeat kept changing after the scheduler stopped"
