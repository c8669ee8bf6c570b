"""Broker statement import jobs on the `low` queue.

One attempt, no automatic retry: an import is deterministic, so a retry would fail
the same way. A crash is recorded `failed` with its reason on the import (the page
shows it) and the file is kept, so the user can run it again.
"""

from __future__ import annotations

from typing import Any

from rq.job import Job

from jobs.queues import LOW, enqueue
from jobs.runner import run_async
from trendedge.db import session_scope
from trendedge.logging import get_logger
from trendedge.models import ImportRun
from trendedge.redis_client import async_redis
from trendedge.services import events, imports
from trendedge.services.import_runner import run_import as run_import_service

log = get_logger("trendedge.jobs.imports")
IMPORT_EVENT = "import"
IMPORT_TIMEOUT_S = 900


def _event(run: ImportRun) -> dict[str, Any]:
    return {
        "import_id": run.id,
        "status": run.status,
        "rows_done": run.rows_done,
        "rows_total": run.rows_total,
        "message": run.message,
    }


async def _publish(run: ImportRun) -> None:
    await events.publish(
        async_redis(), user_id=run.user_id, event_type=IMPORT_EVENT, data=_event(run)
    )


def run_import(import_id: int) -> dict[str, Any]:
    """Run import `import_id` (see trendedge.services.import_runner)."""

    async def work() -> dict[str, Any]:
        try:
            run = await run_import_service(import_id=import_id, progress=_publish)
        except Exception as exc:
            log.exception("import_failed", import_id=import_id)
            async with session_scope() as session:
                found = await session.get(ImportRun, import_id)
                if found is not None:
                    run = await imports.mark(
                        session=session,
                        run=found,
                        status="failed",
                        message=f"The import failed: {type(exc).__name__}: {exc}"[:1000],
                    )
            if found is not None:
                await _publish(run)
            raise
        await _publish(run)
        return _event(run)

    return run_async(work)


def enqueue_import(import_id: int) -> Job:
    """Queue import `import_id` on `low`."""
    return enqueue(LOW, run_import, import_id, job_timeout=IMPORT_TIMEOUT_S)
