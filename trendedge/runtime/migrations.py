"""Apply Alembic migrations from code (CLI `migrate`, `up`, tests)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from alembic.config import Config

from alembic import command

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def alembic_config(database_url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def _in_thread(fn, *args) -> None:
    """Alembic's env.py calls asyncio.run: run it off any running event loop."""
    errors: list[BaseException] = []

    def target() -> None:
        try:
            fn(*args)
        except BaseException as exc:  # re-raised in the caller
            errors.append(exc)

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        fn(*args)
        return
    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def upgrade(database_url: str, revision: str = "head") -> None:
    _in_thread(command.upgrade, alembic_config(database_url), revision)


async def _load_reference_data(database_url: str) -> bool:
    from trendedge.db import make_engine, session_scope
    from trendedge.services.fx_rates import ensure_bundled_rates

    engine = make_engine(database_url, pooled=False)
    try:
        async with session_scope(engine) as session:
            return await ensure_bundled_rates(session=session)
    finally:
        await engine.dispose()


def load_reference_data(database_url: str) -> None:
    """Shared data every install needs: the bundled ECB rate history (once)."""
    _in_thread(asyncio.run, _load_reference_data(database_url))


def downgrade(database_url: str, revision: str = "base") -> None:
    _in_thread(command.downgrade, alembic_config(database_url), revision)
