"""A newcomer's first minute: `trendedge admin seed-demo EMAIL`, sign in as EMAIL, and the
dashboard shows the demo's numbers and every chart drawn."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import Browser, expect
from sqlmodel import col, func, select

from tests.e2e.flows import sign_in
from tests.support.commands import run_cli
from trendedge.db import session_scope
from trendedge.models import Trade, User

pytestmark = pytest.mark.browser
SLOW = 60_000
EMAIL = "newcomer@example.com"


async def demo_trade_count() -> int:
    async with session_scope() as session:
        user = (await session.exec(select(User).where(User.email == EMAIL))).one()
        query = select(func.count()).select_from(Trade).where(col(Trade.user_id) == user.id)
        return (await session.exec(query)).one()


async def test_seeded_demo_user_sees_a_full_dashboard(
    web_app: str, web_env: dict[str, str], clean, browser: Browser
) -> None:
    seeded = await asyncio.to_thread(run_cli, "admin", "seed-demo", EMAIL, env=web_env, timeout=240)
    assert seeded.returncode == 0, seeded.stderr
    trades = await demo_trade_count()
    assert trades >= 200  # "a few hundred trades made through the real paper engine"

    ctx = await browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.set_default_timeout(20_000)
    try:
        page = await ctx.new_page()
        await sign_in(page, web_app, EMAIL, start="/")
        await page.locator("#preset-all").click()
        await expect(page.locator("#kpi-trades .kpi-value")).to_have_text(
            f"{trades:,}", timeout=SLOW
        )
        await page.wait_for_function(
            "document.querySelectorAll('.js-plotly-plot').length >= 7", timeout=SLOW
        )
        for drawn in (
            "#equity-chart .scatterlayer .trace path",
            "#calendar-chart .heatmaplayer .hm",
            "#hour-chart .barlayer .point path",
        ):
            await expect(page.locator(drawn).first).to_be_attached(timeout=SLOW)
        # The demo's playbooks and journal tags feed the breakdowns.
        await expect(page.locator("#playbook-table")).not_to_contain_text("No trades")
        await page.get_by_role("tab", name="Tag").click()
        await expect(page.locator("#tag-table tbody tr").first).to_be_attached()
        # And the journal is there too.
        await page.goto(web_app + "/journal")
        await expect(page.locator("a[href^='/journal/trade/']").first).to_be_visible(timeout=SLOW)
    finally:
        await ctx.close()
