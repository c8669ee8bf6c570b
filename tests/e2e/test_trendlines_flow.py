"""/trendlines in a real browser: watch a pair, scan it through the real worker,
see the chart and lines without reloading, hide a line; another user sees nothing
of a pair they do not watch."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect

from tests.e2e.flows import sign_in
from tests.integration.test_scans import zigzag_bars
from trendedge.db import session_scope
from trendedge.services import bars as bar_service

pytestmark = pytest.mark.browser

LINE_TRACES = "#trendline-chart .scatterlayer .trace"


async def store_nq_bars() -> None:
    async with session_scope() as session:
        await bar_service.upsert_bars(
            session=session, instrument="NQ", timeframe="1h", rows=zigzag_bars()
        )


async def watch(page: Page, instrument: str, timeframe: str) -> None:
    await page.locator("#watch-instrument").fill(instrument)
    await page.locator("#watch-timeframe").click()
    await page.get_by_role("option", name=timeframe, exact=True).click()
    await page.locator("#watch-add").click()


async def test_watch_scan_chart_hide_and_isolation(web_app: str, worker, browser: Browser) -> None:
    await store_nq_bars()
    alice_ctx = await browser.new_context(viewport={"width": 1440, "height": 1000})
    bob_ctx = await browser.new_context(viewport={"width": 1440, "height": 1000})
    alice_ctx.set_default_timeout(20_000)
    bob_ctx.set_default_timeout(20_000)
    try:
        alice = await alice_ctx.new_page()
        await sign_in(alice, web_app, "alice@example.com", start="/trendlines")
        await expect(alice.locator("#no-watchlist")).to_be_visible()
        await expect(alice.locator("#coverage")).to_contain_text("NQ")

        # An empty instrument is refused at its field.
        await alice.locator("#watch-add").click()
        await expect(alice.locator("#error-watch-instrument")).to_be_visible()

        await watch(alice, "nq", "1h")
        await expect(alice.locator("#watchlist .watch-item")).to_have_count(1)
        await expect(alice.locator("#watchlist")).to_contain_text("NQ")
        await expect(alice.locator("#error-watch-instrument")).to_have_count(0)
        await expect(alice.locator("#no-lines")).to_be_visible()
        # The chart shows the stored bars before any scan: candles, no line traces.
        await expect(alice.locator("#trendline-chart .js-plotly-plot")).to_be_visible()
        await expect(alice.locator("#trendline-chart .cartesianlayer")).to_be_visible()

        await alice.locator("#scan-now").click()
        status = alice.locator("#scan-status")
        await expect(status).to_contain_text("done", timeout=45_000)
        await expect(status).to_contain_text("lines")
        await expect(alice.locator("#scan-error")).to_have_count(0)
        await expect(alice.locator("#watchlist .scan-badge")).to_have_text("done")

        rows = alice.locator("#lines-table tbody tr")
        await expect(rows.first).to_be_visible()
        line_count = await rows.count()
        assert line_count >= 1
        traces = alice.locator(LINE_TRACES)
        await expect(traces.first).to_be_attached()
        drawn = await traces.count()
        assert drawn > 1, f"expected line traces and touch markers, got {drawn}"

        # Hide the first line: marked hidden in the table, one trace fewer on the chart.
        await rows.first.locator(".toggle-hidden").click()
        await expect(rows.first).to_contain_class("line-hidden")
        await expect(alice.locator("#lines-table .line-hidden")).to_have_count(1)
        if drawn > 2:
            await expect(traces).to_have_count(drawn - 1)
        await expect(alice.locator("#alerts-list")).to_be_visible()
        await alice.screenshot(path="/tmp/trendlines-alice.png", full_page=True)

        # Bob does not watch NQ 1h: even asked for it by URL, he sees no lines.
        bob = await bob_ctx.new_page()
        await sign_in(
            bob, web_app, "bob@example.com", start="/trendlines?instrument=NQ&timeframe=1h"
        )
        await expect(bob.locator("#chart-note")).to_contain_text("not on your watchlist")
        await expect(bob.locator("#lines-table")).to_have_count(0)
        await expect(bob.locator("#no-lines")).to_be_visible()
        await expect(bob.locator(LINE_TRACES)).to_have_count(0)
        await expect(bob.locator("#watchlist .watch-item")).to_have_count(0)
        await expect(bob.locator("#scan-now")).to_be_disabled()

        # Alice's preference survives a reload.
        await alice.reload()
        await expect(alice.locator("#lines-table .line-hidden")).to_have_count(1)
    finally:
        await alice_ctx.close()
        await bob_ctx.close()
