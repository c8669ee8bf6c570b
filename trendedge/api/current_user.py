"""Who is signed in, from the session cookie of an HTTP request."""

from __future__ import annotations

from starlette.requests import Request

from trendedge.auth.cookies import SESSION_COOKIE
from trendedge.db import session_scope
from trendedge.models import User
from trendedge.services.sessions import user_for_token


async def current_user(request: Request) -> User | None:
    """The user of the request's live session (and record it for the access log)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    async with session_scope() as session:
        user = await user_for_token(session=session, token=token)
    if user is not None:
        request.scope.setdefault("state", {})["user_id"] = user.id
    return user
