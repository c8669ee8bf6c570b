"""Async OpenID Connect relying party (authorization code flow + PKCE S256).

Typical use::

    client = OidcClient(OidcConfig(issuer=..., client_id=..., client_secret=..., redirect_uri=...))
    login = await client.begin_login()          # redirect the browser to login.url,
                                                # keep state/nonce/code_verifier in a signed cookie
    identity = await client.complete_login(     # on the redirect_uri callback
        params=request.query_params, expected_state=login.state,
        nonce=login.nonce, code_verifier=login.code_verifier)

Every failure is reported as `OidcError` with a short machine ``code``.
The code exchange uses Authlib's ``AsyncOAuth2Client``; ID-token verification
lives in `trendedge.auth.jwks` (joserfc).
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.common.urls import add_params_to_uri
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from trendedge.auth.jwks import IdTokenError, JwksCache

with warnings.catch_warnings():
    # Authlib warns that it prefers the "httpx2" package; plain httpx works.
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from authlib.integrations.base_client import OAuthError
    from authlib.integrations.httpx_client import AsyncOAuth2Client

_SUPPORTED_AUTH_METHODS = ("client_secret_basic", "client_secret_post")


@dataclass(frozen=True)
class OidcConfig:
    """Relying-party settings. ``issuer`` is compared modulo one trailing '/'."""

    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str
    scopes: str = "openid email profile"


@dataclass(frozen=True)
class LoginRequest:
    """Where to send the browser (``url``) and what to remember until the callback."""

    url: str
    state: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True)
class Identity:
    """A verified sign-in: ``(issuer, subject)`` is the stable user key."""

    issuer: str
    subject: str
    email: str | None
    name: str | None
    id_token: str


class OidcError(Exception):
    """Sign-in failed. ``code`` is machine-readable, ``message`` is for humans/logs."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def _strip_slash(url: str) -> str:
    return url[:-1] if url.endswith("/") else url


def _str_claim(claims: Mapping[str, Any], name: str) -> str | None:
    value = claims.get(name)
    return value if isinstance(value, str) and value else None


