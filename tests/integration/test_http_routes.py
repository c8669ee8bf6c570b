"""The plain HTTP side of the real running server (`trendedge web`): health, headers, errors."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import pytest_asyncio

from tests.support.processes import Proc
from tests.support.web_client import session_cookie, signed_in_token
from trendedge import __version__

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
}
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@pytest_asyncio.fixture
async def http(web_app: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=web_app, timeout=30, follow_redirects=False) as client:
        yield client


@pytest_asyncio.fixture
async def auth(clean) -> dict[str, str]:
    """Headers of a signed-in user (session created directly in the database)."""
    return session_cookie(await signed_in_token("api-user"))


def parse_utc(value: str) -> datetime:
    assert value.endswith("Z"), value
    parsed = datetime.fromisoformat(value)
    assert parsed.utcoffset() == timedelta(0)
    return parsed


def assert_recent(value: str) -> None:
    assert abs(datetime.now(UTC) - parse_utc(value)) < timedelta(minutes=1)


def error_of(response: httpx.Response, status: int, code: str) -> dict:
    """Check the standard error shape and return its `error` object."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["error"]
    error = body["error"]
    assert set(error) == {"code", "message", "details", "request_id", "timestamp"}
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], list)
    assert error["request_id"] == response.headers["x-request-id"]
    assert_recent(error["timestamp"])
    return error


# --- liveness and headers ------------------------------------------------------------------


async def test_health_reports_status_version_and_time(http: httpx.AsyncClient) -> None:
    response = await http.get("/health")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"status", "version", "timestamp"}
    assert body["status"] == "ok"
    assert body["version"] == __version__
    assert_recent(body["timestamp"])


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/health"),
        ("GET", "/signin/"),  # a Reflex page
        ("GET", "/signin"),  # Reflex's redirect to /signin/
        ("GET", "/no-such-page-anywhere"),  # Reflex's 404
        ("GET", "/api/v1/accounts"),  # an error from our routes
        ("POST", "/health"),  # 405
    ],
)
async def test_every_response_carries_request_id_and_security_headers(
    http: httpx.AsyncClient, method: str, path: str
) -> None:
    response = await http.request(method, path)

    assert UUID_RE.match(response.headers["x-request-id"]), response.headers
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get_list(name) == [value], name
    assert "strict-transport-security" not in response.headers  # development


async def test_reflex_pages_answer_through_the_middleware(http: httpx.AsyncClient) -> None:
    page = await http.get("/signin/")
    missing = await http.get("/no-such-page-anywhere")

    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert missing.status_code == 404
    assert page.headers["x-request-id"] != missing.headers["x-request-id"]


async def test_valid_incoming_request_id_is_echoed(http: httpx.AsyncClient) -> None:
    incoming = f"trace-{uuid.uuid4().hex}"
    health = await http.get("/health", headers={"X-Request-ID": incoming})
    error = await http.get("/api/v1/accounts", headers={"X-Request-ID": incoming})

    assert health.headers.get_list("x-request-id") == [incoming]
    assert error.headers["x-request-id"] == incoming
    assert error.json()["error"]["request_id"] == incoming


@pytest.mark.parametrize("incoming", ["short", "has spaces in it", "x" * 129, "semi;colon-123"])
async def test_invalid_incoming_request_id_is_replaced(
    http: httpx.AsyncClient, incoming: str
) -> None:
    response = await http.get("/health", headers={"X-Request-ID": incoming})

    assert response.headers.get_list("x-request-id") != [incoming]
    assert UUID_RE.match(response.headers["x-request-id"])


# --- readiness -----------------------------------------------------------------------------


async def test_ready_is_degraded_without_a_worker(http: httpx.AsyncClient, clean) -> None:
    response = await http.get("/health/ready")

    assert response.status_code == 503, response.text
    body = response.json()
    assert body["status"] == "degraded"
    assert body["failing"] == ["workers"]
    checks = body["checks"]
    assert checks["workers"]["status"] == "error"
    assert checks["workers"]["workers"] == 0
    assert "worker" in checks["workers"]["message"]
    assert "latency_ms" not in checks["workers"]
    for name in ("database", "redis"):
        assert checks[name]["status"] == "ok"
        assert checks[name]["latency_ms"] >= 0


async def test_ready_is_ok_with_database_redis_and_a_worker(
    http: httpx.AsyncClient, worker: Proc
) -> None:
    body: dict = {}
    async with asyncio.timeout(60):
        while True:
            response = await http.get("/health/ready")
            body = response.json()
            if response.status_code == 200:
                break
            assert worker.alive(), worker.output()[-4000:]
            await asyncio.sleep(0.25)

    assert body["status"] == "ok"
    assert "failing" not in body
    checks = body["checks"]
    assert set(checks) == {"database", "redis", "workers"}
    for check in checks.values():
        assert check["status"] == "ok"
        assert isinstance(check["latency_ms"], int | float) and check["latency_ms"] >= 0
    assert checks["workers"]["workers"] >= 1


# --- the error shape -----------------------------------------------------------------------


