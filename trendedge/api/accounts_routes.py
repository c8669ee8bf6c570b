"""JSON API for the signed-in user's accounts: `/api/v1/accounts[/{id}]`."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from trendedge.api.current_user import current_user
from trendedge.api.errors import error_response, service_error_response
from trendedge.db import session_scope
from trendedge.models import Account, AccountPublic
from trendedge.services import accounts
from trendedge.services.errors import InvalidInputError, ServiceError

MAX_BODY_BYTES = 64 * 1024
Handler = Callable[[Request, int], Awaitable[Response]]


def _public(account: Account) -> dict[str, Any]:
    return AccountPublic.model_validate(account).model_dump(mode="json")


async def _json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise InvalidInputError("Request body is larger than 64 KB")
    try:
        data = json.loads(raw or b"{}")
    except ValueError as exc:
        raise InvalidInputError(f"Request body is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise InvalidInputError("Request body must be a JSON object")
    return data


def authenticated(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Run `handler(request, user_id)` for a signed-in user; 401 otherwise."""

    async def endpoint(request: Request) -> Response:
        user = await current_user(request)
        if user is None or user.id is None:
            return error_response(request, 401, "AUTHENTICATION_REQUIRED", "Sign in first")
        try:
            return await handler(request, user.id)
        except ServiceError as exc:
            return service_error_response(request, exc)

    return endpoint


def _account_id(request: Request) -> int:
    return int(request.path_params["account_id"])


async def list_or_create(request: Request, user_id: int) -> Response:
    async with session_scope() as session:
        if request.method == "POST":
            data = await _json_body(request)
            account = await accounts.create_account(session=session, user_id=user_id, data=data)
            return JSONResponse(_public(account), status_code=201)
        rows = await accounts.list_accounts(session=session, user_id=user_id)
        return JSONResponse({"data": [_public(a) for a in rows]})


async def one(request: Request, user_id: int) -> Response:
    account_id = _account_id(request)
    async with session_scope() as session:
        if request.method == "DELETE":
            await accounts.delete_account(session=session, user_id=user_id, account_id=account_id)
            return Response(status_code=204)
        if request.method == "PUT":
            data = await _json_body(request)
            account = await accounts.update_account(
                session=session, user_id=user_id, account_id=account_id, data=data
            )
        else:
            account = await accounts.get_account(
                session=session, user_id=user_id, account_id=account_id
            )
        return JSONResponse(_public(account))


routes = [
    Route("/api/v1/accounts", authenticated(list_or_create), methods=["GET", "POST"]),
    Route(
        "/api/v1/accounts/{account_id:int}", authenticated(one), methods=["GET", "PUT", "DELETE"]
    ),
]
