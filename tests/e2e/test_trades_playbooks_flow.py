"""A playbook, a manual trade scaled in twice and linked to it, its stats — in the browser."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.async_api import Browser, Page, expect
from sqlmodel import select

from tests.e2e.flows import create_account, sign_in
from trendedge.db import session_scope
from trendedge.models import Playbook, Trade

pytestmark = pytest.mark.browser


def field(page: Page, name: str):
    return page.locator(f'[id="field-{name}"]')


def error(page: Page, name: str):
    return page.locator(f'[id="error-{name}"]')


async def fill_leg(page: Page, index: int, time: str, price: str, quantity: str) -> None:
    await field(page, f"legs.{index}.time").fill(time)
    await field(page, f"legs.{index}.price").fill(price)
    await field(page, f"legs.{index}.quantity").fill(quantity)


async def test_playbook_manual_trade_and_its_stats(web_app: str, clean, browser: Browser) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    await sign_in(page, web_app, "tina@example.com", start="/accounts")
    await create_account(page, web_app, name="Futures")
    await expect(page.locator("#accounts-table")).to_contain_text("Futures")

    # A playbook with two rules.
    await page.goto(web_app + "/playbooks")
    await expect(page.locator("#no-playbooks")).to_be_visible()
    form = page.locator("#new-playbook-form")
    await form.locator("input[name=name]").fill("Opening range")
    await form.locator("textarea[name=description]").fill("**Break** of the <b>first</b> 15 min")
    await form.locator("textarea[name=rules]").fill("Wait for the range\nEnter on the break")
    await page.locator("#new-playbook-form-submit").click()
    await expect(page.locator("#playbooks-table")).to_contain_text("Opening range")

    # A manual trade: two entries, one exit; a bad price first.
    await page.goto(web_app + "/trades")
    await page.locator("#new-trade").click()
    await expect(page).to_have_url(re.compile(r"/trades/new$"))
    await page.locator("input[name=symbol]").fill("ES")
    await page.locator("#add-entry").click()
    await expect(page.locator(".leg-row")).to_have_count(3)
    await fill_leg(page, 0, "2026-01-05T14:00", "5000", "1")
    await fill_leg(page, 1, "2026-01-05T14:30", "abc", "2")
    await fill_leg(page, 2, "2026-01-05T14:05", "4998", "1")
    await page.locator("input[name=commission]").fill("5")
    await page.locator("input[name=stop]").fill("4990")
    await field(page, "playbook_id").click()
    await page.get_by_role("option", name="Opening range").click()
    await page.get_by_role("checkbox", name="Enter on the break").click()
    await page.locator("#trade-form-submit").click()
    await expect(error(page, "legs.1.price")).to_contain_text("number")
    async with session_scope() as session:
        assert (await session.exec(select(Trade))).all() == []

    await field(page, "legs.1.price").fill("5010")
    await page.locator("#trade-form-submit").click()
    await expect(page).to_have_url(re.compile(r"/trades/\d+$"))
    await expect(page.locator("#trade-net")).to_have_text("1,095.00")  # 11 pts * 2 * 50 - 5
    await expect(page.locator("#trade-r")).to_have_text("1.22R")  # 11 / 9
    await expect(page.locator("#trade-playbook")).to_have_text("Opening range")
    await expect(page.locator("#trade-journal-link")).to_have_attribute(
        "href", re.compile(r"/journal/trade/\d+$")
    )
    async with session_scope() as session:
        [trade] = (await session.exec(select(Trade))).all()
        [book] = (await session.exec(select(Playbook))).all()
    assert (trade.source, trade.quantity, trade.entry_price) == ("manual", 2, Decimal("4999"))
    assert trade.rules_followed == ["Enter on the break"]
    assert trade.playbook_id == book.id

    # Edit it: the exit (second leg as stored) moves to 5004.
    await expect(field(page, "legs.1.price")).to_have_value("5010")
    await field(page, "legs.1.price").fill("5004")
    await page.locator("#trade-form-submit").click()
    await expect(page.locator("#trade-net")).to_have_text("495.00")  # 5 pts * 2 * 50 - 5
    await expect(page.locator("#trade-r")).to_have_text("0.56R")  # 5 / 9

    await page.goto(web_app + "/trades")
    row = page.locator("#trades-table tbody tr").first
    await expect(row).to_contain_text("manual")
    await expect(row).to_contain_text("Opening range")
    await expect(row).to_contain_text("495.00")

    # The playbook page: its own stats, adherence, the description as plain text, a chart.
    await page.goto(web_app + "/playbooks")
    await page.get_by_role("link", name="Opening range").click()
    await expect(page.locator("#stat-trades")).to_have_text("1")
    await expect(page.locator("#stat-win_rate")).to_have_text("100.0%")
    await expect(page.locator("#stat-net_pnl")).to_have_text("495.00")
    await expect(page.locator("#stat-avg_r")).to_have_text("0.56R")
    adherence = page.locator("#adherence-table")
    await expect(adherence.locator("tr", has_text="Enter on the break")).to_contain_text("100.0%")
    await expect(adherence.locator("tr", has_text="Wait for the range")).to_contain_text("0.0%")
    await expect(page.locator("#playbook-description")).to_have_text(
        "**Break** of the <b>first</b> 15 min"
    )
    # Plotly loads lazily: the equity line is drawn once it has.
    await expect(page.locator("#playbook-equity .scatterlayer .trace path").first).to_be_attached(
        timeout=30_000
    )

    # Another user finds neither the trade nor the playbook.
    other = await browser.new_context()
    stranger = await other.new_page()
    await sign_in(stranger, web_app, "uma@example.com", start="/playbooks")
    await stranger.goto(f"{web_app}/playbooks/{book.id}")
    await expect(stranger.locator("#playbook-not-found")).to_be_visible()
    await stranger.goto(f"{web_app}/trades/{trade.id}")
    await expect(stranger.locator("#trade-not-found")).to_be_visible()
    await expect(stranger.locator("#trade-form")).to_have_count(0)
    await other.close()
    await context.close()