async def test_accounts_without_a_session_is_401(http: httpx.AsyncClient, clean) -> None:
    anonymous = await http.get("/api/v1/accounts")
    unknown_token = await http.get("/api/v1/accounts", headers=session_cookie("forged-token"))

    error_of(anonymous, 401, "AUTHENTICATION_REQUIRED")
    error_of(unknown_token, 401, "AUTHENTICATION_REQUIRED")


async def test_signed_in_user_gets_a_list(http: httpx.AsyncClient, auth: dict[str, str]) -> None:
    response = await http.get("/api/v1/accounts", headers=auth)

    assert response.status_code == 200, response.text
    assert response.json() == {"data": []}


@pytest.mark.parametrize(
    ("content", "message_part"),
    [
        (b'{"name": "Main",', "not valid JSON"),
        (b"\xff\xfe not utf-8", "not valid JSON"),
        (b'[{"name": "Main"}]', "JSON object"),
        (b'"just a string"', "JSON object"),
        (json.dumps({"name": "Main", "notes": "n" * (64 * 1024)}).encode(), "64 KB"),
    ],
)
async def test_unusable_body_is_a_validation_error(
    http: httpx.AsyncClient, auth: dict[str, str], content: bytes, message_part: str
) -> None:
    response = await http.post(
        "/api/v1/accounts",
        content=content,
        headers={**auth, "Content-Type": "application/json"},
    )

    error = error_of(response, 400, "VALIDATION_ERROR")
    assert message_part in error["message"]
    listed = await http.get("/api/v1/accounts", headers=auth)
    assert listed.json() == {"data": []}


async def test_invalid_fields_are_listed_by_name(
    http: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    response = await http.post(
        "/api/v1/accounts",
        json={"name": "", "currency": "XYZ", "initial_balance": "-5"},
        headers=auth,
    )

    error = error_of(response, 400, "VALIDATION_ERROR")
    by_field = {d["field"]: d["message"] for d in error["details"]}
    assert all(set(d) == {"field", "message"} for d in error["details"])
    assert set(by_field) == {"name", "currency", "initial_balance"}
    assert "ISO 4217" in by_field["currency"]
    assert "greater than or equal" in by_field["initial_balance"]


async def test_duplicate_name_is_a_conflict_naming_the_field(
    http: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    first = await http.post("/api/v1/accounts", json={"name": "Main"}, headers=auth)
    second = await http.post("/api/v1/accounts", json={"name": "Main"}, headers=auth)

    assert first.status_code == 201, first.text
    error = error_of(second, 409, "CONFLICT")
    assert [d["field"] for d in error["details"]] == ["name"]


async def test_create_read_update_delete_over_http(
    http: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    created = await http.post(
        "/api/v1/accounts",
        json={"name": "Main", "currency": "eur", "initial_balance": "100.5"},
        headers=auth,
    )
    assert created.status_code == 201, created.text
    account = created.json()
    assert (account["name"], account["currency"], account["initial_balance"]) == (
        "Main",
        "EUR",
        "100.50",
    )
    url = f"/api/v1/accounts/{account['id']}"

    fetched = await http.get(url, headers=auth)
    updated = await http.put(url, json={"name": "Renamed"}, headers=auth)
    deleted = await http.delete(url, headers=auth)
    gone = await http.get(url, headers=auth)

    assert fetched.json() == account
    assert updated.status_code == 200 and updated.json()["name"] == "Renamed"
    assert deleted.status_code == 204
    error_of(gone, 404, "NOT_FOUND")


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
async def test_unknown_account_id_is_404(
    http: httpx.AsyncClient, auth: dict[str, str], method: str
) -> None:
    response = await http.request(
        method, "/api/v1/accounts/987654", headers=auth, json={"name": "x"}
    )

    error = error_of(response, 404, "NOT_FOUND")
    assert error["details"] == []


WRONG_METHODS = [
    ("PATCH", "/api/v1/accounts", {"GET", "POST"}),
    ("DELETE", "/api/v1/accounts", {"GET", "POST"}),
    ("POST", "/api/v1/accounts/1", {"GET", "PUT", "DELETE"}),
    ("POST", "/health", {"GET"}),
]


@pytest.mark.parametrize(("method", "path", "allowed"), WRONG_METHODS)
async def test_wrong_method_is_405(
    http: httpx.AsyncClient, auth: dict[str, str], method: str, path: str, allowed: set[str]
) -> None:
    response = await http.request(method, path, headers=auth)

    assert response.status_code == 405, response.text
    assert UUID_RE.match(response.headers["x-request-id"])


# Reflex's frontend is mounted at "" inside our Starlette app; a method mismatch on one
# of our routes must still be answered by us (JSON shape, the route's real Allow).
@pytest.mark.parametrize(("method", "path", "allowed"), WRONG_METHODS)
async def test_wrong_method_is_405_in_the_error_shape(
    http: httpx.AsyncClient, auth: dict[str, str], method: str, path: str, allowed: set[str]
) -> None:
    response = await http.request(method, path, headers=auth)

    error_of(response, 405, "METHOD_NOT_ALLOWED")
    assert {m.strip() for m in response.headers["allow"].split(",")} - {"HEAD"} == allowed
