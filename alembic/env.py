"""Alembic environment: runs migrations on the asyncpg engine of DATABASE_URL."""

from __future__ import annotations

import asyncio

from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import trendedge.models  # noqa: F401 - registers every table on the metadata
from alembic import context
from trendedge.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or None, pooled=False)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("TrendEdge migrations run online only: set DATABASE_URL")
asyncio.run(_run_online())
