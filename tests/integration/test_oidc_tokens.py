"""ID-token verification, key rotation and Authentik-style issuers.

A tiny real provider (Starlette + uvicorn on 127.0.0.1, in a thread) serves
discovery under ``/application/o/<slug>/``, a rotatable JWKS, a token endpoint
that checks client auth and PKCE and returns whatever ID token the test
signed (joserfc), and a userinfo endpoint.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import pytest_asyncio
import uvicorn
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from trendedge.auth.oidc import Identity, LoginRequest, OidcClient, OidcConfig, OidcError

CLIENT_ID = "trendedge"
CLIENT_SECRET = "s3cret-s3cret-s3cret-s3cret-s3cret"
REDIRECT_URI = "http://127.0.0.1:8000/auth/callback"


@dataclass
class Provider:
    """Mutable provider state; tests reconfigure it through the `provider` fixture."""

    base: str = ""
    signing_key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, auto_kid=True))
    published: list[RSAKey] = field(default_factory=list)
    jwks_fetches: int = 0
    auth_methods: list[str] | None = None
    end_session: bool = False
    codes: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> (challenge, nonce)
    algs: list[str] = field(default_factory=lambda: ["RS256"])
    forge: Callable[[dict[str, Any]], str] | None = None  # replaces normal signing
    claims: dict[str, Any] = field(default_factory=dict)  # ID token claim overrides
    header: dict[str, Any] = field(default_factory=dict)  # ID token header overrides
    userinfo: dict[str, Any] = field(default_factory=dict)
    seen_auth: list[str] = field(default_factory=list)

    @property
    def issuer(self) -> str:
        return f"{self.base}/application/o/trendedge/"

    def reset(self) -> None:
        fresh = Provider(base=self.base)
        fresh.published = [fresh.signing_key]
        self.__dict__.update(fresh.__dict__)


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def build_app(p: Provider) -> Starlette:
    async def discovery(request: Request) -> Response:
        doc: dict[str, Any] = {
            "issuer": p.issuer,  # every slug claims to be "trendedge" (mismatch test)
            "authorization_endpoint": f"{p.base}/authorize",
            "token_endpoint": f"{p.base}/token",
            "userinfo_endpoint": f"{p.base}/userinfo",
            "jwks_uri": f"{p.base}/jwks",
            "id_token_signing_alg_values_supported": p.algs,
        }
        if p.auth_methods is not None:
            doc["token_endpoint_auth_methods_supported"] = p.auth_methods
        if p.end_session:
            doc["end_session_endpoint"] = f"{p.base}/application/o/trendedge/end-session/"
        return JSONResponse(doc)

    async def jwks(request: Request) -> Response:
        p.jwks_fetches += 1
        return JSONResponse(KeySet(list(p.published)).as_dict())

    async def token(request: Request) -> Response:
        form = await request.form()
        if "authorization" in request.headers:
            p.seen_auth.append("client_secret_basic")
            raw = base64.b64decode(request.headers["authorization"].split()[1]).decode()
            ok = raw == f"{CLIENT_ID}:{CLIENT_SECRET}"
        else:
            p.seen_auth.append("client_secret_post")
            ok = (form.get("client_id"), form.get("client_secret")) == (CLIENT_ID, CLIENT_SECRET)
        if not ok:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        challenge, nonce = p.codes.pop(str(form.get("code")), ("", ""))
        if not challenge or _s256(str(form.get("code_verifier"))) != challenge:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        now = int(time.time())
        claims = {
            "iss": p.issuer,
            "sub": "user-1",
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "email": "user1@example.com",
            "nonce": nonce,
            **p.claims,
        }
        claims = {k: v for k, v in claims.items() if v is not None}
        header = {"alg": "RS256", "kid": p.signing_key.kid, **p.header}
        id_token = p.forge(claims) if p.forge else jwt.encode(header, claims, p.signing_key)
        return JSONResponse({"access_token": "at-1", "token_type": "Bearer", "id_token": id_token})

    async def userinfo(request: Request) -> Response:
        if request.headers.get("authorization") != "Bearer at-1":
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        return JSONResponse(p.userinfo)

    return Starlette(
        routes=[
            Route("/application/o/{slug}/.well-known/openid-configuration", discovery),
            Route("/jwks", jwks),
            Route("/token", token, methods=["POST"]),
            Route("/userinfo", userinfo),
        ]
    )


@pytest.fixture(scope="module")
def server_provider() -> Iterator[Provider]:
    provider = Provider()
    server = uvicorn.Server(
        uvicorn.Config(build_app(provider), host="127.0.0.1", port=0, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    provider.base = f"http://127.0.0.1:{port}"
    try:
        yield provider
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture
def provider(server_provider: Provider) -> Provider:
    server_provider.reset()
    return server_provider


def make_client(issuer: str) -> OidcClient:
    return OidcClient(
        OidcConfig(
            issuer=issuer,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            redirect_uri=REDIRECT_URI,
        )
    )


@pytest_asyncio.fixture
async def client(provider: Provider) -> AsyncIterator[OidcClient]:
    async with make_client(provider.issuer) as c:
        yield c


async def login(client: OidcClient, provider: Provider) -> Identity:
    """Run begin_login/complete_login; the provider issues a code bound to the challenge."""
    req: LoginRequest = await client.begin_login()
    query = parse_qs(urlsplit(req.url).query)
    code = f"code-{time.monotonic_ns()}"
    provider.codes[code] = (query["code_challenge"][0], query["nonce"][0])
    return await client.complete_login(
        params={"code": code, "state": req.state},
        expected_state=req.state,
        nonce=req.nonce,
        code_verifier=req.code_verifier,
    )


async def login_error(client: OidcClient, provider: Provider) -> OidcError:
    with pytest.raises(OidcError) as err:
        await login(client, provider)
    return err.value


@pytest.mark.asyncio
async def test_trailing_slash_issuer_discovered(client: OidcClient, provider: Provider) -> None:
    meta = await client.metadata()
    assert meta["issuer"] == provider.issuer
    assert provider.issuer.endswith("/application/o/trendedge/")
    identity = await login(client, provider)
    assert identity.issuer == provider.issuer
    assert (identity.subject, identity.email) == ("user-1", "user1@example.com")
    assert provider.seen_auth == ["client_secret_basic"]


@pytest.mark.asyncio
async def test_configured_issuer_without_slash_uses_discovered(provider: Provider) -> None:
    async with make_client(provider.issuer.rstrip("/")) as client:
        identity = await login(client, provider)
        assert identity.issuer == provider.issuer
        # the ID token must carry the discovered issuer, not the configured spelling
        provider.claims["iss"] = provider.issuer.rstrip("/")
        assert (await login_error(client, provider)).code == "invalid_id_token"


@pytest.mark.asyncio
async def test_discovery_issuer_mismatch(provider: Provider) -> None:
    async with make_client(f"{provider.base}/application/o/other/") as client:
        with pytest.raises(OidcError) as err:
            await client.begin_login()
    assert err.value.code == "issuer_mismatch"


@pytest.mark.asyncio
async def test_key_rotation_refetches_jwks_once(client: OidcClient, provider: Provider) -> None:
    await login(client, provider)
    assert provider.jwks_fetches == 1
    await login(client, provider)
    assert provider.jwks_fetches == 1  # cached

    new_key = RSAKey.generate_key(2048, auto_kid=True)
    provider.signing_key, provider.published = new_key, [new_key]
    identity = await login(client, provider)
    assert identity.subject == "user-1"
    assert provider.jwks_fetches == 2
    await login(client, provider)
    assert provider.jwks_fetches == 2


@pytest.mark.asyncio
async def test_unknown_kid_after_refetch_fails(client: OidcClient, provider: Provider) -> None:
    await login(client, provider)
    provider.signing_key = RSAKey.generate_key(2048, auto_kid=True)  # never published
    err = await login_error(client, provider)
    assert err.code == "invalid_id_token"
    assert provider.jwks_fetches == 2  # exactly one refetch


@pytest.mark.asyncio
async def test_bad_signature(client: OidcClient, provider: Provider) -> None:
    published = provider.signing_key
    impostor = RSAKey.generate_key(2048)
    provider.signing_key = impostor
    provider.header = {"kid": published.kid}  # claims the published key's kid
    err = await login_error(client, provider)
    assert err.code == "invalid_id_token"
    assert "signature" in err.message


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.parametrize("alg", ["HS256", "none"])
@pytest.mark.asyncio
async def test_hmac_and_none_algorithms_rejected(
    client: OidcClient, provider: Provider, alg: str
) -> None:
    """Even when discovery advertises them, HS256 (keyed with the client secret) and
    "none" must never be accepted."""
    provider.algs = ["RS256", "HS256", "none"]

    def forge(claims: dict[str, Any]) -> str:
        if alg == "HS256":
            return jwt.encode({"alg": "HS256"}, claims, OctKey.import_key(CLIENT_SECRET))
        header = _b64(json.dumps({"alg": "none"}).encode())
        return f"{header}.{_b64(json.dumps(claims).encode())}."

    provider.forge = forge
    err = await login_error(client, provider)
    assert err.code == "invalid_id_token"
    assert "not allowed" in err.message


NOW = int(time.time())


@pytest.mark.parametrize(
    ("claims", "mentions"),
    [
        pytest.param({"aud": "someone-else"}, "aud", id="wrong-aud"),
        pytest.param({"aud": ["someone-else", "another"]}, "aud", id="wrong-aud-list"),
        pytest.param({"iss": "http://127.0.0.1:1/application/o/trendedge/"}, "iss", id="wrong-iss"),
        pytest.param({"exp": NOW - 3600, "iat": NOW - 7200}, "exp", id="expired"),
        pytest.param({"iat": NOW + 3600}, "future", id="iat-in-future"),
        pytest.param({"iat": None}, "iat", id="no-iat"),
        pytest.param({"exp": None}, "exp", id="no-exp"),
        pytest.param({"sub": None}, "sub", id="no-sub"),
        pytest.param({"azp": "x", "aud": [CLIENT_ID, "x"]}, "azp", id="wrong-azp"),
        pytest.param({"nonce": "replayed-nonce"}, "nonce", id="wrong-nonce"),
        pytest.param({"nonce": None}, "nonce", id="no-nonce"),
    ],
)
@pytest.mark.asyncio
async def test_bad_claims_rejected(
    client: OidcClient, provider: Provider, claims: dict[str, Any], mentions: str
) -> None:
    provider.claims.update(claims)
    err = await login_error(client, provider)
    assert err.code == "invalid_id_token"
    assert mentions in err.message


@pytest.mark.asyncio
async def test_aud_list_with_matching_azp_accepted(client: OidcClient, provider: Provider) -> None:
    provider.claims.update({"aud": [CLIENT_ID, "other"], "azp": CLIENT_ID})
    assert (await login(client, provider)).subject == "user-1"


@pytest.mark.asyncio
async def test_email_from_userinfo(client: OidcClient, provider: Provider) -> None:
    provider.claims.update({"email": None, "name": None})
    provider.userinfo = {"sub": "user-1", "email": "from-userinfo@example.com", "name": "U One"}
    identity = await login(client, provider)
    assert (identity.email, identity.name) == ("from-userinfo@example.com", "U One")


@pytest.mark.asyncio
async def test_userinfo_subject_mismatch(client: OidcClient, provider: Provider) -> None:
    provider.claims["email"] = None
    provider.userinfo = {"sub": "someone-else", "email": "x@example.com"}
    assert (await login_error(client, provider)).code == "userinfo_subject_mismatch"


@pytest.mark.asyncio
async def test_client_secret_post_when_basic_unsupported(
    client: OidcClient, provider: Provider
) -> None:
    provider.auth_methods = ["client_secret_post", "private_key_jwt"]
    await login(client, provider)
    assert provider.seen_auth == ["client_secret_post"]


@pytest.mark.asyncio
async def test_no_usable_auth_method(client: OidcClient, provider: Provider) -> None:
    provider.auth_methods = ["private_key_jwt"]
    assert (await login_error(client, provider)).code == "unsupported_auth_method"


@pytest.mark.asyncio
async def test_pkce_verifier_mismatch(client: OidcClient, provider: Provider) -> None:
    req = await client.begin_login()
    query = parse_qs(urlsplit(req.url).query)
    provider.codes["c"] = (query["code_challenge"][0], query["nonce"][0])
    with pytest.raises(OidcError) as err:
        await client.complete_login(
            params={"code": "c", "state": req.state},
            expected_state=req.state,
            nonce=req.nonce,
            code_verifier="x" * 64,
        )
    assert err.value.code == "token_exchange_failed"


@pytest.mark.asyncio
async def test_callback_iss_mismatch(client: OidcClient, provider: Provider) -> None:
    req = await client.begin_login()
    with pytest.raises(OidcError) as err:
        await client.complete_login(
            params={"code": "c", "state": req.state, "iss": "https://evil.example/"},
            expected_state=req.state,
            nonce=req.nonce,
            code_verifier=req.code_verifier,
        )
    assert err.value.code == "issuer_mismatch"


@pytest.mark.asyncio
async def test_end_session_url(client: OidcClient, provider: Provider) -> None:
    after = "http://127.0.0.1:8000/"
    assert await client.end_session_url(id_token_hint="t", post_logout_redirect_uri=after) is None
    provider.end_session = True
    async with make_client(provider.issuer) as fresh:  # metadata is cached per client
        url = await fresh.end_session_url(id_token_hint="t", post_logout_redirect_uri=after)
    assert url is not None
    assert url.startswith(f"{provider.base}/application/o/trendedge/end-session/?")
    assert parse_qs(urlsplit(url).query) == {
        "id_token_hint": ["t"],
        "client_id": [CLIENT_ID],
        "post_logout_redirect_uri": [after],
    }
