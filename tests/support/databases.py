"""Throw-away databases on the embedded PostgreSQL server."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from trendedge.db import make_engine


def with_database(url: str, name: str) -> str:
    """`url` pointing at database `name` (same server, user and socket)."""
    return make_url(url).set(database=name).render_as_string(hide_password=False)


@asynccontextmanager
async def fresh_database(url: str, prefix: str = "te_scratch") -> AsyncIterator[str]:
    """Create an empty database next to `url`'s; yield its URL; drop it afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(with_database(url, "postgres"))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield with_database(url, name)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def public_tables(url: str) -> set[str]:
    """Names of the base tables in the `public` schema of `url`'s database."""
    engine = make_engine(url, pooled=False)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                text(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
                )
            )
            return {row[0] for row in rows}
    finally:
        await engine.dispose()
