"""Who is signed in, for every page; redirects to sign-in when nobody is."""

from __future__ import annotations

from urllib.parse import urlencode

import reflex as rx
from reflex.event import EventSpec

from trendedge.auth.cookies import SESSION_COOKIE, cookie_from_header, safe_next_path
from trendedge.db import session_scope
from trendedge.services import preferences
from trendedge.services.sessions import user_for_token
from trendedge.state.display_time import use_zone


def current_path(url: str, path: str) -> str:
    """The page path (without Reflex's trailing slash) plus its query string."""
    query = url.split("?", 1)[1] if "?" in url else ""
    clean = path.rstrip("/") or "/"
    return f"{clean}?{query}" if query else clean


_POST_LOGOUT_JS = (
    "const f = document.createElement('form'); f.method = 'post'; f.action = '/auth/logout';"
    " document.body.appendChild(f); f.submit();"
)


class AuthState(rx.State):
    """The signed-in user of this browser tab."""

    email: str = ""
    display_name: str = ""
    _user_id: int | None = None

    async def signed_in_user_id(self) -> int | None:
        """Re-check the session cookie against the database; None when signed out/expired."""
        token = cookie_from_header(self.router.headers.cookie, SESSION_COOKIE)
        async with session_scope() as session:
            user = await user_for_token(session=session, token=token)
        if user is None:
            self._user_id, self.email, self.display_name = None, "", ""
            return None
        self._user_id = user.id
        async with session_scope() as session:
            prefs = await preferences.get_preferences(session=session, user_id=user.id or 0)
        use_zone(prefs.time_zone)
        self.email = user.email or user.subject
        self.display_name = user.name or self.email
        return user.id

    def signin_redirect(self) -> EventSpec:
        here = current_path(str(self.router.url), self.router.url.path)
        return rx.redirect("/signin?" + urlencode({"next": safe_next_path(here)}))

    @rx.event
    def sign_out(self):
        """POST to /auth/logout as a full navigation (the server ends the session)."""
        return rx.call_script(_POST_LOGOUT_JS)

    @rx.event
    async def require_user(self):
        """on_load of every private page: send strangers to sign-in, then back here."""
        if await self.signed_in_user_id() is None:
            return self.signin_redirect()
        return None


async def require_user_id(state: rx.State) -> int | None:
    """The signed-in user's id for any state's handler, or None (caller redirects)."""
    auth = await state.get_state(AuthState)
    return await auth.signed_in_user_id()
