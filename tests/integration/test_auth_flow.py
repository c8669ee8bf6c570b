"""OpenID Connect sign-in and sign-out over HTTP: the real server and the real mock provider.

httpx plays the browser (tests.support.web_client): it keeps the app's cookies, follows
each redirect by hand and submits the provider's sign-in form with a `sub`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import pytest
import pytest_asyncio
from sqlmodel import select

from tests.support.web_client import WebClient, is_cleared, set_cookies, web_client
from trendedge.auth.cookies import LOGIN_COOKIE, SESSION_COOKIE
from trendedge.db import session_scope
from trendedge.models import Account, User, UserSession
from trendedge.settings import get_settings


@pytest_asyncio.fixture
async def provider(oidc_issuer: str) -> dict:
    """The provider's discovery document."""
    async with httpx.AsyncClient() as http:
        response = await http.get(f"{oidc_issuer}/.well-known/openid-configuration")
    response.raise_for_status()
    return response.json()


@pytest_asyncio.fixture
async def alice(web_app: str, clean) -> AsyncIterator[WebClient]:
    async with web_client(web_app) as client:
        yield client


@pytest_asyncio.fixture
async def bob(web_app: str, clean) -> AsyncIterator[WebClient]:
    async with web_client(web_app) as client:
        yield client


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


async def users() -> list[tuple[str, str, str | None]]:
    async with session_scope() as session:
        rows = (await session.exec(select(User).order_by(User.id))).all()  # type: ignore[arg-type]
    return [(u.issuer, u.subject, u.email) for u in rows]


async def session_count() -> int:
    async with session_scope() as session:
        return len((await session.exec(select(UserSession))).all())


async def test_login_redirects_to_provider_with_pkce_state_and_nonce(
    alice: WebClient, web_app: str, provider: dict
) -> None:
    response = await alice.start_login("/accounts")

    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith(provider["authorization_endpoint"] + "?")
    query = query_of(location)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43  # base64url of a SHA-256
    assert len(query["state"][0]) >= 32
    assert len(query["nonce"][0]) >= 32
    assert query["state"] != query["nonce"]
    assert query["redirect_uri"] == [f"{web_app}/auth/callback"]
    assert "openid" in query["scope"][0].split()

    login_cookie = set_cookies(response)[LOGIN_COOKIE]
    assert login_cookie["httponly"] is True
    assert login_cookie["samesite"].lower() == "lax"
    assert login_cookie["path"] == "/"
    assert int(login_cookie["max-age"]) > 0
    assert not login_cookie["secure"]  # development serves plain http


async def test_each_login_uses_fresh_state_nonce_and_challenge(alice: WebClient) -> None:
    first = query_of((await alice.start_login()).headers["location"])
    second = query_of((await alice.start_login()).headers["location"])

    for key in ("state", "nonce", "code_challenge"):
        assert first[key] != second[key], key


async def test_full_sign_in_sets_a_session_cookie_and_opens_the_api(
    alice: WebClient, web_app: str, oidc_issuer: str
) -> None:
    steps = await alice.sign_in("alice@example.com", next_path="/accounts")

    assert steps.authorize.headers["location"].startswith(f"{web_app}/auth/callback?")
    callback = steps.callback
    assert callback.status_code == 303, callback.text
    assert callback.headers["location"] == "/accounts"
    cookies = set_cookies(callback)
    session_cookie = cookies[SESSION_COOKIE]
    assert session_cookie["httponly"] is True
    assert session_cookie["samesite"].lower() == "lax"
    assert session_cookie["path"] == "/"
    assert not session_cookie["secure"]  # development serves plain http
    assert int(session_cookie["max-age"]) == get_settings().session_ttl_hours * 3600
    assert is_cleared(cookies[LOGIN_COOKIE])  # the one-time login cookie is gone
    assert LOGIN_COOKIE not in alice.cookies

    listed = await alice.get("/api/v1/accounts")
    assert listed.status_code == 200, listed.text
    assert listed.json() == {"data": []}
    assert await users() == [(oidc_issuer, "alice@example.com", "alice@example.com")]


async def test_accounts_of_one_user_are_invisible_to_another(
    alice: WebClient, bob: WebClient
) -> None:
    await alice.sign_in("alice@example.com")
    created = await alice.post(
        "/api/v1/accounts",
        json={"name": "Alice Futures", "currency": "eur", "initial_balance": "25000"},
    )
    assert created.status_code == 201, created.text
    account = created.json()
    assert account["currency"] == "EUR"
    url = f"/api/v1/accounts/{account['id']}"

    await bob.sign_in("bob@example.com")
    assert alice.cookies[SESSION_COOKIE] != bob.cookies[SESSION_COOKIE]
    bob_get = await bob.get(url)
    bob_put = await bob.put(url, json={"name": "Bob owns this now", "initial_balance": "1"})
    bob_delete = await bob.delete(url)
    bob_list = await bob.get("/api/v1/accounts")

    for response in (bob_get, bob_put, bob_delete):
        assert response.status_code == 404, response.text
        assert response.json()["error"]["code"] == "NOT_FOUND"
    assert bob_list.status_code == 200
    assert bob_list.json() == {"data": []}

    async with session_scope() as session:
        rows = (await session.exec(select(Account))).all()
    assert [(a.id, a.name, str(a.initial_balance)) for a in rows] == [
        (account["id"], "Alice Futures", "25000.00")
    ]
    alice_view = await alice.get(url)
    assert alice_view.status_code == 200
    assert alice_view.json() == account


