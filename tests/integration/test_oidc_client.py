"""OidcClient against a real oidc-provider-mock process (full code + PKCE flow).

The mock runs via `dev_provider_command` on a free 127.0.0.1 port; a "browser"
(httpx) fetches the authorization page and submits its ``sub`` form.
"""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from urllib.parse import parse_qs, parse_qsl, urlsplit

import httpx
import pytest
import pytest_asyncio

from trendedge.auth.dev_provider import (
    DEV_CLIENT_ID,
    DEV_CLIENT_SECRET,
    DEV_USER,
    dev_provider_command,
    dev_provider_issuer,
)
from trendedge.auth.oidc import LoginRequest, OidcClient, OidcConfig, OidcError

REDIRECT_URI = "http://127.0.0.1:8000/auth/callback"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    """Start oidc-provider-mock as a subprocess; yield its issuer URL."""
    port = _free_port()
    issuer = dev_provider_issuer("127.0.0.1", port)
    with tempfile.TemporaryFile() as log:
        cmd = dev_provider_command(host="127.0.0.1", port=port)
        proc = subprocess.Popen(cmd, stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    url = f"{issuer}/.well-known/openid-configuration"
                    if httpx.get(url).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    pytest.fail(f"oidc-provider-mock did not start:\n{log.read().decode()}")
                time.sleep(0.1)
            yield issuer
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


class Recorder:
    """Keeps the URLs requested through the client handed to OidcClient."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    async def __call__(self, request: httpx.Request) -> None:
        self.urls.append(str(request.url.copy_with(query=None)))


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest_asyncio.fixture
async def client(issuer: str, recorder: Recorder) -> AsyncIterator[OidcClient]:
    config = OidcConfig(
        issuer=issuer,
        client_id=DEV_CLIENT_ID,
        client_secret=DEV_CLIENT_SECRET,
        redirect_uri=REDIRECT_URI,
    )
    async with httpx.AsyncClient(event_hooks={"request": [recorder]}) as http:
        yield OidcClient(config, http=http)


@pytest_asyncio.fixture
async def browser() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(follow_redirects=False) as http:
        yield http


async def set_user(issuer: str, sub: str, claims: dict[str, object]) -> None:
    async with httpx.AsyncClient() as http:
        resp = await http.put(f"{issuer}/users/{sub}", json=claims)
        assert resp.status_code == 204, resp.text


async def sign_in(browser: httpx.AsyncClient, login: LoginRequest, sub: str) -> dict[str, str]:
    """Act like a person on the mock's page; return the callback query params."""
    page = await browser.get(login.url)
    assert page.status_code == 200
    assert 'name="sub"' in page.text
    resp = await browser.post(login.url, data={"sub": sub})  # form posts to its own URL
    assert resp.status_code == 302, resp.text
    location = resp.headers["location"]
    assert location.startswith(REDIRECT_URI + "?")
    return dict(parse_qsl(urlsplit(location).query))


async def finish(client: OidcClient, login: LoginRequest, params: dict[str, str]):
    return await client.complete_login(
        params=params,
        expected_state=login.state,
        nonce=login.nonce,
        code_verifier=login.code_verifier,
    )


@pytest.mark.asyncio
async def test_happy_path(
    client: OidcClient, browser: httpx.AsyncClient, issuer: str, recorder: Recorder
) -> None:
    await set_user(issuer, "alice", {"email": "alice@example.com", "name": "Alice A"})
    login = await client.begin_login()

    query = parse_qs(urlsplit(login.url).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"] == [login.state]
    assert query["nonce"] == [login.nonce]
    assert query["client_id"] == [DEV_CLIENT_ID]
    assert query["redirect_uri"] == [REDIRECT_URI]
    assert len(login.state) >= 22 and 43 <= len(login.code_verifier) <= 128

    params = await sign_in(browser, login, "alice")
    assert params["state"] == login.state
    identity = await finish(client, login, params)

    assert identity.issuer == issuer
    assert identity.subject == "alice"
    assert identity.email == "alice@example.com"
    assert identity.name == "Alice A"
    assert identity.id_token.count(".") == 2
    assert f"{issuer}/userinfo" not in recorder.urls  # email came from the ID token


@pytest.mark.asyncio
async def test_predefined_dev_user(client: OidcClient, browser: httpx.AsyncClient) -> None:
    login = await client.begin_login()
    page = await browser.get(login.url)
    assert f'name="sub" value="{DEV_USER["sub"]}"' in page.text  # one-click button
    identity = await finish(client, login, await sign_in(browser, login, DEV_USER["sub"]))
    assert (identity.subject, identity.email, identity.name) == (
        DEV_USER["sub"],
        DEV_USER["email"],
        DEV_USER["name"],
    )


@pytest.mark.asyncio
async def test_unknown_subject_gets_email_equal_to_sub(
    client: OidcClient, browser: httpx.AsyncClient
) -> None:
    login = await client.begin_login()
    identity = await finish(client, login, await sign_in(browser, login, "carol@example.com"))
    assert (identity.subject, identity.email) == ("carol@example.com", "carol@example.com")


@pytest.mark.asyncio
async def test_userinfo_consulted_when_id_token_has_no_email(
    client: OidcClient, browser: httpx.AsyncClient, issuer: str, recorder: Recorder
) -> None:
    # The mock puts the same claims in the ID token and userinfo, so here we can
    # only see that userinfo is called; test_oidc_tokens covers email-from-userinfo.
    await set_user(issuer, "bob", {"name": "Bob B"})
    login = await client.begin_login()
    identity = await finish(client, login, await sign_in(browser, login, "bob"))
    assert identity.subject == "bob"
    assert identity.email is None
    assert identity.name == "Bob B"
    assert f"{issuer}/userinfo" in recorder.urls


@pytest.mark.asyncio
async def test_issuer_configured_with_trailing_slash(
    issuer: str, browser: httpx.AsyncClient
) -> None:
    config = OidcConfig(
        issuer=issuer + "/",
        client_id=DEV_CLIENT_ID,
        client_secret=DEV_CLIENT_SECRET,
        redirect_uri=REDIRECT_URI,
    )
    async with OidcClient(config) as client:
        assert (await client.metadata())["issuer"] == issuer
        login = await client.begin_login()
        identity = await finish(client, login, await sign_in(browser, login, "dave@example.com"))
    assert identity.issuer == issuer


@pytest.mark.asyncio
async def test_state_mismatch(client: OidcClient, browser: httpx.AsyncClient) -> None:
    login = await client.begin_login()
    params = await sign_in(browser, login, "eve@example.com")
    with pytest.raises(OidcError) as err:
        await client.complete_login(
            params=params,
            expected_state=login.state + "x",
            nonce=login.nonce,
            code_verifier=login.code_verifier,
        )
    assert err.value.code == "state_mismatch"
    with pytest.raises(OidcError) as err:
        await finish(client, login, {**params, "state": ""})
    assert err.value.code == "state_mismatch"


@pytest.mark.asyncio
async def test_wrong_nonce(client: OidcClient, browser: httpx.AsyncClient) -> None:
    login = await client.begin_login()
    params = await sign_in(browser, login, "frank@example.com")
    with pytest.raises(OidcError) as err:
        await client.complete_login(
            params=params,
            expected_state=login.state,
            nonce="some-other-nonce",
            code_verifier=login.code_verifier,
        )
    assert err.value.code == "invalid_id_token"
    assert "nonce" in err.value.message


@pytest.mark.asyncio
async def test_access_denied(client: OidcClient, browser: httpx.AsyncClient) -> None:
    login = await client.begin_login()
    resp = await browser.post(login.url, data={"action": "deny"})
    assert resp.status_code == 302
    params = dict(parse_qsl(urlsplit(resp.headers["location"]).query))
    assert params["error"] == "access_denied"
    with pytest.raises(OidcError) as err:
        await finish(client, login, params)
    assert err.value.code == "access_denied"


@pytest.mark.asyncio
async def test_missing_code(client: OidcClient) -> None:
    login = await client.begin_login()
    with pytest.raises(OidcError) as err:
        await finish(client, login, {"state": login.state})
    assert err.value.code == "missing_code"


@pytest.mark.asyncio
async def test_replayed_code_is_rejected(client: OidcClient, browser: httpx.AsyncClient) -> None:
    login = await client.begin_login()
    params = await sign_in(browser, login, "grace@example.com")
    assert (await finish(client, login, params)).subject == "grace@example.com"
    with pytest.raises(OidcError) as err:
        await finish(client, login, params)
    assert err.value.code == "token_exchange_failed"
    assert "invalid_grant" in err.value.message


@pytest.mark.asyncio
async def test_end_session_url(client: OidcClient, browser: httpx.AsyncClient, issuer: str) -> None:
    login = await client.begin_login()
    identity = await finish(client, login, await sign_in(browser, login, "heidi@example.com"))
    after = "http://127.0.0.1:8000/signed-out"

    url = await client.end_session_url(
        id_token_hint=identity.id_token, post_logout_redirect_uri=after
    )
    assert url is not None and url.startswith(f"{issuer}/oauth2/end_session?")
    query = parse_qs(urlsplit(url).query)
    assert query["id_token_hint"] == [identity.id_token]
    assert query["post_logout_redirect_uri"] == [after]
    assert query["client_id"] == [DEV_CLIENT_ID]

    page = await browser.get(url)  # the mock asks for confirmation...
    assert page.status_code == 200
    confirm = await browser.post(
        f"{issuer}/oauth2/end_session/confirm", data={"redirect_uri": after}
    )
    assert confirm.status_code == 302  # ...then sends the browser back to us
    assert confirm.headers["location"] == after

    no_hint = await client.end_session_url(id_token_hint=None, post_logout_redirect_uri=after)
    assert no_hint is not None and "id_token_hint" not in no_hint


@pytest.mark.asyncio
async def test_provider_unreachable() -> None:
    config = OidcConfig(
        issuer=f"http://127.0.0.1:{_free_port()}",
        client_id=DEV_CLIENT_ID,
        client_secret=DEV_CLIENT_SECRET,
        redirect_uri=REDIRECT_URI,
    )
    async with OidcClient(config) as client:
        with pytest.raises(OidcError) as err:
            await client.begin_login()
    assert err.value.code == "provider_unreachable"
