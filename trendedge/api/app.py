"""The plain HTTP side of TrendEdge, mounted on Reflex with `api_transformer`."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Route
from starlette.types import ASGIApp, Scope

from trendedge.api import (
    accounts_routes,
    auth_routes,
    export_routes,
    health,
    screenshots_routes,
    webhooks,
)
from trendedge.api.errors import error_response
from trendedge.api.middleware import RequestContextMiddleware
from trendedge.settings import get_settings

_CODES = {
    400: "VALIDATION_ERROR",
    401: "AUTHENTICATION_REQUIRED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    429: "RATE_LIMITED",
}


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = _CODES.get(exc.status_code, "HTTP_ERROR")
    return error_response(
        request, exc.status_code, code, str(exc.detail), headers=dict(exc.headers or {})
    )


class OwnedRoute(Route):
    """A route that claims its path for every method.

    Starlette treats a method mismatch as a partial match and keeps looking;
    Reflex's catch-all mount would then answer with a plain-text 405. Claiming
    the path makes Starlette raise HTTPException(405), answered in our shape.
    """

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child = super().matches(scope)
        return (Match.FULL if match is Match.PARTIAL else match), child


async def _api_not_found(request: Request) -> Response:
    return error_response(request, 404, "NOT_FOUND", f"No API route {request.url.path}")


def _owned(routes: list[Route]) -> list[BaseRoute]:
    return [OwnedRoute(r.path, r.endpoint, methods=sorted(r.methods or []) or None) for r in routes]


def build_routes_app() -> Starlette:
    """Health, sign-in and JSON API routes; Reflex mounts its own app underneath."""
    routes: list[Route] = [
        *health.routes,
        *auth_routes.routes,
        *accounts_routes.routes,
        *screenshots_routes.routes,
        *export_routes.routes,
        *webhooks.routes,
    ]
    return Starlette(
        routes=[*_owned(routes), Route("/api/{rest:path}", _api_not_found, methods=None)],
        exception_handlers={HTTPException: _http_error},
    )


def wrap_with_middleware(app: ASGIApp) -> ASGIApp:
    """Outermost layer: request id, security headers, access log, 500 handling."""
    return RequestContextMiddleware(app, hsts=not get_settings().is_development)
