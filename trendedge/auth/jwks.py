"""JWKS cache and OpenID Connect ID-token verification (signature via joserfc).

`JwksCache.verify_id_token` is the single place where ID tokens are trusted:
it checks the JWS signature against the provider's published keys, refetching
the key set once when the token names an unknown ``kid`` (key rotation), then
validates ``iss``, ``aud``, ``exp``, ``iat``, ``sub``, ``nonce`` and ``azp``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Collection, Mapping
from typing import Any

from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

#: Asymmetric JWS algorithms accepted for ID tokens ("none" and HMAC never are).
SAFE_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)

FetchJson = Callable[[str], Awaitable[Mapping[str, Any]]]


class IdTokenError(Exception):
    """The ID token is malformed, badly signed, or has unacceptable claims."""


class JwksCache:
    """Caches one provider's JWKS for ``ttl_s`` seconds.

    ``fetch(url)`` must return the parsed JSON document (and raise on transport
    or HTTP errors; those propagate unchanged).
    """

    def __init__(self, fetch: FetchJson, *, ttl_s: float = 3600) -> None:
        self._fetch = fetch
        self._ttl_s = ttl_s
        self._uri: str | None = None
        self._keys: KeySet | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()

    async def get(self, uri: str, *, stale: KeySet | None = None) -> KeySet:
        """Return the cached key set for ``uri``, fetching it when missing or expired.

        Passing ``stale`` forces a refetch unless another caller already replaced
        that exact key set (so concurrent rotations cause one fetch only).
        """
        async with self._lock:
            fresh = (
                self._keys is not None and self._uri == uri and time.monotonic() < self._expires_at
            )
            if fresh and (stale is None or self._keys is not stale):
                assert self._keys is not None
                return self._keys
            doc = await self._fetch(uri)
            try:
                keys = KeySet.import_key_set(doc)  # type: ignore[arg-type]
            except (JoseError, KeyError, TypeError, ValueError) as exc:
                raise IdTokenError(f"provider JWKS is unusable: {exc}") from exc
            self._uri, self._keys = uri, keys
            self._expires_at = time.monotonic() + self._ttl_s
            return keys

    async def verify_id_token(
        self,
        id_token: str,
        *,
        jwks_uri: str,
        issuer: str,
        client_id: str,
        nonce: str,
        algorithms: Collection[str],
        leeway_s: int = 60,
    ) -> dict[str, Any]:
        """Verify signature and claims of ``id_token``; return its claims.

        Raises `IdTokenError` on any failure. ``iss`` must equal ``issuer``
        exactly, ``aud`` must contain ``client_id``, ``azp`` (if present) must
        equal ``client_id``, ``nonce`` must equal ``nonce``.
        """
        algs = sorted(SAFE_ALGORITHMS.intersection(algorithms))
        if not algs:
            raise IdTokenError("provider offers no acceptable ID token signing algorithm")
        if id_token.count(".") != 2:
            raise IdTokenError("ID token is not a compact JWS")
        keys = await self.get(jwks_uri)
        try:
            try:
                token = jwt.decode(id_token, keys, algorithms=algs)
            except InvalidKeyIdError:
                # Unknown kid: the provider probably rotated keys. Refetch once.
                keys = await self.get(jwks_uri, stale=keys)
                token = jwt.decode(id_token, keys, algorithms=algs)
            claims = dict(token.claims)
            jwt.JWTClaimsRegistry(
                leeway=leeway_s,
                iss={"essential": True, "value": issuer},
                aud={"essential": True, "value": client_id},
                sub={"essential": True},
                exp={"essential": True},
                iat={"essential": True},
                nonce={"essential": True, "value": nonce},
            ).validate(claims)
        except JoseError as exc:
            raise IdTokenError(f"{exc.error}: {exc.description}") from exc
        except ValueError as exc:  # malformed key selection / payload
            raise IdTokenError(str(exc)) from exc
        if "azp" in claims and claims["azp"] != client_id:
            raise IdTokenError("azp claim does not match client_id")
        return claims
