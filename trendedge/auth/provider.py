"""The process-wide OIDC client, built from Settings."""

from __future__ import annotations

from functools import cache

from trendedge.auth.oidc import OidcClient, OidcConfig
from trendedge.settings import get_settings


@cache
def oidc_client() -> OidcClient:
    settings = get_settings()
    if not settings.oidc_configured:
        raise RuntimeError("OIDC_ISSUER and OIDC_CLIENT_ID are not set")
    return OidcClient(
        OidcConfig(
            issuer=settings.oidc_issuer,
            client_id=settings.oidc_client_id,
            client_secret=settings.oidc_client_secret,
            redirect_uri=settings.oidc_redirect_uri,
            scopes=settings.oidc_scopes,
        )
    )
