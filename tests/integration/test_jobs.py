"""Jobs through the real queues: enqueued like the web app does, run by a real worker process.

The `worker` fixture runs `python -m trendedge worker` (all four queues) against the
embedded Redis and PostgreSQL; each test polls the job in Redis until the worker is done.
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from decimal import Decimal

import pytest
from rq.job import JobStatus

from jobs import maintenance
from jobs.accounts import account_summary
from jobs.queues import QUEUE_NAMES, enqueue, get_queue
from tests.support.job_functions import record
from tests.support.jobs import wait_job
from tests.support.processes import Proc, wait_for
from trendedge.db import session_scope
from trendedge.redis_client import sync_redis
from trendedge.services import accounts, users


def json_lines(output: str) -> list[dict]:
    """Every log line of the worker parsed as JSON (a non-JSON line fails the test)."""
    parsed = []
    for line in output.splitlines():
        if not line.strip():
            continue
        try:
            parsed.append(json.loads(line))
        except json.JSONDecodeError:
            pytest.fail(f"worker log line is not JSON: {line!r}")
    return parsed


def test_the_four_queues_are_high_default_low_notifications() -> None:
    assert QUEUE_NAMES == ("high", "default", "low", "notifications")


def test_a_job_on_each_queue_is_run_by_the_worker(worker: Proc) -> None:
    expected = {
        name: (f"test:jobs:{name}:{uuid.uuid4().hex}", uuid.uuid4().hex) for name in QUEUE_NAMES
    }
    assert all(sync_redis().get(key) is None for key, _ in expected.values())

    jobs = {name: enqueue(name, record, key, value) for name, (key, value) in expected.items()}

    for name, job in jobs.items():
        key, value = expected[name]
        assert job.origin == name
        assert wait_job(job, worker) == JobStatus.FINISHED, (name, job.latest_result())
        result = job.return_value(refresh=True)
        assert result["key"] == key
        assert result["value"] == value
        assert result["pid"] != os.getpid(), "the job ran in the test process, not the worker"
        assert sync_redis().get(key) == value.encode()
        assert get_queue(name).count == 0


def test_worker_log_lines_are_json_and_carry_the_job_id(worker: Proc) -> None:
    key = f"test:jobs:log:{uuid.uuid4().hex}"
    job = enqueue("default", record, key, "logged")
    assert wait_job(job, worker) == JobStatus.FINISHED, job.latest_result()

    def job_lines() -> list[dict]:
        return [line for line in json_lines(worker.output()) if line.get("job_id") == job.id]

    lines = wait_for(job_lines, timeout=10, what=f"a worker log line with job_id {job.id}")
    ours = [line for line in lines if line.get("event") == "test_job_recorded"]
    assert ours, f"the job's own log line lacks job_id {job.id}: {lines}"
    assert ours[0]["key"] == key
    assert ours[0]["queue"] == "default"
    rq_lines = [line for line in lines if line.get("logger") == "rq.worker"]
    assert rq_lines, f"RQ's own lines about job {job.id} lack its job_id: {lines}"
    assert all("level" in line and "timestamp" in line for line in lines)


def test_scheduler_heartbeat_job_runs_on_the_low_queue(worker: Proc) -> None:
    assert sync_redis().get(maintenance.HEARTBEAT_KEY) is None
    job = enqueue("low", maintenance.heartbeat)
    assert wait_job(job, worker) == JobStatus.FINISHED, job.latest_result()
    stamp = job.return_value(refresh=True)
    assert sync_redis().get(maintenance.HEARTBEAT_KEY) == stamp.encode()


async def test_account_summary_job_is_tenant_isolated(worker: Proc) -> None:
    async with session_scope() as session:
        alice = await users.upsert_oidc_user(
            session=session, issuer="urn:test", subject="a", email="a@example.com", name="A"
        )
        bob = await users.upsert_oidc_user(
            session=session, issuer="urn:test", subject="b", email="b@example.com", name="B"
        )
        account = await accounts.create_account(
            session=session,
            user_id=alice.id,
            data={"name": "Alice Secret Futures", "currency": "eur", "initial_balance": "12345.67"},
        )
    assert alice.id and bob.id and account.id and alice.id != bob.id

    own = enqueue("default", account_summary, alice.id, account.id)
    assert await asyncio.to_thread(wait_job, own, worker) == JobStatus.FINISHED, own.latest_result()
    assert own.return_value(refresh=True) == {
        "id": account.id,
        "name": "Alice Secret Futures",
        "currency": "EUR",
        "initial_balance": str(Decimal("12345.67")),
    }

    other = enqueue("default", account_summary, bob.id, account.id)
    assert await asyncio.to_thread(wait_job, other, worker) == JobStatus.FAILED
    result = other.latest_result()
    assert result is not None
    assert result.type == result.Type.FAILED
    assert result.return_value is None
    assert other.return_value(refresh=True) is None
    assert "NotFoundError" in (result.exc_string or ""), result.exc_string
    for secret in ("Alice Secret Futures", "12345.67", "a@example.com"):
        assert secret not in (result.exc_string or "")


def test_get_queue_rejects_an_unknown_queue_name() -> None:
    with pytest.raises(ValueError, match="unknown queue 'urgent'"):
        get_queue("urgent")
    with pytest.raises(ValueError, match="unknown queue"):
        enqueue("High", record, "k", "v")
    assert [get_queue(name).name for name in QUEUE_NAMES] == list(QUEUE_NAMES)
