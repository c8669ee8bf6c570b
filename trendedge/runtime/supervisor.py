"""`trendedge up`: embedded databases, migrations, web, worker, scheduler, dev sign-in.

One foreground process owns everything; Ctrl-C (or SIGTERM) stops every child
cleanly, then the embedded servers, so the next start finds the data again.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import httpx

from trendedge.auth.dev_provider import (
    DEV_CLIENT_ID,
    DEV_CLIENT_SECRET,
    dev_provider_command,
    dev_provider_issuer,
)
from trendedge.runtime import migrations
from trendedge.runtime.embedded import EmbeddedPostgres, EmbeddedRedis, start_postgres, start_redis
from trendedge.runtime.processes import Child, stop_all
from trendedge.settings import Settings, require_startable

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEV_OIDC_HOST = "127.0.0.1"


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "trendedge", *args]


def _say(message: str) -> None:
    print(f"[trendedge] {message}", file=sys.stderr, flush=True)


def wait_for_http(url: str, *, timeout: float, children: list[Child]) -> bool:
    """Poll `url` until it answers 200; False on timeout or when a child dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(c.exited() is not None for c in children):
            return False
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    return False


class _Stop(Exception):
    pass


def _raise_stop(signum: int, _frame: object) -> None:
    raise _Stop(signum)


def run_up(settings: Settings, *, with_worker: bool = True, with_scheduler: bool = True) -> int:
    """Run the whole stack in the foreground; returns the exit code."""
    require_startable(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    postgres: EmbeddedPostgres | None = None
    redis_server: EmbeddedRedis | None = None
    children: list[Child] = []
    signal.signal(signal.SIGTERM, _raise_stop)
    try:
        if settings.uses_embedded_database:
            _say(f"starting embedded PostgreSQL in {settings.data_dir / 'postgres'}")
            postgres = start_postgres(settings.data_dir)
            env["DATABASE_URL"] = postgres.url
        if settings.uses_embedded_redis:
            _say(f"starting embedded Redis in {settings.data_dir / 'redis'}")
            redis_server = start_redis(settings.data_dir)
            env["REDIS_URL"] = redis_server.url
        _say("applying migrations")
        migrations.upgrade(env["DATABASE_URL"])
        migrations.load_reference_data(env["DATABASE_URL"])

        if not settings.oidc_configured:
            port = settings.dev_oidc_port
            _say(f"no OIDC provider configured: starting the development provider on :{port}")
            children.append(Child("oidc-dev", dev_provider_command(host=DEV_OIDC_HOST, port=port)))
            env.update(
                OIDC_ISSUER=dev_provider_issuer(DEV_OIDC_HOST, port),
                OIDC_CLIENT_ID=DEV_CLIENT_ID,
                OIDC_CLIENT_SECRET=DEV_CLIENT_SECRET,
                TRENDEDGE_DEV_PROVIDER="1",
            )
        children.append(Child("web", _cli("web")))
        if with_worker:
            children.append(Child("worker", _cli("worker")))
        if with_scheduler:
            children.append(Child("scheduler", _cli("scheduler")))
        for child in children:
            child.start(env=env, cwd=PROJECT_ROOT)

        url = settings.base_url
        _say("building and starting the web app (the first start takes a minute)…")
        if not wait_for_http(
            f"http://127.0.0.1:{settings.port}/health", timeout=600, children=children
        ):
            _say("the web app did not come up; see the log above")
            return 1
        _say(f"TrendEdge is running: open {url}  (Ctrl-C stops everything)")
        while True:
            for child in children:
                code = child.exited()
                if code is not None:
                    _say(f"{child.name} exited with code {code}; stopping")
                    return code or 1
            time.sleep(0.5)
    except (KeyboardInterrupt, _Stop):
        _say("stopping…")
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        stop_all(children)
        if redis_server is not None:
            redis_server.stop()
        if postgres is not None:
            postgres.stop()
        _say("stopped")
