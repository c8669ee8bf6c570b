"""Test fixtures on real services: embedded PostgreSQL and Redis, real RQ workers,
the real OIDC mock provider, the real web app and headless Chromium.

The embedded servers start once per test session in a temporary folder; every
test starts from empty tables and an empty Redis.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
import redis
from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

from tests.support.processes import Proc, cli, free_port, running, wait_http
from trendedge.auth.dev_provider import (
    DEV_CLIENT_ID,
    DEV_CLIENT_SECRET,
    dev_provider_command,
    dev_provider_issuer,
)
from trendedge.runtime import migrations
from trendedge.runtime.embedded import EmbeddedPostgres, EmbeddedRedis, start_postgres, start_redis
from trendedge.settings import get_settings

TENANT_TABLES = ("accounts", "user_sessions", "users")
SHARED_TABLES = ("trendline_alerts", "trendline_preferences", "trendlines", "scan_runs", "bars")


@pytest.fixture(scope="session")
def data_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="te-test-") as tmp:
        path = Path(tmp)
        path.chmod(0o755)
        yield path


@pytest.fixture(scope="session")
def embedded(data_dir: Path) -> Iterator[tuple[EmbeddedPostgres, EmbeddedRedis]]:
    postgres = start_postgres(data_dir, database="trendedge_test")
    redis_server = start_redis(data_dir)
    os.environ["DATABASE_URL"] = postgres.url
    os.environ["REDIS_URL"] = redis_server.url
    os.environ["APP_ENV"] = "development"
    os.environ["LOG_JSON"] = "1"
    os.environ["SCREENSHOT_DIR"] = str(data_dir / "screenshots")
    get_settings.cache_clear()
    migrations.upgrade(postgres.url)
    yield postgres, redis_server
    redis_server.stop()
    postgres.stop()


@pytest.fixture(scope="session")
def database_url(embedded) -> str:
    return embedded[0].url


@pytest.fixture(scope="session")
def redis_url(embedded) -> str:
    return embedded[1].url


@pytest.fixture(scope="session")
def base_env(database_url: str, redis_url: str, data_dir: Path) -> dict[str, str]:
    """Environment for child processes (workers, web app, CLI).

    Reflex builds into the test run's own folder, so a developer's running app
    (which serves ./.web) is never disturbed by a test run.
    """
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "APP_ENV": "development",
        "PYTHONUNBUFFERED": "1",
        "REFLEX_WEB_WORKDIR": str(data_dir / "web"),
        "REFLEX_STATES_WORKDIR": str(data_dir / "states"),
    }


@pytest_asyncio.fixture
async def clean(database_url: str, redis_url: str) -> AsyncIterator[None]:
    """Empty tenant tables and Redis before the test."""
    from trendedge.db import session_scope

    async with session_scope() as session:
        tables = ", ".join((*TENANT_TABLES, *SHARED_TABLES))
        await session.exec(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))  # type: ignore[call-overload]
    redis.Redis.from_url(redis_url).flushdb()
    yield


@pytest_asyncio.fixture
async def db(clean) -> AsyncIterator[AsyncSession]:
    """A session on the real database; committed on success."""
    from trendedge.db import session_scope

    async with session_scope() as session:
        yield session


@pytest.fixture
def worker(base_env: dict[str, str], clean) -> Iterator[Proc]:
    """A real `trendedge worker` process serving every queue."""
    with running(cli("worker"), base_env, "worker") as proc:
        yield proc


@pytest.fixture(scope="session")
def oidc_issuer() -> Iterator[str]:
    """The real development OIDC provider (oidc-provider-mock) on a free port."""
    port = free_port()
    issuer = dev_provider_issuer("127.0.0.1", port)
    with running(dev_provider_command(host="127.0.0.1", port=port), os.environ, "oidc") as proc:
        wait_http(f"{issuer}/.well-known/openid-configuration", proc, timeout=30)
        yield issuer


@pytest.fixture(scope="session")
def web_env(base_env: dict[str, str], oidc_issuer: str) -> dict[str, str]:
    port = free_port()
    return {
        **base_env,
        "TRENDEDGE_PORT": str(port),
        "OIDC_ISSUER": oidc_issuer,
        "OIDC_CLIENT_ID": DEV_CLIENT_ID,
        "OIDC_CLIENT_SECRET": DEV_CLIENT_SECRET,
        "TRENDEDGE_DEV_PROVIDER": "1",
    }


@pytest.fixture(scope="session")
def web_app(web_env: dict[str, str]) -> Iterator[str]:
    """The real web app (`trendedge web`, Reflex prod build) and its base URL."""
    base = f"http://localhost:{web_env['TRENDEDGE_PORT']}"
    with running(cli("web"), web_env, "web") as proc:
        wait_http(f"{base}/health", proc, timeout=300)
        yield base
