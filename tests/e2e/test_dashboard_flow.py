"""The analytics dashboard in a real browser: a user with 50 trades (tags, a playbook)
sees KPI cards and rendered Plotly charts; a date preset narrows the numbers."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.async_api import Browser, expect
from sqlmodel import select

from tests.e2e.flows import sign_in
from trendedge.db import session_scope
from trendedge.models import JournalEntry, Playbook, Trade, User
from trendedge.models._base import utcnow
from trendedge.services import accounts, analytics_cache, preferences

pytestmark = pytest.mark.browser
SLOW = 30_000  # first Plotly render and the reload's on_load on a busy 2-core machine

RECENT, OLDER = 30, 20  # trades closed in the last 4 weeks / 5 to 11 weeks ago


async def seed_trades(email: str) -> None:
    """50 closed trades for the signed-in user, straight into the database."""
    rng = random.Random(5)
    now = utcnow()
    async with session_scope() as session:
        user = (await session.exec(select(User).where(User.email == email))).one()
        assert user.id is not None
        account = await accounts.create_account(
            session=session,
            user_id=user.id,
            data={"name": "Dash", "currency": "USD", "initial_balance": "50000"},
        )
        playbook = Playbook(user_id=user.id, name="Opening range breakout")
        session.add(playbook)
        await session.flush()
        ages = [rng.uniform(1, 27) for _ in range(RECENT)] + [
            rng.uniform(36, 78) for _ in range(OLDER)
        ]
        for k, age_days in enumerate(ages):
            exit_time = now - timedelta(days=age_days)
            net = Decimal(f"{rng.uniform(-400, 600):.2f}")
            trade = Trade(
                user_id=user.id,
                account_id=account.id,
                root=rng.choice(["ES", "NQ"]),
                symbol="ES1!",
                direction=rng.choice(["long", "short"]),
                quantity=Decimal(1),
                entry_price=Decimal(5000),
                exit_price=Decimal(5001),
                entry_time=exit_time - timedelta(minutes=rng.randint(5, 240)),
                exit_time=exit_time,
                gross_pnl=net + Decimal("4.50"),
                commission=Decimal("4.50"),
                net_pnl=net,
                r_multiple=Decimal(f"{float(net) / 200:.4f}"),
                playbook_id=playbook.id if k % 2 else None,
                currency="USD",
            )
            session.add(trade)
            await session.flush()
            tags = [["breakout"], ["news", "breakout"], []][k % 3]
            session.add(JournalEntry(user_id=user.id, uid=f"e2e-{k}", trade_id=trade.id, tags=tags))
    await analytics_cache.invalidate(user_id=user.id)


async def test_dashboard_charts_and_presets(web_app: str, clean, browser: Browser) -> None:
    ctx = await browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.set_default_timeout(20_000)
    try:
        page = await ctx.new_page()
        email = "dana@example.com"
        await sign_in(page, web_app, email, start="/")
        await expect(page.locator("#kpi-trades .kpi-value")).to_have_text("0", timeout=SLOW)
        empty_note = page.locator("#equity-chart .annotation-text")
        await expect(empty_note).to_have_text("No closed trades in this range", timeout=SLOW)

        await seed_trades(email)
        await page.reload()
        trades = page.locator("#kpi-trades .kpi-value")
        await expect(trades).to_have_text(str(RECENT + OLDER), timeout=SLOW)
        await expect(page.locator("#tz-note")).to_contain_text("UTC")

        # Every chart is drawn by Plotly: lines, heat-map cells, bars.
        plots = page.locator(".js-plotly-plot")
        await expect(plots.first).to_be_visible(timeout=SLOW)
        await page.wait_for_function(
            "document.querySelectorAll('.js-plotly-plot').length >= 7", timeout=SLOW
        )
        equity_line = page.locator("#equity-chart .scatterlayer .trace path")
        await expect(equity_line.first).to_be_attached(timeout=SLOW)
        await expect(page.locator("#calendar-chart .heatmaplayer .hm").first).to_be_attached()
        await expect(page.locator("#hour-chart .barlayer .point path").first).to_be_attached()
        await expect(page.locator("#playbook-table")).to_contain_text("Opening range breakout")
        await page.get_by_role("tab", name="Tag").click()
        tag_table = page.locator("#tag-table")
        await expect(tag_table).to_contain_text("breakout")
        await expect(tag_table).to_contain_text("news")

        await page.locator("#preset-30d").click()
        await expect(trades).to_have_text(str(RECENT), timeout=SLOW)
        await page.locator("#preset-all").click()
        await expect(trades).to_have_text(str(RECENT + OLDER), timeout=SLOW)
        await expect(page.locator("#start-date")).to_have_value("")

        await page.locator("#metric-definitions summary").click()
        await expect(page.locator("#metric-definitions")).to_contain_text("Profit factor")

        # With a time zone setting, days are grouped (and labelled) in that zone.
        async with session_scope() as session:
            user = (await session.exec(select(User).where(User.email == email))).one()
            await preferences.update_preferences(
                session=session, user_id=user.id or 0, data={"time_zone": "Asia/Tokyo"}
            )
        await page.reload()
        await expect(page.locator("#tz-note")).to_contain_text(
            "Asia/Tokyo (UTC+09:00)", timeout=SLOW
        )
    finally:
        await ctx.close()
