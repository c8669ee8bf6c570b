"""`GET /health` (liveness) and `GET /health/ready` (dependencies; 503 when degraded)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from trendedge import __version__
from trendedge.models._base import utcnow
from trendedge.services.health import readiness


async def health(_: Request) -> JSONResponse:
    return JSONResponse(
        {
            "status": "ok",
            "version": __version__,
            "timestamp": utcnow().isoformat().replace("+00:00", "Z"),
        }
    )


async def health_ready(_: Request) -> JSONResponse:
    ok, checks = await readiness()
    failing = [name for name, check in checks.items() if check["status"] != "ok"]
    body: dict[str, Any] = {"status": "ok" if ok else "degraded", "checks": checks}
    if failing:
        body["failing"] = failing
    return JSONResponse(body, status_code=200 if ok else 503)


routes = [
    Route("/health", health, methods=["GET"]),
    Route("/health/ready", health_ready, methods=["GET"]),
]
