"""TradingView webhook → signal → RQ worker → paper fill, over real HTTP and a real worker."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal

import httpx
import pytest

from tests.support.trading import (
    Fill,
    Order,
    Signal,
    Trade,
    make_trader,
    position_quantity,
    rows,
)
from trendedge.domain.signatures import sign

BUY_NQ = {"action": "buy", "ticker": "NQ1!", "contracts": "2", "price": "18250.25"}


async def wait_status(signal_id: int, expected: str, within_s: float = 15) -> Signal:
    async def current() -> Signal | None:
        found = await rows(Signal, id=signal_id)
        return found[0] if found and found[0].status == expected else None

    deadline = asyncio.get_running_loop().time() + within_s
    while asyncio.get_running_loop().time() < deadline:
        signal = await current()
        if signal is not None:
            return signal
        await asyncio.sleep(0.1)
    found = await rows(Signal, id=signal_id)
    raise AssertionError(
        f"signal {signal_id} is {found[0].status if found else 'missing'}, "
        f"expected {expected}: {found[0].reason if found else ''}"
    )


async def post(client: httpx.AsyncClient, url: str, payload: object, **kwargs) -> httpx.Response:
    body = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
    return await client.post(
        url,
        content=body,
        headers={"content-type": "text/plain", **kwargs.pop("headers", {})},
        **kwargs,
    )


@pytest.fixture
async def client(web_app: str):
    async with httpx.AsyncClient(timeout=10) as http:
        yield http


async def test_alert_becomes_a_paper_fill(web_app, worker, clean, client) -> None:
    trader = await make_trader("alice")
    response = await post(client, trader.url(web_app), BUY_NQ)
    assert response.status_code == 202, response.text
    signal_id = response.json()["signal_id"]
    signal = await wait_status(signal_id, "filled")
    assert signal.user_id == trader.user_id and signal.account_id == trader.account_id

    [fill] = await rows(Fill, account_id=trader.account_id)
    # NQ tick 0.25, default slippage 1 tick against a buyer, 2 contracts.
    assert fill.reference_price == Decimal("18250.25")
    assert fill.price == Decimal("18250.50")
    assert fill.price_basis == "alert_price"
    assert fill.slippage_ticks == 1
    assert fill.quantity == 2
    assert await position_quantity(trader.account_id, "NQ") == 2


async def test_same_alert_twice_is_a_duplicate_and_fills_once(
    web_app, worker, clean, client
) -> None:
    trader = await make_trader("bob")
    first = await post(client, trader.url(web_app), BUY_NQ)
    second = await post(client, trader.url(web_app), BUY_NQ)
    assert first.status_code == 202
    assert second.status_code == 200
    assert second.json()["status"] == "duplicate"
    assert second.json()["duplicate_of"] == first.json()["signal_id"]
    await wait_status(first.json()["signal_id"], "filled")
    assert len(await rows(Order, account_id=trader.account_id)) == 1
    statuses = sorted(s.status for s in await rows(Signal, account_id=trader.account_id))
    assert statuses == ["duplicate", "filled"]


async def test_explicit_id_dedupes_even_when_other_fields_differ(
    web_app, worker, clean, client
) -> None:
    trader = await make_trader("carol")
    first = await post(client, trader.url(web_app), {**BUY_NQ, "id": "ord-1"})
    second = await post(client, trader.url(web_app), {**BUY_NQ, "id": "ord-1", "price": "18251"})
    third = await post(client, trader.url(web_app), {**BUY_NQ, "id": "ord-2"})
    assert [first.status_code, second.status_code, third.status_code] == [202, 200, 202]
    await wait_status(third.json()["signal_id"], "filled")
    assert len(await rows(Order, account_id=trader.account_id)) == 2


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({**BUY_NQ, "ticker": "XYZ1!"}, 422, "ticker"),
        ({k: v for k, v in BUY_NQ.items() if k != "ticker"}, 400, "ticker"),
        ({k: v for k, v in BUY_NQ.items() if k != "price"}, 400, "price"),
        ({**BUY_NQ, "contracts": "-2"}, 400, "contracts"),
        ({**BUY_NQ, "action": "hold"}, 400, "action"),
        ({**BUY_NQ, "price": "abc"}, 400, "price"),
        ('{"action": "buy", "ticker": ', 400, "body"),
        ("[1, 2, 3]", 400, "body"),
        ({**BUY_NQ, "a": {"b": {"c": {"d": {"e": {"f": 1}}}}}}, 400, "body"),
        ("x" * (64 * 1024 + 1), 413, "body"),
    ],
    ids=[
        "unknown-symbol",
        "no-ticker",
        "no-price",
        "negative-contracts",
        "bad-action",
        "price-not-number",
        "broken-json",
        "not-an-object",
        "too-deep",
        "too-large",
    ],
)
async def test_bad_alerts_are_refused_naming_the_field_and_recorded(
    web_app, clean, client, payload, status, field
) -> None:
    trader = await make_trader("dave")
    response = await post(client, trader.url(web_app), payload)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert {"code", "message", "details", "request_id", "timestamp"} <= error.keys()
    assert field in [d["field"] for d in error["details"]], error
    assert error["request_id"] == response.headers["x-request-id"]
    [signal] = await rows(Signal, account_id=trader.account_id)
    assert signal.status == "rejected"
    assert signal.reason
    assert await rows(Order, account_id=trader.account_id) == []


async def test_unknown_or_revoked_token_is_404_and_touches_nothing(web_app, clean, client) -> None:
    trader = await make_trader("erin")
    wrong = trader.url(web_app)[:-4] + "AAAA"
    response = await post(client, wrong, BUY_NQ)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"
    assert await rows(Signal, account_id=trader.account_id) == []


async def test_hmac_signature_is_required_when_configured(web_app, worker, clean, client) -> None:
    secret = "a-long-shared-secret-123"
    trader = await make_trader("frank", hmac_secret=secret)
    body = json.dumps(BUY_NQ).encode()
    unsigned = await post(client, trader.url(web_app), body)
    forged = await post(
        client,
        trader.url(web_app),
        body,
        headers={"x-signature": "sha256=" + sign("wrong-secret-xxxxxxxx", body)},
    )
    signed = await post(
        client, trader.url(web_app), body, headers={"x-signature": "sha256=" + sign(secret, body)}
    )
    assert (unsigned.status_code, forged.status_code, signed.status_code) == (403, 403, 202)
    await wait_status(signed.json()["signal_id"], "filled")


async def test_ip_allow_list_refuses_other_senders(web_app, clean, client) -> None:
    trader = await make_trader("gina", allowed_ips="52.89.214.238, 34.212.75.30")
    response = await post(client, trader.url(web_app), BUY_NQ)
    assert response.status_code == 403
    assert "allow-list" in response.json()["error"]["message"]
    # X-Forwarded-For is not believed from an untrusted peer.
    spoofed = await post(
        client, trader.url(web_app), BUY_NQ, headers={"x-forwarded-for": "52.89.214.238"}
    )
    assert spoofed.status_code == 403


async def test_rate_limit_answers_429_with_retry_after(web_app, clean, client) -> None:
    trader = await make_trader("hank")
    codes = []
    for i in range(31):
        response = await post(client, trader.url(web_app), {**BUY_NQ, "id": f"r{i}"})
        codes.append(response.status_code)
    assert codes[:30] == [202] * 30
    assert codes[30] == 429
    assert 1 <= int(response.headers["retry-after"]) <= 60
    assert response.json()["error"]["code"] == "RATE_LIMITED"


async def test_position_lifecycle_over_http(web_app, worker, clean, client) -> None:
    trader = await make_trader("ivy", account={"slippage_ticks": 0, "commission_per_side": "2.00"})
    url = trader.url(web_app)
    steps = [
        ({"action": "buy", "contracts": "2", "price": "5000.00"}, 2),  # open long 2
        ({"action": "buy", "contracts": "1", "price": "5003.00"}, 3),  # add
        ({"action": "sell", "contracts": "1", "price": "5010.00"}, 2),  # reduce
        ({"action": "reverse", "price": "5020.00"}, -2),  # long 2 -> short 2
        ({"action": "flatten", "price": "5000.00"}, 0),  # close short
    ]
    for i, (alert, expected) in enumerate(steps):
        response = await post(client, url, {"ticker": "ESZ2026", "id": f"s{i}", **alert})
        assert response.status_code == 202, response.text
        await wait_status(response.json()["signal_id"], "filled")
        assert await position_quantity(trader.account_id, "ES") == expected
    trades = await rows(Trade, account_id=trader.account_id)
    # avg entry (2*5000 + 5003)/3 = 5001; reduce 1 @5010: +9 pts * 50 = 450
    # reverse closes 2 @5020: +19 pts * 2 * 50 = 1900;
    # the short 2 @5020 flattened @5000: +20 * 2 * 50 = 2000
    assert [t.gross_pnl for t in trades] == [Decimal("450"), Decimal("1900"), Decimal("2000")]
    # 10 contract-sides: 2 + 1 + 1 + 4 (reverse) + 2 (flatten)
    assert sum(t.commission for t in trades) == Decimal("2.00") * 10
    assert [t.direction for t in trades] == ["long", "long", "short"]


async def test_concurrent_signals_leave_a_consistent_position(
    web_app, worker, clean, client
) -> None:
    trader = await make_trader("jack")
    url = trader.url(web_app)
    responses = await asyncio.gather(
        *(post(client, url, {**BUY_NQ, "contracts": "1", "id": f"c{i}"}) for i in range(10))
    )
    assert [r.status_code for r in responses] == [202] * 10
    for r in responses:
        await wait_status(r.json()["signal_id"], "filled")
    assert await position_quantity(trader.account_id, "NQ") == 10
    assert len(await rows(Fill, account_id=trader.account_id)) == 10


async def test_exit_when_flat_is_recorded_as_ignored(web_app, worker, clean, client) -> None:
    trader = await make_trader("kim")
    response = await post(
        client, trader.url(web_app), {"action": "exit", "ticker": "MES1!", "price": "5000"}
    )
    assert response.status_code == 202
    signal = await wait_status(response.json()["signal_id"], "ignored")
    assert signal.reason
    assert await rows(Order, account_id=trader.account_id) == []