class OidcClient:
    """OIDC relying party for one provider. Safe to share between requests.

    ``http`` (optional, not closed by us) is used for discovery, JWKS and
    userinfo; the token exchange uses a short-lived Authlib client with the
    same timeout.
    """

    def __init__(
        self,
        config: OidcConfig,
        *,
        http: httpx.AsyncClient | None = None,
        metadata_ttl_s: float = 3600,
    ) -> None:
        self.config = config
        self._owns_http = http is None
        self._http = http if http is not None else httpx.AsyncClient(timeout=10.0)
        self._ttl_s = metadata_ttl_s
        self._metadata: dict[str, Any] | None = None
        self._metadata_expires_at = 0.0
        self._lock = asyncio.Lock()
        self._jwks = JwksCache(lambda url: self._get_json(url, "jwks_failed"), ttl_s=metadata_ttl_s)

    async def aclose(self) -> None:
        """Close the HTTP client if this instance created it."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> OidcClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def _get_json(
        self, url: str, error_code: str, *, bearer: str | None = None
    ) -> dict[str, Any]:
        headers = {"Accept": "application/json"}
        if bearer is not None:
            headers["Authorization"] = f"Bearer {bearer}"
        try:
            resp = await self._http.get(url, headers=headers)
        except httpx.HTTPError as exc:
            raise OidcError("provider_unreachable", f"GET {url} failed: {exc!r}") from exc
        if resp.status_code != 200:
            raise OidcError(error_code, f"GET {url} returned HTTP {resp.status_code}")
        try:
            doc = resp.json()
        except ValueError as exc:
            raise OidcError(error_code, f"GET {url} did not return JSON") from exc
        if not isinstance(doc, dict):
            raise OidcError(error_code, f"GET {url} did not return a JSON object")
        return doc

    async def metadata(self) -> dict[str, Any]:
        """Provider discovery document (cached ``metadata_ttl_s``).

        Its ``issuer`` equals the configured issuer up to one trailing slash and
        is the value ID tokens must carry. Raises `OidcError`.
        """
        async with self._lock:
            if self._metadata is not None and time.monotonic() < self._metadata_expires_at:
                return dict(self._metadata)
            configured = self.config.issuer
            doc = await self._get_json(
                f"{_strip_slash(configured)}/.well-known/openid-configuration", "discovery_failed"
            )
            issuer = doc.get("issuer")
            if not isinstance(issuer, str) or _strip_slash(issuer) != _strip_slash(configured):
                raise OidcError(
                    "issuer_mismatch", f"discovery issuer {issuer!r} != configured {configured!r}"
                )
            for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                if not isinstance(doc.get(key), str):
                    raise OidcError("discovery_failed", f"discovery document lacks {key}")
            self._metadata, self._metadata_expires_at = doc, time.monotonic() + self._ttl_s
            return dict(doc)

    async def begin_login(self) -> LoginRequest:
        """Build the authorization URL with fresh random state, nonce and PKCE S256 verifier."""
        meta = await self.metadata()
        state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        code_verifier = generate_token(64)  # RFC 7636: 43..128 unreserved chars
        url = prepare_grant_uri(
            meta["authorization_endpoint"],
            client_id=self.config.client_id,
            response_type="code",
            redirect_uri=self.config.redirect_uri,
            scope=self.config.scopes,
            state=state,
            nonce=nonce,
            code_challenge=create_s256_code_challenge(code_verifier),
            code_challenge_method="S256",
        )
        return LoginRequest(url=url, state=state, nonce=nonce, code_verifier=code_verifier)

    async def complete_login(
        self, *, params: Mapping[str, str], expected_state: str, nonce: str, code_verifier: str
    ) -> Identity:
        """Handle the callback query ``params``; return the verified identity or raise `OidcError`.

        Codes: access_denied / provider_error (``?error=``), state_mismatch,
        missing_code, issuer_mismatch, unsupported_auth_method,
        token_exchange_failed, invalid_id_token, jwks_failed, userinfo_failed,
        userinfo_subject_mismatch, discovery_failed, provider_unreachable.
        """
        if "error" in params:
            error = params["error"]
            detail = params.get("error_description") or error
            raise OidcError(
                "access_denied" if error == "access_denied" else "provider_error", detail
            )
        state = params.get("state") or ""
        if not expected_state or not hmac.compare_digest(state.encode(), expected_state.encode()):
            raise OidcError("state_mismatch", "callback state does not match the login request")
        code = params.get("code")
        if not code:
            raise OidcError("missing_code", "callback has no authorization code")
        if not nonce:
            raise OidcError("invalid_id_token", "no nonce to check the ID token against")
        meta = await self.metadata()
        issuer: str = meta["issuer"]
        if "iss" in params and params["iss"] != issuer:  # RFC 9207 mix-up defence
            raise OidcError("issuer_mismatch", "callback iss does not match the provider")

        token = await self._exchange_code(meta, code, code_verifier)
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise OidcError("invalid_id_token", "token response has no id_token")
        try:
            claims = await self._jwks.verify_id_token(
                id_token,
                jwks_uri=meta["jwks_uri"],
                issuer=issuer,
                client_id=self.config.client_id,
                nonce=nonce,
                algorithms=meta.get("id_token_signing_alg_values_supported") or ["RS256"],
            )
        except IdTokenError as exc:
            raise OidcError("invalid_id_token", str(exc)) from exc

        email, name = _str_claim(claims, "email"), _str_claim(claims, "name")
        access_token = token.get("access_token")
        userinfo_endpoint = meta.get("userinfo_endpoint")
        if email is None and isinstance(userinfo_endpoint, str) and isinstance(access_token, str):
            info = await self._get_json(userinfo_endpoint, "userinfo_failed", bearer=access_token)
            if info.get("sub") != claims["sub"]:
                raise OidcError(
                    "userinfo_subject_mismatch", "userinfo sub differs from ID token sub"
                )
            email, name = _str_claim(info, "email"), name or _str_claim(info, "name")
        return Identity(
            issuer=issuer, subject=claims["sub"], email=email, name=name, id_token=id_token
        )

    async def _exchange_code(
        self, meta: Mapping[str, Any], code: str, code_verifier: str
    ) -> dict[str, Any]:
        supported = meta.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
        method = next((m for m in _SUPPORTED_AUTH_METHODS if m in supported), None)
        if method is None:
            raise OidcError("unsupported_auth_method", f"provider supports only {supported!r}")
        try:
            async with AsyncOAuth2Client(
                client_id=self.config.client_id,
                client_secret=self.config.client_secret,
                token_endpoint_auth_method=method,
                redirect_uri=self.config.redirect_uri,
                timeout=self._http.timeout,
            ) as oauth:
                token = await oauth.fetch_token(
                    meta["token_endpoint"],
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=code_verifier,
                )
        except OAuthError as exc:
            raise OidcError("token_exchange_failed", f"{exc.error}: {exc.description}") from exc
        except httpx.HTTPStatusError as exc:
            raise OidcError(
                "token_exchange_failed", f"token endpoint returned HTTP {exc.response.status_code}"
            ) from exc
        except httpx.HTTPError as exc:
            raise OidcError("provider_unreachable", f"token endpoint failed: {exc!r}") from exc
        except ValueError as exc:
            raise OidcError("token_exchange_failed", str(exc)) from exc
        return dict(token)

    async def end_session_url(
        self, *, id_token_hint: str | None, post_logout_redirect_uri: str
    ) -> str | None:
        """RP-initiated logout URL, or None when the provider has no ``end_session_endpoint``."""
        endpoint = (await self.metadata()).get("end_session_endpoint")
        if not isinstance(endpoint, str):
            return None
        params = [
            ("client_id", self.config.client_id),
            ("post_logout_redirect_uri", post_logout_redirect_uri),
        ]
        if id_token_hint:
            params.insert(0, ("id_token_hint", id_token_hint))
        url: str = add_params_to_uri(endpoint, params)
        return url
