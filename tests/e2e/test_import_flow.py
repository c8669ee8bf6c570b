"""Upload a broker statement in the browser, watch the progress bar finish, answer a
question, import the good rows of a bad file, and see the imported trades' P&L
converted on the KPI page."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.e2e.flows import create_account, sign_in
from trendedge.db import session_scope
from trendedge.services import fx_rates

pytestmark = pytest.mark.browser

# Long ES 1 @ 5000 + 1 @ 4990, out 2 @ 5010: 30 points x $50 = $1,500 gross, $8 fees.
STATEMENT = """Date,Time,Symbol,Quantity,Price,Side,Commission
2026-03-02,09:30:00,ESH6,1,5000.00,Buy,2.00
2026-03-02,09:31:00,ESH6,1,4990.00,Buy,2.00
2026-03-02,09:45:00,ESH6,2,5010.00,Sell,4.00
"""
AMBIGUOUS = """Date,Time,Symbol,Quantity,Price,Side
03/04/2026,09:30:00,NQM6,1,18000,Buy
03/04/2026,09:40:00,NQM6,1,18010,Sell
"""
BAD_ROW = STATEMENT.replace("2026-03-02", "2026-03-05") + "2026-03-05,10:00:00,ZZZ9,1,5,Buy,1\n"
# 1 EUR = 1.25 USD on 2 March: $1,492 net = 1,193.60 EUR
RATES = "Date,USD\n2026-03-02,1.25\n2026-03-05,1.25\n2026-04-03,1.25\n"


async def upload(page: Page, tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    await page.locator("#statement-upload input[type=file]").set_input_files(str(path))
    await expect(page.locator("#statement-upload")).to_contain_text(name)
    await page.locator("#import-submit").click()


async def test_upload_progress_questions_partial_and_converted_kpis(
    web_app: str, worker, page: Page, tmp_path: Path
) -> None:
    async with session_scope() as session:
        await fx_rates.load_ecb_file(session=session, text=RATES, user_id=None)
    await sign_in(page, web_app, "importer@example.com", start="/accounts")
    await create_account(page, web_app, name="Broker USD", currency="USD", balance="10000")
    await expect(page.locator("#accounts-table")).to_contain_text("Broker USD")

    await page.goto(web_app + "/imports")
    await expect(page.locator("#import-account")).to_contain_text("Broker USD")  # loaded
    await upload(page, tmp_path, "statement.csv", STATEMENT)
    await expect(page.locator("#import-status")).to_have_text("done", timeout=60_000)
    await expect(page.locator("#import-progress")).to_have_attribute("data-value", "100")
    await expect(page.locator("#import-trades")).to_have_text("1")
    await expect(page.locator("#import-rows")).to_have_text("3")

    # The same file again: every row a duplicate, no trade.
    await upload(page, tmp_path, "again.csv", STATEMENT)
    await expect(page.locator("#import-duplicates")).to_have_text("3", timeout=60_000)
    await expect(page.locator("#import-trades")).to_have_text("0")

    # Ambiguous dates: asked, answered in place, imported.
    await upload(page, tmp_path, "ambiguous.csv", AMBIGUOUS)
    await expect(page.locator("#import-status")).to_have_text("needs_input", timeout=60_000)
    await page.locator("#answer-day_first").click()
    await expect(page.locator("#import-status")).to_have_text("done", timeout=60_000)
    await expect(page.locator("#import-trades")).to_have_text("1")

    # A bad row rejects the file, with its line; then only the good rows are imported.
    await upload(page, tmp_path, "bad.csv", BAD_ROW)
    await expect(page.locator("#import-status")).to_have_text("rejected", timeout=60_000)
    await expect(page.locator("#import-errors")).to_contain_text("ZZZ9")
    await expect(page.locator("#import-errors")).to_contain_text("5")  # line 5
    await page.locator("#import-good-rows").click()
    await expect(page.locator("#import-status")).to_have_text("done", timeout=60_000)
    await expect(page.locator("#import-rejected")).to_have_text("1")
    await expect(page.locator("#import-trades")).to_have_text("1")

    # An unknown layout opens the column mapper.
    await upload(
        page, tmp_path, "odd.csv", "When,What,Qty,Px,Way\n2026-03-02 10:00,ESH6,1,5000,B\n"
    )
    await expect(page.locator("#error-import-file")).to_contain_text("unknown format")
    await expect(page.locator("#map-date")).to_be_visible()

    # TrendEdge's own export is recognised by its header and read back without duplicates.
    export = await page.request.get(web_app + "/api/v1/export/trades.csv")
    assert export.ok
    await upload(page, tmp_path, "trendedge-export.csv", await export.text())
    await expect(page.locator("#import-status")).to_have_text("done", timeout=60_000)
    await expect(page.locator("#import-duplicates")).to_have_text("3")
    await expect(page.locator("#import-trades")).to_have_text("0")

    # The imported trades' P&L on the KPI page, converted at each trade day's rate:
    # 1,492 (2 Mar) + 200 (3 Apr, NQ 10 points x $20) + 1,492 (5 Mar) USD at 1.25 per EUR.
    await page.goto(web_app + "/money")
    await expect(page.locator("#kpi-net_pnl .kpi-value")).to_have_text("3,184.00", timeout=60_000)
    await page.locator("#currency-select").click()
    await page.get_by_role("option", name="EUR", exact=True).click()
    await expect(page.locator("#kpi-net_pnl .kpi-value")).to_have_text("2,547.20")
    await expect(page.locator("#kpi-fees .kpi-value")).to_have_text("12.80")  # $16 / 1.25
