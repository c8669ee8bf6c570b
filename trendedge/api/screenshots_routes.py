"""`GET /api/v1/screenshots/{id}`: a journal screenshot, to its owner only.

Anyone else (another user, or nobody signed in) gets 404 in the standard error
shape, so the existence of a screenshot id is never revealed.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from trendedge.api.current_user import current_user
from trendedge.api.errors import error_response
from trendedge.db import session_scope
from trendedge.services import screenshots
from trendedge.services.errors import NotFoundError

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "private, max-age=3600",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Content-Disposition": "inline",
}


async def screenshot(request: Request) -> Response:
    screenshot_id = int(request.path_params["screenshot_id"])
    not_found = error_response(request, 404, "NOT_FOUND", f"Screenshot {screenshot_id} not found")
    user = await current_user(request)
    if user is None or user.id is None:
        return not_found
    try:
        async with session_scope() as session:
            shot, path = await screenshots.open_owned(
                session=session, user_id=user.id, screenshot_id=screenshot_id
            )
    except NotFoundError:
        return not_found
    return FileResponse(path, media_type=shot.content_type, headers=HEADERS)


routes = [Route("/api/v1/screenshots/{screenshot_id:int}", screenshot, methods=["GET"])]
