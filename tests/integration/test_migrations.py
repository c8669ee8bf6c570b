"""Alembic migrations on a fresh database of the embedded PostgreSQL server.

Each test creates its own database next to the test database (same unix socket),
so upgrading and downgrading never touches the tables other tests use.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

import trendedge.models  # noqa: F401 - registers every table on the metadata
from tests.support.databases import fresh_database, public_tables
from trendedge.db import make_engine
from trendedge.runtime import migrations

APP_TABLES = {"users", "accounts", "user_sessions"}


@pytest_asyncio.fixture
async def fresh_url(database_url: str) -> AsyncIterator[str]:
    """URL of a new, empty database on the embedded server; dropped afterwards."""
    async with fresh_database(database_url, "te_migrations") as url:
        yield url


async def current_revision(url: str) -> str | None:
    engine = make_engine(url, pooled=False)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
    finally:
        await engine.dispose()


def head_revision(url: str) -> str:
    heads = ScriptDirectory.from_config(migrations.alembic_config(url)).get_heads()
    assert len(heads) == 1, f"the migrations have more than one head: {heads}"
    return heads[0]


async def test_upgrade_downgrade_upgrade_round_trip(fresh_url: str) -> None:
    head = head_revision(fresh_url)
    assert await public_tables(fresh_url) == set()

    migrations.upgrade(fresh_url)
    assert await public_tables(fresh_url) >= APP_TABLES
    assert await current_revision(fresh_url) == head

    migrations.downgrade(fresh_url, "base")
    assert not APP_TABLES & await public_tables(fresh_url)
    assert await current_revision(fresh_url) is None

    migrations.upgrade(fresh_url)
    assert await public_tables(fresh_url) >= APP_TABLES
    assert await current_revision(fresh_url) == head

    # Upgrading an up-to-date database is a no-op, not an error.
    migrations.upgrade(fresh_url)
    assert await current_revision(fresh_url) == head


async def test_head_matches_the_sqlmodel_metadata(fresh_url: str) -> None:
    migrations.upgrade(fresh_url)
    assert set(SQLModel.metadata.tables) >= APP_TABLES

    def differences(sync_conn) -> list:
        context = MigrationContext.configure(sync_conn, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)

    engine = make_engine(fresh_url, pooled=False)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(differences)
    finally:
        await engine.dispose()
    assert diff == [], f"models and migrations differ (write a migration): {diff}"
