"""/data in the browser: download the trades CSV, re-import it (duplicates), a bad file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from playwright.async_api import Page, expect
from sqlalchemy import func
from sqlmodel import select

from tests.e2e.flows import sign_in
from trendedge.db import session_scope
from trendedge.models import Trade, User
from trendedge.services import accounts, trade_export

pytestmark = pytest.mark.browser


async def give_trades(subject: str) -> int:
    """Two trades in an account "Main" for the signed-in user `subject`; the user id."""
    async with session_scope() as session:
        user_id = (await session.exec(select(User.id).where(User.subject == subject))).one()
        account = await accounts.create_account(
            session=session, user_id=user_id, data={"name": "Main"}
        )
        for n in range(2):
            exit_at = datetime(2026, 5, 4 + n, 15, 0, tzinfo=UTC)
            session.add(
                Trade(
                    user_id=user_id,
                    account_id=account.id,
                    root="ES",
                    symbol="ES1!",
                    direction="long",
                    quantity=Decimal(1),
                    entry_price=Decimal("6000"),
                    exit_price=Decimal("6004"),
                    entry_time=exit_at - timedelta(minutes=30),
                    exit_time=exit_at,
                    gross_pnl=Decimal(200),
                    commission=Decimal("4.5"),
                    net_pnl=Decimal("195.5"),
                    currency="USD",
                    source="manual",
                    setup="=cmd" if n else None,
                )
            )
    return user_id


async def trade_count(user_id: int) -> int:
    async with session_scope() as session:
        query = select(func.count()).select_from(Trade).where(Trade.user_id == user_id)
        return (await session.exec(query)).one()


async def test_download_reimport_and_a_bad_file(web_app: str, clean, page: Page) -> None:
    await sign_in(page, web_app, "erin@example.com", start="/data")
    user_id = await give_trades("erin@example.com")
    await page.reload()
    await expect(page.locator("#export-trades")).to_be_visible()

    async with page.expect_download() as info:
        await page.locator("#export-trades").click()
    download = await info.value
    path = await download.path()
    data = path.read_bytes()
    async with session_scope() as session:
        expected = await trade_export.trades_csv(session=session, user_id=user_id)
    assert data.decode() == expected and "'=cmd" in expected

    upload = page.locator("#trades-upload input[type=file]")
    await upload.set_input_files(
        files=[{"name": "trades.csv", "mimeType": "text/csv", "buffer": data}]
    )
    await page.locator("#import-csv").click()
    await expect(page.locator("#import-summary")).to_contain_text(
        "2 rows read: 0 trades created, 2 duplicates skipped"
    )

    bad = data.replace(b",long,", b",sideways,", 1).replace(b"2026-05-05T15:00:00Z", b"soon")
    await upload.set_input_files(files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": bad}])
    await page.locator("#import-csv").click()
    await expect(page.locator("#import-summary")).to_contain_text("Nothing imported: 2 line(s)")
    errors = page.locator("#import-errors")
    await expect(errors).to_contain_text("line 2: direction: must be one of long, short")
    await expect(errors).to_contain_text("line 3: exit_time: 'soon' is not an ISO 8601")
    assert await trade_count(user_id) == 2

    await upload.set_input_files(
        files=[{"name": "x.csv", "mimeType": "text/csv", "buffer": b"time,open\n1,2\n"}]
    )
    await page.locator("#import-csv").click()
    await expect(page.locator("#error-import-file")).to_contain_text("Not a TrendEdge CSV")
