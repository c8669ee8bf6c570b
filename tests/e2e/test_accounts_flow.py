"""Sign in, manage accounts, sign out — and a second user sees none of it."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect
from sqlmodel import select

from tests.e2e.flows import create_account, sign_in, sign_out
from trendedge.db import session_scope
from trendedge.models import Account

pytestmark = pytest.mark.browser


async def test_sign_in_create_account_sign_out_and_isolation(
    web_app: str, clean, browser: Browser
) -> None:
    alice_ctx = await browser.new_context()
    alice = await alice_ctx.new_page()
    # A private page sends a stranger to sign-in, and back to that page afterwards.
    await sign_in(alice, web_app, "alice@example.com", start="/accounts")
    assert alice.url.rstrip("/").endswith("/accounts")
    await expect(alice.locator("#dev-provider")).to_have_count(0)

    await create_account(alice, web_app, name="Alice Futures", currency="eur", balance="25000")
    table = alice.locator("#accounts-table")
    await expect(table).to_contain_text("Alice Futures")
    await expect(table).to_contain_text("EUR")
    await expect(table).to_contain_text("25,000.00")

    # Bad input: errors shown beside the field, nothing stored.
    await create_account(alice, web_app, name="Broken", currency="XYZ", balance="-5")
    await expect(alice.locator("#error-currency")).to_contain_text("ISO 4217")
    await expect(alice.locator("#error-initial_balance")).to_contain_text("greater than or equal")
    async with session_scope() as session:
        names = [a.name for a in (await session.exec(select(Account))).all()]
    assert names == ["Alice Futures"]
    alice_account_id = (await _account_ids())[0]
    await alice.get_by_role("button", name="Cancel").click()

    await sign_out(alice)
    await alice.goto(web_app + "/accounts")
    await expect(alice.locator("#sign-in")).to_be_visible()  # session really ended

    bob_ctx = await browser.new_context()
    bob = await bob_ctx.new_page()
    await sign_in(bob, web_app, "bob@example.com", start="/accounts")
    await expect(bob.locator("#no-accounts")).to_be_visible()
    await expect(bob.get_by_text("Alice Futures")).to_have_count(0)
    # Bob guesses Alice's account URL: not found, and no form to change it.
    await bob.goto(f"{web_app}/accounts/{alice_account_id}")
    await expect(bob.locator("#account-not-found")).to_be_visible()
    await expect(bob.locator("#edit-account-form")).to_have_count(0)
    await alice_ctx.close()
    await bob_ctx.close()


async def test_edit_and_delete_account(web_app: str, clean, page: Page) -> None:
    await sign_in(page, web_app, "carol@example.com", start="/accounts")
    await create_account(page, web_app, name="Swing", currency="USD", balance="1000")
    await page.get_by_role("link", name="Swing").click()
    form = page.locator("#edit-account-form")
    await expect(form.locator("input[name=name]")).to_have_value("Swing")
    await form.locator("input[name=name]").fill("")
    await page.locator("#edit-account-form-submit").click()
    await expect(page.locator("#error-name")).to_be_visible()
    await form.locator("input[name=name]").fill("Swing 2")
    await form.locator("input[name=currency]").fill("GBP")
    await page.locator("#edit-account-form-submit").click()
    await expect(page.get_by_text("Account saved")).to_be_visible()
    async with session_scope() as session:
        account = (await session.exec(select(Account))).one()
    assert (account.name, account.currency) == ("Swing 2", "GBP")

    await page.locator("#delete-account").click()
    await expect(page.locator("#no-accounts")).to_be_visible()
    assert await _account_ids() == []


async def _account_ids() -> list[int]:
    async with session_scope() as session:
        return [a.id for a in (await session.exec(select(Account).order_by(Account.id))).all()]
