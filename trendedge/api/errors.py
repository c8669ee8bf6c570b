"""The one error shape of every HTTP route.

`{"error": {"code", "message", "details", "request_id", "timestamp"}}`;
a 5xx never carries a stack trace or internal detail.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from trendedge.models._base import utcnow
from trendedge.services.errors import ServiceError


def request_id_of(request: Request) -> str:
    return str(request.scope.get("state", {}).get("request_id", ""))


def error_body(*, code: str, message: str, request_id: str, details: Any = None) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "details": details if details is not None else [],
            "request_id": request_id,
            "timestamp": utcnow().isoformat().replace("+00:00", "Z"),
        }
    }


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    details: Any = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = error_body(
        code=code, message=message, request_id=request_id_of(request), details=details
    )
    return JSONResponse(body, status_code=status, headers=headers)


def field_details(errors: dict[str, str]) -> list[dict[str, str]]:
    """`{"field": message}` → `[{"field", "message"}]` as the error shape lists them."""
    return [{"field": field, "message": message} for field, message in errors.items()]


def service_error_response(request: Request, exc: ServiceError) -> JSONResponse:
    return error_response(request, exc.status, exc.code, exc.message, field_details(exc.details))
