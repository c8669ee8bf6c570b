"""`trendedge up`, the one-command start, as a user runs it on a fresh machine.

No DATABASE_URL, REDIS_URL or OIDC settings: `up` starts embedded PostgreSQL and Redis
in its data folder, the development OIDC provider, the web app, a worker and the
scheduler. Ctrl-C (SIGINT) stops everything; the next start finds the data again.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from tests.support.commands import run_cli
from tests.support.processes import Proc, cli, free_port, wait_for, wait_http
from trendedge.auth.dev_provider import dev_provider_issuer

UNSET = (
    "DATABASE_URL",
    "REDIS_URL",
    "OIDC_ISSUER",
    "OIDC_CLIENT_ID",
    "OIDC_CLIENT_SECRET",
    "TRENDEDGE_DEV_PROVIDER",
    "TRENDEDGE_PUBLIC_URL",
    "SESSION_SECRET",
)
START_TIMEOUT = 180
STOP_TIMEOUT = 30


@pytest.fixture
def data_folder() -> Iterator[Path]:
    """A fresh data folder the `pgserver` OS user can traverse (pgserver drops root)."""
    path = Path(tempfile.mkdtemp(prefix="te-up-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def up_env(data_dir: Path, port: int, oidc_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env.update(
        APP_ENV="development",
        TRENDEDGE_DATA_DIR=str(data_dir),
        TRENDEDGE_PORT=str(port),
        DEV_OIDC_PORT=str(oidc_port),
        PYTHONUNBUFFERED="1",
        # Reflex builds into the test's folder, never into a developer's ./.web.
        REFLEX_WEB_WORKDIR=str(data_dir / "web"),
        REFLEX_STATES_WORKDIR=str(data_dir / "states"),
    )
    return env


def mentions(proc: psutil.Process, needles: tuple[str, ...]) -> bool:
    """Whether the process's command line or environment names one of `needles`."""
    try:
        cmdline = " ".join(proc.cmdline())
        if any(n in cmdline for n in needles):
            return True
        return any(n in value for value in proc.environ().values() for n in needles)
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return False


def live(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def stack_processes(up: Proc, data_dir: Path) -> list[psutil.Process]:
    """`up`, its descendants, and every process naming the data folder (postgres, redis)."""
    root = psutil.Process(up.process.pid)
    found = {root.pid: root}
    found.update({p.pid: p for p in root.children(recursive=True)})
    for proc in psutil.process_iter():
        if proc.pid not in found and mentions(proc, (str(data_dir),)):
            found[proc.pid] = proc
    return list(found.values())


def listeners(*ports: int) -> list[psutil._common.sconn]:
    return [
        c
        for c in psutil.net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port in ports
    ]


def kill_leftovers(procs: list[psutil.Process]) -> None:
    """Last resort after a failed test: end the processes this test started, by pid."""
    for proc in procs:
        if live(proc):
            with contextlib.suppress(psutil.NoSuchProcess):
                proc.kill()


def start_up(env: dict[str, str]) -> tuple[Proc, str]:
    port = env["TRENDEDGE_PORT"]
    up = Proc(cli("up"), env, "up")
    ready = f"http://localhost:{port}/health/ready"
    try:
        wait_http(ready, up, timeout=START_TIMEOUT)
        body = httpx.get(ready, timeout=5).json()
        assert body["status"] == "ok", body
        for check in ("database", "redis", "workers"):
            assert body["checks"][check]["status"] == "ok", body
        assert body["checks"]["workers"]["workers"] >= 1, body
    except BaseException:
        procs = stack_processes(up, Path(env["TRENDEDGE_DATA_DIR"])) if up.alive() else []
        up.stop()
        kill_leftovers(procs)
        raise
    return up, f"http://localhost:{port}"


def interrupt(up: Proc) -> tuple[int, float]:
    """Ctrl-C: SIGINT to the process group of `up`; its exit code and how long it took."""
    started = time.monotonic()
    os.killpg(up.process.pid, signal.SIGINT)
    try:
        code = up.process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(
            f"`up` did not stop within {STOP_TIMEOUT}s of SIGINT:\n{up.output()[-6000:]}"
        ) from exc
    return code, time.monotonic() - started


def test_up_starts_everything_stops_on_ctrl_c_and_keeps_the_data(data_folder: Path) -> None:
    port, oidc_port = free_port(), free_port()
    env = up_env(data_folder, port, oidc_port)
    admin_env = {
        **env,
        "DATABASE_URL": f"postgresql://postgres:@/trendedge?host={data_folder}/postgres",
    }
    started: list[psutil.Process] = []
    up, base = start_up(env)
    try:
        started = stack_processes(up, data_folder)

        # Everything runs: the web app, the dev sign-in provider, postgres and redis.
        assert httpx.get(f"{base}/health", timeout=5).status_code == 200
        issuer = dev_provider_issuer("127.0.0.1", oidc_port)
        discovery = httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=5)
        assert discovery.status_code == 200
        assert discovery.json()["issuer"] == issuer
        names = " ".join(" ".join(p.cmdline()) for p in started if live(p))
        assert "postgres" in names and "redis-server" in names, names
        assert "trendedge worker" in names and "trendedge scheduler" in names, names
        assert {c.laddr.port for c in listeners(port, oidc_port)} == {port, oidc_port}
        assert (data_folder / "postgres" / "postmaster.pid").exists()

        # The operator CLI reaches the embedded database `up` started.
        created = run_cli("admin", "create-user", "keep@example.com", env=admin_env)
        assert created.returncode == 0, str(created)

        code, took = interrupt(up)
        assert code == 0, f"`up` exited with {code} on Ctrl-C:\n{up.output()[-6000:]}"
        assert took < STOP_TIMEOUT
        assert "[trendedge] stopped" in up.output()

        def all_gone() -> bool:
            return not [p for p in started if live(p)]

        try:
            wait_for(all_gone, timeout=10, what="every process of `up` to exit")
        except AssertionError as exc:
            left = [f"{p.pid} {' '.join(p.cmdline())}" for p in started if live(p)]
            raise AssertionError(f"left running after Ctrl-C: {left}") from exc
        strays = [
            " ".join(p.cmdline())
            for p in psutil.process_iter()
            if p.pid != os.getpid() and live(p) and mentions(p, (str(data_folder), f":{port}"))
        ]
        assert strays == [], strays
        assert listeners(port, oidc_port) == []
        assert not (data_folder / "postgres" / "postmaster.pid").exists(), "postgres not stopped"

        # Second start on the same folder: the data is still there.
        up, base = start_up(env)
        started = stack_processes(up, data_folder)
        listed = run_cli("admin", "list-users", env=admin_env)
        assert listed.returncode == 0, str(listed)
        rows = [line.split("\t") for line in listed.stdout.splitlines()]
        assert [row[1] for row in rows] == ["keep@example.com"], listed.stdout

        code, _ = interrupt(up)
        assert code == 0, f"`up` exited with {code} on Ctrl-C:\n{up.output()[-6000:]}"
        wait_for(all_gone, timeout=10, what="every process of the second `up` to exit")
    finally:
        up.stop()
        kill_leftovers(started)
