"""Names and attributes of TrendEdge's cookies, and reading them from headers."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import cookie_parser

from trendedge.settings import Settings

SESSION_COOKIE = "te_session"
LOGIN_COOKIE = "te_oidc"
LOGIN_MAX_AGE_S = 600


def cookie_attributes(settings: Settings) -> dict:
    """httpOnly, SameSite=Lax, Secure outside development."""
    return {"httponly": True, "samesite": "lax", "secure": not settings.is_development, "path": "/"}


def cookie_from_header(header: str | None, name: str) -> str | None:
    """The value of cookie `name` in a raw `Cookie:` header, if present."""
    if not header:
        return None
    # Starlette's lenient parser: one malformed foreign cookie must not hide ours.
    return cookie_parser(header).get(name)


def login_serializer(settings: Settings) -> URLSafeTimedSerializer:
    """Signs the short-lived login transaction (state, nonce, PKCE verifier, next)."""
    return URLSafeTimedSerializer(settings.session_secret, salt="trendedge.oidc-login")


def load_login_transaction(settings: Settings, value: str | None) -> dict | None:
    if not value:
        return None
    try:
        data = login_serializer(settings).loads(value, max_age=LOGIN_MAX_AGE_S)
    except BadSignature:
        return None
    return data if isinstance(data, dict) else None


def safe_next_path(value: str | None) -> str:
    """Only same-site absolute paths are allowed as a post-login target."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        return "/"
    if value.startswith(("/auth/", "/signin")):
        return "/"
    return value
