"""`GET /api/v1/export/trades.csv` and `/api/v1/export/journal.csv`: the signed-in
user's data as TrendEdge CSV, streamed (a large export never sits in memory or in a
websocket message).

Query parameters, all optional: `account` (an account id of the user; another user's
id is 404), `from` and `to` (inclusive exit days, YYYY-MM-DD). Nobody signed in: 401.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from trendedge.api.current_user import current_user
from trendedge.api.errors import error_response, service_error_response
from trendedge.db import session_scope
from trendedge.services import trade_export
from trendedge.services.errors import InvalidInputError, ServiceError

HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def _filters(request: Request) -> tuple[int | None, date | None, date | None]:
    params = request.query_params
    errors: dict[str, str] = {}
    account: int | None = None
    if params.get("account"):
        try:
            account = int(params["account"])
        except ValueError:
            errors["account"] = "must be an account id"
    days: dict[str, date | None] = {"from": None, "to": None}
    for name in days:
        if params.get(name):
            try:
                days[name] = date.fromisoformat(params[name])
            except ValueError:
                errors[name] = "must be a date (YYYY-MM-DD)"
    if errors:
        raise InvalidInputError("Invalid export filter", details=errors)
    return account, days["from"], days["to"]


async def _export(request: Request, kind: str) -> Response:
    user = await current_user(request)
    if user is None or user.id is None:
        return error_response(request, 401, "AUTHENTICATION_REQUIRED", "Sign in to export")
    user_id = user.id
    try:
        account_id, start, end = _filters(request)
        async with session_scope() as session:
            await trade_export.check_filters(
                session=session, user_id=user_id, account_id=account_id, start=start, end=end
            )
    except ServiceError as exc:
        return service_error_response(request, exc)
    chunks = (
        trade_export.iter_journal_entries_csv if kind == "journal" else trade_export.iter_trades_csv
    )

    async def body() -> AsyncIterator[bytes]:
        async with session_scope() as session:
            async for chunk in chunks(
                session=session, user_id=user_id, account_id=account_id, start=start, end=end
            ):
                yield chunk.encode("utf-8")

    filename = f"trendedge-{kind}-{datetime.now(UTC):%Y%m%d}.csv"
    return StreamingResponse(
        body(),
        media_type="text/csv; charset=utf-8",
        headers={**HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def export_trades(request: Request) -> Response:
    return await _export(request, "trades")


async def export_journal(request: Request) -> Response:
    return await _export(request, "journal")


routes = [
    Route("/api/v1/export/trades.csv", export_trades, methods=["GET"]),
    Route("/api/v1/export/journal.csv", export_journal, methods=["GET"]),
]
