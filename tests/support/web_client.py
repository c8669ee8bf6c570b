"""An httpx "browser" for the real web app: keeps its cookies, never follows redirects.

It reads every `Set-Cookie` itself (so tests can assert each cookie's attributes)
and sends the app's cookies only to the app's own origin, never to the OIDC
provider. `sign_in` walks the authorization-code flow step by step against the
real server and the real oidc-provider-mock.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from http.cookies import Morsel, SimpleCookie
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

from trendedge.auth.cookies import LOGIN_COOKIE, SESSION_COOKIE
from trendedge.db import session_scope
from trendedge.services.sessions import start_session
from trendedge.services.users import upsert_oidc_user


def set_cookies(response: httpx.Response) -> dict[str, Morsel[str]]:
    """Every cookie a response sets (or clears), by name, with its attributes."""
    found: dict[str, Morsel[str]] = {}
    for header in response.headers.get_list("set-cookie"):
        jar: SimpleCookie = SimpleCookie()
        jar.load(header)
        found.update(jar)
    return found


def is_cleared(morsel: Morsel[str]) -> bool:
    """True when a `Set-Cookie` tells the browser to drop the cookie."""
    return morsel["max-age"] in ("0", 0) or morsel.value == ""


@dataclass
class SignIn:
    """What each hop of a sign-in looked like."""

    login: httpx.Response  # GET /auth/login -> 303 to the provider
    authorize: httpx.Response  # POST of the provider's form -> 302 to /auth/callback
    callback: httpx.Response  # GET /auth/callback -> 303 to `next` (or /signin?error=...)


class WebClient:
    """One browser profile against the app at `base` (e.g. http://localhost:1234)."""

    def __init__(self, base: str, http: httpx.AsyncClient) -> None:
        self.base = base.rstrip("/")
        self.origin = urlsplit(self.base).netloc
        self.http = http
        self.cookies: dict[str, str] = {}

    def _for_app(self, url: str) -> bool:
        return urlsplit(url).netloc == self.origin

    async def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        if url.startswith("/"):
            url = self.base + url
        headers = dict(kwargs.pop("headers", None) or {})
        if self._for_app(url) and self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = await self.http.request(method, url, headers=headers, **kwargs)
        if self._for_app(url):
            for name, morsel in set_cookies(response).items():
                if is_cleared(morsel):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    async def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("GET", url, **kwargs)

    async def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("POST", url, **kwargs)

    async def put(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("PUT", url, **kwargs)

    async def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("DELETE", url, **kwargs)

    async def start_login(self, next_path: str | None = "/accounts") -> httpx.Response:
        query = "?" + urlencode({"next": next_path}) if next_path is not None else ""
        response = await self.get(f"/auth/login{query}")
        assert response.status_code == 303, response.text
        assert LOGIN_COOKIE in self.cookies, response.headers
        return response

    async def authorize_at_provider(self, authorize_url: str, subject: str) -> httpx.Response:
        """Be the person on the provider's page: submit its form with `sub`."""
        page = await self.get(authorize_url)
        assert page.status_code == 200, page.text
        assert 'name="sub"' in page.text
        response = await self.post(authorize_url, data={"sub": subject})  # posts to itself
        assert response.status_code == 302, response.text
        return response

    async def sign_in(self, subject: str, *, next_path: str | None = "/accounts") -> SignIn:
        login = await self.start_login(next_path)
        authorize = await self.authorize_at_provider(login.headers["location"], subject)
        callback = await self.get(authorize.headers["location"])
        return SignIn(login=login, authorize=authorize, callback=callback)


@asynccontextmanager
async def web_client(base: str) -> AsyncIterator[WebClient]:
    async with httpx.AsyncClient(follow_redirects=False, timeout=30) as http:
        yield WebClient(base, http)


async def signed_in_token(subject: str, *, issuer: str = "https://issuer.test") -> str:
    """A committed user and a live session for it; the raw token for the cookie.

    For tests of the HTTP layer that are not about signing in.
    """
    async with session_scope() as session:
        user = await upsert_oidc_user(
            session=session, issuer=issuer, subject=subject, email=subject, name=None
        )
        assert user.id is not None
        new = await start_session(session=session, user_id=user.id, ttl=timedelta(hours=1))
    return new.token


def session_cookie(token: str) -> dict[str, str]:
    return {"Cookie": f"{SESSION_COOKIE}={token}"}
