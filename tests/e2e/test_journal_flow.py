"""Journal a trade in the browser: hostile markdown stays inert, screenshots upload and
load, refused files are explained, the entry is found by its tag, strangers see nothing."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.async_api import Browser, Page, expect
from sqlmodel import select

from tests.e2e.flows import sign_in
from tests.support.journal import image_bytes, insert_trade
from trendedge.db import session_scope
from trendedge.models import JournalEntry, Screenshot, User
from trendedge.services import accounts, journal

pytestmark = pytest.mark.browser

HOSTILE_NOTES = """## Plan
Waited for the **retest** of the high.

<script>window.__pwned=1</script>

<img src=x onerror="window.__pwned=1">

[click me](javascript:window.__pwned=1)
"""


async def user_id_of(subject: str) -> int:
    async with session_scope() as session:
        user = (await session.exec(select(User).where(User.subject == subject))).one()
    assert user.id is not None
    return user.id


async def pwned(page: Page) -> object:
    return await page.evaluate("() => window.__pwned")


async def wait_for_loaded_thumbnail(page: Page) -> None:
    await page.wait_for_function(
        "() => { const i = document.querySelector('img.screenshot-thumb');"
        " return !!i && i.complete && i.naturalWidth > 0; }"
    )


async def test_journal_a_trade_with_screenshot_and_find_it_by_tag(
    web_app: str, clean, browser: Browser
) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = await context.new_page()
    await sign_in(page, web_app, "journal@example.com", start="/journal")
    await expect(page.locator("#no-entries")).to_be_visible()

    user_id = await user_id_of("journal@example.com")
    async with session_scope() as session:
        account = await accounts.create_account(
            session=session, user_id=user_id, data={"name": "Futures", "currency": "USD"}
        )
    assert account.id is not None
    trade_id = await insert_trade(user_id=user_id, account_id=account.id, symbol="ESM5")
    await journal.save(user_id=user_id, day=date(2025, 3, 13), data={"tags": "other"})

    await page.goto(f"{web_app}/journal/trade/{trade_id}")
    await expect(page.locator("#trade-summary")).to_contain_text("ESM5")
    await expect(page.locator("#trade-pnl")).to_have_text("+125.00 USD")

    await page.locator("#field-notes").fill(HOSTILE_NOTES)
    await page.locator("#field-tags").fill(" XSS, Breakout , breakout")
    await page.locator("#field-mistakes").fill("Chased")
    await page.locator("#rating-4").click()
    await expect(page.locator("#rating-value")).to_have_text("4 / 5")

    # A renamed executable is refused with its reason, next to the upload control.
    upload = page.locator("input[type=file]")
    await upload.set_input_files(
        files=[{"name": "evil.png", "mimeType": "image/png", "buffer": b"MZ\x90\x00" + bytes(600)}]
    )
    await expect(page.locator("#upload-errors")).to_contain_text(
        "'evil.png' is not a PNG, JPEG or WEBP image"
    )
    png = image_bytes("PNG", (120, 80))
    await upload.set_input_files(
        files=[{"name": "chart.png", "mimeType": "image/png", "buffer": png}]
    )
    await expect(page.locator("img.screenshot-thumb")).to_have_count(1)
    await expect(page.locator("#upload-errors")).to_have_count(0)
    await wait_for_loaded_thumbnail(page)

    await page.locator("#save-entry").click()
    await expect(page.get_by_text("Journal entry saved")).to_be_visible()
    await expect(page.locator("#field-tags")).to_have_value("xss, breakout")

    # The preview shows the hostile HTML as text; nothing ran, no element was made.
    preview = page.locator("#notes-preview")
    await expect(preview.locator("h2")).to_have_text("Plan")
    await expect(preview).to_contain_text("<script>window.__pwned=1</script>")
    await expect(preview).to_contain_text('<img src=x onerror="window.__pwned=1">')
    await expect(preview.locator("script")).to_have_count(0)
    await expect(preview.locator("img")).to_have_count(0)
    href = await preview.get_by_text("click me").get_attribute("href")
    assert not (href or "").lower().strip().startswith("javascript"), href
    assert await pwned(page) is None

    async with session_scope() as session:
        entry = (
            await session.exec(select(JournalEntry).where(JournalEntry.trade_id == trade_id))
        ).one()
        shots = (await session.exec(select(Screenshot))).all()
    assert (entry.tags, entry.mistakes, entry.rating) == (["xss", "breakout"], ["chased"], 4)
    assert entry.notes == HOSTILE_NOTES
    assert [(s.entry_id, s.content_type, s.width) for s in shots] == [(entry.id, "image/png", 120)]

    # The list, filtered by the tag, shows this trade and not the other entry.
    await page.goto(f"{web_app}/journal")
    table = page.locator("#journal-table")
    await expect(table.locator(".journal-row")).to_have_count(2)
    await page.locator("#filter-tag").click()
    await page.get_by_role("option", name="xss").click()
    await expect(table.locator(".journal-row")).to_have_count(1)
    await expect(table).to_contain_text("ESM5 long")
    await expect(table).to_contain_text("Futures")
    await expect(table).not_to_contain_text("Day journal")
    await table.get_by_role("link", name="ESM5 long").click()
    await expect(page.locator("#trade-summary")).to_contain_text("ESM5")
    await wait_for_loaded_thumbnail(page)
    await expect(page.locator("#notes-preview")).to_contain_text("<script>")
    assert await pwned(page) is None

    # A bad day in the URL is explained, not a crash.
    await page.goto(f"{web_app}/journal/day/2025-13-40")
    await expect(page.locator("#journal-not-found")).to_contain_text("not a valid day")
    await page.goto(f"{web_app}/journal/day/2025-03-13")
    await expect(page.locator("#journal-day")).to_have_text("Trading day 2025-03-13")
    await expect(page.locator("#field-tags")).to_have_value("other")

    # Another user: the trade's journal is "not found" and the image is refused.
    stranger_ctx = await browser.new_context()
    stranger = await stranger_ctx.new_page()
    await sign_in(stranger, web_app, "stranger@example.com", start="/journal")
    await expect(stranger.locator("#no-entries")).to_be_visible()
    await stranger.goto(f"{web_app}/journal/trade/{trade_id}")
    await expect(stranger.locator("#journal-not-found")).to_have_text("Trade not found.")
    await expect(stranger.locator("#journal-entry-form")).to_have_count(0)
    response = await stranger.request.get(f"{web_app}/api/v1/screenshots/{shots[0].id}")
    assert response.status == 404
    await stranger_ctx.close()
    await context.close()
