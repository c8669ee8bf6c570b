"""Bulk INSERT through `unnest`: one statement and one bind parameter per column.

A multi-row VALUES list needs one parameter per cell (PostgreSQL allows 32,767), and
binding them dominates the time of large inserts. `unnest` sends each column as one
array instead, so 10,000 rows cost the same 15 parameters as one row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession


async def insert_unnest(
    session: AsyncSession,
    *,
    table: str,
    columns: Sequence[tuple[str, str]],
    rows: Sequence[Sequence[Any]],
    suffix: str = "",
) -> list[Any]:
    """Insert `rows` (tuples in `columns` order) into `table`; return the result rows of
    `suffix` (e.g. "ON CONFLICT ... DO NOTHING RETURNING id"), else [].

    `columns` are (name, PostgreSQL type) pairs; names and types are code constants,
    never user input.
    """
    if not rows:
        return []
    names = ", ".join(name for name, _ in columns)
    arrays = ", ".join(f"CAST(:c{i} AS {kind}[])" for i, (_, kind) in enumerate(columns))
    params = {f"c{i}": [row[i] for row in rows] for i in range(len(columns))}
    statement: Any = text(
        f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}) {suffix}"  # noqa: S608 - code constants only
    ).bindparams(**params)
    result = await session.exec(statement)
    return list(result.all()) if "RETURNING" in suffix.upper() else []


async def stage(
    session: AsyncSession,
    *,
    name: str,
    columns: Sequence[tuple[str, str]],
    rows: Sequence[Sequence[Any]],
) -> str:
    """COPY `rows` into a new temporary table `name` (dropped at commit); returns `name`.

    COPY is the fastest way into PostgreSQL; the caller then moves the rows on with one
    INSERT ... SELECT or UPDATE ... FROM. `name` and `columns` are code constants.
    """
    begin: Any = text("SELECT 1")  # opens the session's transaction before going raw
    await session.exec(begin)
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection  # the asyncpg connection of this transaction
    definition = ", ".join(f"{column} {kind}" for column, kind in columns)
    await driver.execute(f"CREATE TEMP TABLE {name} ({definition}) ON COMMIT DROP")
    await driver.copy_records_to_table(
        name, records=[tuple(row) for row in rows], columns=[c for c, _ in columns]
    )
    return name
