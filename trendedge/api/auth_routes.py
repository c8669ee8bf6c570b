"""OpenID Connect sign-in: `/auth/login`, `/auth/callback`, `/auth/logout`."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from trendedge.auth.cookies import (
    LOGIN_COOKIE,
    LOGIN_MAX_AGE_S,
    SESSION_COOKIE,
    cookie_attributes,
    load_login_transaction,
    login_serializer,
    safe_next_path,
)
from trendedge.auth.oidc import OidcError
from trendedge.auth.provider import oidc_client
from trendedge.db import session_scope
from trendedge.logging import get_logger
from trendedge.services.sessions import end_session, start_session
from trendedge.services.users import upsert_oidc_user
from trendedge.settings import get_settings

log = get_logger("trendedge.auth")


def _signin_redirect(reason: str) -> RedirectResponse:
    return RedirectResponse("/signin?" + urlencode({"error": reason}), status_code=303)


async def login(request: Request) -> Response:
    """Start the authorization-code flow (PKCE S256, state, nonce)."""
    settings = get_settings()
    try:
        attempt = await oidc_client().begin_login()
    except OidcError as exc:
        log.warning("oidc_login_unavailable", code=exc.code)
        return _signin_redirect("provider_unreachable")
    transaction = login_serializer(settings).dumps(
        {
            "state": attempt.state,
            "nonce": attempt.nonce,
            "verifier": attempt.code_verifier,
            "next": safe_next_path(request.query_params.get("next")),
        }
    )
    response = RedirectResponse(attempt.url, status_code=303)
    response.set_cookie(
        LOGIN_COOKIE, transaction, max_age=LOGIN_MAX_AGE_S, **cookie_attributes(settings)
    )
    return response


async def callback(request: Request) -> Response:
    """Finish sign-in: verify everything, provision the user, start a session."""
    settings = get_settings()
    transaction = load_login_transaction(settings, request.cookies.get(LOGIN_COOKIE))
    if transaction is None:
        return _signin_redirect("login_expired")
    try:
        identity = await oidc_client().complete_login(
            params=dict(request.query_params),
            expected_state=transaction["state"],
            nonce=transaction["nonce"],
            code_verifier=transaction["verifier"],
        )
    except OidcError as exc:
        log.warning("oidc_callback_rejected", code=exc.code)
        response = _signin_redirect(exc.code)
        response.delete_cookie(LOGIN_COOKIE, path="/")
        return response
    async with session_scope() as session:
        user = await upsert_oidc_user(
            session=session,
            issuer=identity.issuer,
            subject=identity.subject,
            email=identity.email,
            name=identity.name,
        )
        assert user.id is not None
        new = await start_session(
            session=session,
            user_id=user.id,
            ttl=timedelta(hours=settings.session_ttl_hours),
            id_token=identity.id_token,
        )
    request.scope.setdefault("state", {})["user_id"] = user.id
    log.info("signed_in", user_id=user.id)
    response = RedirectResponse(safe_next_path(transaction.get("next")), status_code=303)
    response.delete_cookie(LOGIN_COOKIE, path="/")
    response.set_cookie(
        SESSION_COOKIE, new.token, max_age=new.expires_in_seconds, **cookie_attributes(settings)
    )
    return response


async def logout(request: Request) -> Response:
    """End the session here and, when the provider supports it, there too."""
    settings = get_settings()
    async with session_scope() as session:
        id_token = await end_session(session=session, token=request.cookies.get(SESSION_COOKIE))
    target = "/signin?signed_out=1"
    if id_token is not None:
        try:
            provider_logout = await oidc_client().end_session_url(
                id_token_hint=id_token, post_logout_redirect_uri=settings.base_url + target
            )
        except OidcError:
            provider_logout = None
        target = provider_logout or target
    response = RedirectResponse(target, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


routes = [
    Route("/auth/login", login, methods=["GET"]),
    Route("/auth/callback", callback, methods=["GET"]),
    Route("/auth/logout", logout, methods=["GET", "POST"]),
]
