"""Async database engine and sessions (SQLModel on PostgreSQL via asyncpg).

One pooled engine per event loop: the web process and each worker process
(whose jobs share one loop, see `jobs.runner`) reuse their connections. Short
command-line runs use `job_session()`, a throw-away engine with `NullPool`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.settings import get_settings

_engines: dict[int, AsyncEngine] = {}
_makers: dict[int, async_sessionmaker[AsyncSession]] = {}


def async_database_url(url: str) -> str:
    """Normalise a PostgreSQL URL to the asyncpg driver."""
    for prefix in ("postgresql+psycopg2://", "postgresql+psycopg://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    if url.startswith("postgresql://"):
        return "postgresql+asyncpg://" + url[len("postgresql://") :]
    return url


def make_engine(url: str | None = None, *, pooled: bool = True) -> AsyncEngine:
    """A new engine for `url` (default: settings' DATABASE_URL)."""
    raw = url or get_settings().database_url
    if not raw:
        raise RuntimeError("DATABASE_URL is not set (start TrendEdge with `trendedge up`)")
    kwargs: dict = (
        {"pool_recycle": 1800, "pool_size": 10, "max_overflow": 10}
        if pooled
        else {"poolclass": NullPool}
    )
    return create_async_engine(async_database_url(raw), **kwargs)


def get_engine() -> AsyncEngine:
    """The pooled engine bound to the running event loop."""
    loop_id = id(asyncio.get_running_loop())
    engine = _engines.get(loop_id)
    if engine is None:
        engine = _engines[loop_id] = make_engine()
    return engine


@asynccontextmanager
async def session_scope(engine: AsyncEngine | None = None) -> AsyncIterator[AsyncSession]:
    """An `AsyncSession` that commits on success and rolls back on error."""
    bound = engine or get_engine()
    maker = _makers.get(id(bound))
    if maker is None or maker.kw.get("bind") is not bound:
        maker = _makers[id(bound)] = async_sessionmaker(
            bound, class_=AsyncSession, expire_on_commit=False
        )
    async with maker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            session.info.pop(_AFTER_COMMIT, None)
            await session.rollback()
            raise
        for callback in session.info.pop(_AFTER_COMMIT, []):
            await callback()


_AFTER_COMMIT = "trendedge.after_commit"


def after_commit(session: AsyncSession, callback: Callable[[], Awaitable[None]]) -> None:
    """Run `callback()` once `session_scope` has committed `session` (never on rollback).

    For side effects that must only follow committed data, such as invalidating a cache.
    """
    session.info.setdefault(_AFTER_COMMIT, []).append(callback)


@asynccontextmanager
async def job_session() -> AsyncIterator[AsyncSession]:
    """A session on a throw-away engine, for code running on a short-lived loop."""
    engine = make_engine(pooled=False)
    try:
        async with session_scope(engine) as session:
            yield session
    finally:
        await engine.dispose()


async def dispose_engines() -> None:
    """Close the engine of the running loop (on shutdown)."""
    engine = _engines.pop(id(asyncio.get_running_loop()), None)
    if engine is not None:
        await engine.dispose()