async def test_tampered_state_is_refused_without_a_session(alice: WebClient) -> None:
    login = await alice.start_login()
    authorize = await alice.authorize_at_provider(login.headers["location"], "mallory")
    tampered = with_query(authorize.headers["location"], state="forged-state-value")

    response = await alice.get(tampered)

    assert response.status_code == 303
    assert response.headers["location"] == "/signin?error=state_mismatch"
    cookies = set_cookies(response)
    assert SESSION_COOKIE not in cookies
    assert is_cleared(cookies[LOGIN_COOKIE])
    assert SESSION_COOKIE not in alice.cookies
    assert await session_count() == 0
    assert await users() == []


async def test_callback_without_login_cookie_is_expired(alice: WebClient, bob: WebClient) -> None:
    login = await alice.start_login()
    authorize = await alice.authorize_at_provider(login.headers["location"], "alice")

    # The provider's redirect arrives in a browser that never started this login.
    response = await bob.get(authorize.headers["location"])

    assert response.status_code == 303
    assert response.headers["location"] == "/signin?error=login_expired"
    assert SESSION_COOKIE not in set_cookies(response)
    assert await session_count() == 0


async def test_login_cookie_signed_with_another_secret_is_expired(alice: WebClient) -> None:
    login = await alice.start_login()
    authorize = await alice.authorize_at_provider(login.headers["location"], "alice")
    value = alice.cookies[LOGIN_COOKIE]
    alice.cookies[LOGIN_COOKIE] = value[:-4] + ("AAAA" if not value.endswith("AAAA") else "BBBB")

    response = await alice.get(authorize.headers["location"])

    assert response.headers["location"] == "/signin?error=login_expired"
    assert await session_count() == 0


@pytest.mark.parametrize(
    "next_path",
    ["//evil.example", "https://evil.example", "/\\evil.example", "/auth/logout", None],
)
async def test_next_outside_the_site_ends_at_home(alice: WebClient, next_path: str | None) -> None:
    steps = await alice.sign_in("alice", next_path=next_path)

    assert steps.callback.status_code == 303
    assert steps.callback.headers["location"] == "/"
    assert SESSION_COOKIE in alice.cookies


async def test_next_inside_the_site_keeps_its_query(alice: WebClient) -> None:
    steps = await alice.sign_in("alice", next_path="/accounts/7?tab=notes")
    assert steps.callback.headers["location"] == "/accounts/7?tab=notes"


async def test_logout_ends_the_session_here_and_at_the_provider(
    alice: WebClient, web_app: str, provider: dict
) -> None:
    await alice.sign_in("alice")
    token = alice.cookies[SESSION_COOKIE]
    assert (await alice.get("/api/v1/accounts")).status_code == 200

    response = await alice.post("/auth/logout")

    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith(provider["end_session_endpoint"] + "?")
    query = query_of(location)
    assert query["id_token_hint"][0].count(".") == 2  # the ID token (a JWT)
    assert query["post_logout_redirect_uri"] == [f"{web_app}/signin?signed_out=1"]
    assert is_cleared(set_cookies(response)[SESSION_COOKIE])
    assert SESSION_COOKIE not in alice.cookies
    assert await session_count() == 0

    # A copy of the old cookie is dead too.
    alice.cookies[SESSION_COOKIE] = token
    replay = await alice.get("/api/v1/accounts")
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "AUTHENTICATION_REQUIRED"


async def test_logout_without_a_session_goes_to_signin(alice: WebClient) -> None:
    response = await alice.post("/auth/logout")

    assert response.status_code == 303
    assert response.headers["location"] == "/signin?signed_out=1"


async def test_logout_ends_only_that_session(alice: WebClient, bob: WebClient) -> None:
    await alice.sign_in("alice")
    await bob.sign_in("alice")  # the same person in a second browser

    await alice.post("/auth/logout")

    assert (await alice.get("/api/v1/accounts")).status_code == 401
    assert (await bob.get("/api/v1/accounts")).status_code == 200


async def test_signing_in_twice_with_the_same_sub_is_one_user(
    alice: WebClient, bob: WebClient, oidc_issuer: str
) -> None:
    await alice.sign_in("same-person")
    await bob.sign_in("same-person")
    created = await alice.post("/api/v1/accounts", json={"name": "Shared"})
    assert created.status_code == 201

    assert await users() == [(oidc_issuer, "same-person", "same-person")]
    assert await session_count() == 2
    # Both sessions belong to that one user, so both see the account.
    listed = await bob.get("/api/v1/accounts")
    assert [a["name"] for a in listed.json()["data"]] == ["Shared"]
