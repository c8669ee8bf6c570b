"""ASGI middleware wrapped around the whole app (Reflex pages, websocket, routes).

Gives every HTTP response an `X-Request-ID` and the security headers, logs one
JSON line per request, and turns an unhandled exception into the standard 500
error without leaking a trace.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from trendedge.api.errors import error_body
from trendedge.logging import get_logger

log = get_logger("trendedge.http")
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")


def security_headers(*, hsts: bool) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
    ]
    if hsts:
        headers.append((b"strict-transport-security", b"max-age=63072000; includeSubDomains"))
    return headers


class RequestContextMiddleware:
    """Request id, security headers, access log and last-resort error handling."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.extra_headers = security_headers(hsts=hsts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else str(uuid.uuid4())
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status: dict[str, Any] = {"code": 500, "sent": False}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                status["sent"] = True
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() not in {h for h, _ in self.extra_headers}
                ]
                headers += [(b"x-request-id", request_id.encode()), *self.extra_headers]
                message = {**message, "headers": headers}
            await send(message)

        structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            await self.app(scope, receive, send_wrapper)
        except Exception:
            log.exception("unhandled_error", path=scope.get("path"))
            if not status["sent"]:
                await self._internal_error(send_wrapper, request_id)
            status["code"] = 500
        finally:
            state = scope.get("state", {})
            log.info(
                "request",
                method=scope.get("method"),
                path=scope.get("path"),
                status=status["code"],
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
                user_id=state.get("user_id"),
            )
            structlog.contextvars.unbind_contextvars("request_id")

    @staticmethod
    async def _internal_error(send: Send, request_id: str) -> None:
        body = json.dumps(
            error_body(
                code="INTERNAL_ERROR", message="An internal error occurred", request_id=request_id
            )
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 500,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
