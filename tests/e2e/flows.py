"""Steps a person takes in the UI, shared by the browser tests."""

from __future__ import annotations

from playwright.async_api import Page, expect


async def sign_in(page: Page, base: str, subject: str, *, start: str = "/") -> None:
    """Open `start`, get sent to sign-in, sign in at the dev provider as `subject`."""
    await page.goto(base + start)
    await expect(page.locator("#sign-in")).to_be_visible()
    await page.locator("#sign-in").click()
    await page.locator("input[name=sub]").fill(subject)
    await page.get_by_role("button", name="Authorize").click()
    await expect(page.locator("#user-email")).to_have_text(subject)


async def sign_out(page: Page) -> None:
    await page.locator("#sign-out").click()
    # The dev provider asks to confirm its end-session, then sends us back.
    await page.get_by_role("button", name="End session").click()
    await expect(page.get_by_text("You are signed out.")).to_be_visible()


async def create_account(
    page: Page,
    base: str,
    *,
    name: str,
    currency: str = "USD",
    balance: str = "50000",
    broker: str = "Tradovate",
) -> None:
    if not page.url.rstrip("/").endswith("/accounts"):
        await page.goto(base + "/accounts")
    await page.locator("#new-account").click()
    form = page.locator("#new-account-form")
    await form.locator("input[name=name]").fill(name)
    await form.locator("input[name=broker]").fill(broker)
    await form.locator("input[name=currency]").fill(currency)
    await form.locator("input[name=initial_balance]").fill(balance)
    await page.locator("#new-account-form-submit").click()


async def create_webhook(page: Page, base: str, *, label: str = "", account: str = "") -> str:
    """Create a webhook on /webhooks (for `account`, else the first); the URL shown once."""
    if not page.url.rstrip("/").endswith("/webhooks"):
        await page.goto(base + "/webhooks")
    await page.locator("#new-webhook").click()
    form = page.locator("#new-webhook-form")
    if account:
        await form.locator("#field-account_id").click()
        await page.get_by_role("option", name=account).click()
    await form.locator("input[name=label]").fill(label)
    await page.locator("#new-webhook-form-submit").click()
    await expect(page.locator("#webhook-url")).to_be_visible()
    return (await page.locator("#webhook-url").inner_text()).strip()


async def revoke_first_webhook(page: Page, base: str) -> None:
    if not page.url.rstrip("/").endswith("/webhooks"):
        await page.goto(base + "/webhooks")
    await page.locator("#webhooks-table .revoke-webhook").first.click()
    await page.get_by_role("alertdialog").get_by_role("button", name="Revoke").click()
    await expect(page.locator("#webhooks-table")).to_contain_text("revoked")
