"""Start, watch and stop the child processes of `trendedge up`."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self, *, env: Mapping[str, str], cwd: Path) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - argv built by us
            self.argv, env=dict(env), cwd=cwd, start_new_session=True
        )

    def exited(self) -> int | None:
        return None if self.process is None else self.process.poll()


def stop_all(children: list[Child], *, timeout: float = 15.0) -> None:
    """SIGTERM every child's process group, then SIGKILL what is left after `timeout`."""
    alive = [c for c in children if c.process is not None and c.process.poll() is None]
    for child in alive:
        assert child.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.process.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for child in alive:
        assert child.process is not None
        try:
            child.process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.process.pid, signal.SIGKILL)
            child.process.wait()
