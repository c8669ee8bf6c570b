"""Wait for RQ jobs run by a real worker process."""

from __future__ import annotations

import time

from rq.job import Job, JobStatus

from tests.support.processes import Proc

DONE = {JobStatus.FINISHED, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED}


def wait_job(job: Job, worker: Proc, *, timeout: float = 30) -> JobStatus:
    """Poll the job until it is finished/failed; fail with the worker log otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = job.get_status(refresh=True)
        if status in DONE:
            return status
        if not worker.alive():
            raise AssertionError(
                f"worker exited while job {job.id} was {status}:\n{worker.output()[-6000:]}"
            )
        time.sleep(0.1)
    raise AssertionError(
        f"job {job.id} still {job.get_status(refresh=True)} after {timeout}s:\n"
        f"{worker.output()[-6000:]}"
    )
