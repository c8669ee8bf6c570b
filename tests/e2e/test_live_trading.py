"""Webhook → worker → live /trades and /signals, per user; revoked URLs stop working."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest
from playwright.async_api import Browser, expect

from tests.e2e.flows import create_account, create_webhook, revoke_first_webhook, sign_in

pytestmark = pytest.mark.browser

BUY = {"action": "buy", "ticker": "NQ1!", "contracts": "2", "price": "18250.25"}
EXIT = {"action": "exit", "ticker": "NQ1!", "price": "18260.50"}


def on_app(url: str, web_app: str) -> str:
    """The webhook URL aimed at the test's web app (same path, the app's host and port)."""
    return web_app + urlsplit(url).path


async def post(url: str, body: dict[str, str]) -> httpx.Response:
    async with httpx.AsyncClient(timeout=10) as client:
        return await client.post(url, json=body)


async def test_live_positions_trades_signals_and_revocation(
    web_app: str, worker, browser: Browser
) -> None:
    alice_ctx = await browser.new_context(viewport={"width": 1280, "height": 860})
    bob_ctx = await browser.new_context(viewport={"width": 1280, "height": 860})
    try:
        alice = await alice_ctx.new_page()
        await sign_in(alice, web_app, "alice@example.com", start="/accounts")
        await create_account(alice, web_app, name="Alice Paper", balance="50000")
        await expect(alice.locator("#accounts-table")).to_contain_text("Alice Paper")

        shown = await create_webhook(alice, web_app, label="NQ trend")
        assert "/api/v1/webhooks/tradingview/" in shown
        await expect(alice.locator("#webhooks-table")).to_contain_text("NQ trend")
        url = on_app(shown, web_app)
        # Shown once: gone after the page loads again.
        await alice.reload()
        await expect(alice.locator("#webhooks-table")).to_be_visible()
        await expect(alice.locator("#webhook-url")).to_have_count(0)

        await alice.goto(web_app + "/trades")
        await expect(alice.locator("#no-positions")).to_be_visible()
        await expect(alice.locator("#live-status")).to_be_visible()

        bob = await bob_ctx.new_page()
        await sign_in(bob, web_app, "bob@example.com", start="/trades")
        await expect(bob.locator("#no-positions")).to_be_visible()
        await expect(bob.locator("#live-status")).to_be_visible()

        response = await post(url, BUY)
        assert response.status_code == 202, response.text
        positions = alice.locator("#positions-table")
        await expect(positions).to_contain_text("NQ", timeout=10_000)
        await expect(positions).to_contain_text("long")
        await expect(positions.locator("tbody tr")).to_have_count(1)
        await expect(positions.locator("tbody tr td").nth(2)).to_have_text("2")
        await expect(alice.get_by_text("Filled: BUY 2 NQ")).to_be_visible()

        response = await post(url, EXIT)
        assert response.status_code == 202, response.text
        trades = alice.locator("#trades-table")
        await expect(trades).to_contain_text("NQ", timeout=10_000)
        await expect(alice.locator("#no-positions")).to_be_visible()
        await expect(alice.locator("#equity-cards")).to_contain_text("Alice Paper")

        # Bob saw nothing of it.
        await expect(bob.locator("#no-positions")).to_be_visible()
        await expect(bob.locator("#no-trades")).to_be_visible()
        await expect(bob.locator("#positions-table")).to_have_count(0)
        await expect(bob.locator("#trades-table")).to_have_count(0)

        await alice.goto(web_app + "/signals")
        table = alice.locator("#signals-table")
        await expect(table.locator("tbody tr")).to_have_count(2)
        await expect(table.locator(".signal-status")).to_have_text(["filled", "filled"])
        await expect(table).to_contain_text("NQ1!")

        await revoke_first_webhook(alice, web_app)
        response = await post(url, BUY)
        assert response.status_code == 404, response.text
    finally:
        await alice_ctx.close()
        await bob_ctx.close()
