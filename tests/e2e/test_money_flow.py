"""/money and /settings in a real browser: converted KPIs against hand-computed values,
switching the currency in place, recording a deposit, a missing rate shown as missing,
preferences with field errors, the user's own ECB rates (upload, by hand, delete)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from playwright.async_api import Browser, Page, expect
from sqlmodel import col, select

from tests.e2e.flows import sign_in
from trendedge.db import session_scope
from trendedge.models import AccountTransaction, FxRate, Trade, User, UserPreferences
from trendedge.services import accounts, fx_rates
from trendedge.services.tenancy import new_owned

pytestmark = pytest.mark.browser

# Units per 1 EUR on the two trading days (D1 = three days ago, D2 = two days ago).
USD_D1, GBP_D1 = 1.25, 0.80
USD_D2, GBP_D2 = 1.10, 0.85


def money(value: float) -> str:
    return f"{value:,.2f}"


async def user_id_of(subject: str) -> int:
    async with session_scope() as session:
        user = (await session.exec(select(User).where(User.subject == subject))).one()
    assert user.id is not None
    return user.id


async def make_account(user_id: int, name: str, currency: str) -> int:
    async with session_scope() as session:
        account = await accounts.create_account(
            session=session,
            user_id=user_id,
            data={"name": name, "currency": currency, "initial_balance": "1000"},
        )
    assert account.id is not None
    return account.id


async def add_trade(user_id: int, account_id: int, net: str, day: date, currency: str) -> None:
    """A closed one-lot trade with 2.00 commission, exiting at 15:00 UTC on `day`."""
    at = datetime.combine(day, time(15), tzinfo=UTC)
    async with session_scope() as session:
        session.add(
            new_owned(
                Trade,
                user_id=user_id,
                account_id=account_id,
                root="ES",
                symbol="ES1!",
                direction="long",
                quantity=Decimal(1),
                entry_price=Decimal(5000),
                exit_price=Decimal(5001),
                entry_time=at,
                exit_time=at,
                gross_pnl=Decimal(net) + 2,
                commission=Decimal(2),
                net_pnl=Decimal(net),
                currency=currency,
                source="manual",
            )
        )


async def seed(user_id: int, today: date) -> None:
    """US Futures (USD): +250 on D1. EU Futures (EUR): -40 on D2. Both start at 1000."""
    d1, d2 = today - timedelta(days=3), today - timedelta(days=2)
    rates = f"Date,USD,GBP\n{d2},{USD_D2},{GBP_D2}\n{d1},{USD_D1},{GBP_D1}\n"
    async with session_scope() as session:
        await fx_rates.load_ecb_file(session=session, text=rates, user_id=None)
    us = await make_account(user_id, "US Futures", "USD")
    eu = await make_account(user_id, "EU Futures", "EUR")
    await add_trade(user_id, us, "250", d1, "USD")
    await add_trade(user_id, eu, "-40", d2, "EUR")


def kpi(page: Page, key: str):
    return page.locator(f"#kpi-{key} .kpi-value")


async def choose(page: Page, trigger: str, option: str) -> None:
    await page.locator(trigger).click()
    await page.get_by_role("option", name=option, exact=True).click()


async def test_money_dashboard_converts_switches_in_place_and_records_deposits(
    web_app: str, clean, page: Page
) -> None:
    await sign_in(page, web_app, "mona@example.com")
    mona = await user_id_of("mona@example.com")
    today = datetime.now(UTC).date()
    d2 = today - timedelta(days=2)
    await seed(mona, today)
    await page.goto(web_app + "/money")

    # USD (the default currency): balances at the as-of rate (D2's, the nearest earlier),
    # flows at each day's rate.
    eu_balance_eur = 1000 - 40
    await expect(kpi(page, "balance")).to_have_text(money(1250 + eu_balance_eur * USD_D2))
    await expect(kpi(page, "net_pnl")).to_have_text(money(250 - 40 * USD_D2))
    await expect(kpi(page, "fees")).to_have_text(money(2 + 2 * USD_D2))
    await expect(kpi(page, "day_change")).to_have_text(money(-40 * USD_D2))
    await expect(page.locator("#kpi-day_change .kpi-note")).to_have_text(f"on {d2}")
    eu_row = page.locator("#money-table tr", has_text="EU Futures")
    await expect(eu_row).to_contain_text("960.00 EUR")
    await expect(eu_row).to_contain_text(f"{money(eu_balance_eur * USD_D2)} USD")
    await expect(page.locator("#missing-rates")).to_have_count(0)

    # Switching the currency re-renders in place: the page's JS globals survive.
    await page.evaluate("window.__marker = 1")
    await choose(page, "#currency-select", "EUR")
    await expect(kpi(page, "balance")).to_have_text(money(1250 / USD_D2 + eu_balance_eur))
    await expect(kpi(page, "net_pnl")).to_have_text(money(250 / USD_D1 - 40))
    await choose(page, "#currency-select", "GBP")
    gbp_balance = 1250 / USD_D2 * GBP_D2 + eu_balance_eur * GBP_D2
    await expect(kpi(page, "balance")).to_have_text(money(gbp_balance))
    await expect(kpi(page, "net_pnl")).to_have_text(money(250 / USD_D1 * GBP_D1 - 40 * GBP_D2))
    await expect(page.locator("#balance-chart")).to_contain_text(money(1250 / USD_D2 * GBP_D2))
    assert await page.evaluate("window.__marker") == 1

    # A bad amount is rejected at the field and stores nothing.
    form = page.locator("#cash-form")
    await choose(page, "#field-account_id", "EU Futures (EUR)")
    await form.locator("input[name=amount]").fill("-5")
    await page.locator("#cash-form-submit").click()
    await expect(page.locator("#error-amount")).to_contain_text("positive")
    # A deposit today (the form's default day, in the user's zone) moves the balance by
    # 500 EUR at today's rate (D2's) and becomes the day change.
    await form.locator("input[name=amount]").fill("500")
    await page.locator("#cash-form-submit").click()
    await expect(page.get_by_text("Deposit of 500.00 EUR recorded")).to_be_visible()
    await expect(kpi(page, "balance")).to_have_text(money(gbp_balance + 500 * GBP_D2))
    await expect(kpi(page, "deposits")).to_have_text(money(500 * GBP_D2))
    await expect(kpi(page, "day_change")).to_have_text(money(500 * GBP_D2))
    await expect(page.locator("#cash-table")).to_contain_text("500.00 EUR")
    assert await page.evaluate("window.__marker") == 1
    async with session_scope() as session:
        stored = (await session.exec(select(AccountTransaction))).all()
    assert [(t.kind, t.amount, t.occurred_at.date()) for t in stored] == [
        ("deposit", Decimal("500.00"), today)
    ]

    # A currency without any rate: its converted values are "missing rate", not 0.
    await make_account(mona, "Tokyo", "JPY")
    await page.reload()
    await choose(page, "#currency-select", "GBP")
    await expect(kpi(page, "balance")).to_have_text("missing rate")
    await expect(page.locator("#missing-rates")).to_contain_text(f"JPY on {today}")
    await expect(kpi(page, "net_pnl")).to_have_text(money(250 / USD_D1 * GBP_D1 - 40 * GBP_D2))
    tokyo = page.locator("#money-table tr", has_text="Tokyo")
    await expect(tokyo).to_contain_text("1,000.00 JPY")
    await expect(tokyo.locator(".money-converted").first).to_have_text("missing rate")

    # Deleting the deposit takes it out of the balance again.
    await page.locator("#cash-table .delete-cash").first.click()
    await expect(page.get_by_text("Movement deleted")).to_be_visible()
    await expect(kpi(page, "deposits")).to_have_text(money(0))


async def test_settings_preferences_and_own_rates(web_app: str, clean, browser: Browser) -> None:
    context = await browser.new_context(timezone_id="America/New_York")
    page = await context.new_page()
    await sign_in(page, web_app, "sam@example.com", start="/settings")
    sam = await user_id_of("sam@example.com")

    # An invalid zone is rejected at the field; nothing is stored.
    zone = page.locator("#field-time_zone")
    await zone.fill("Mars/Olympus")
    await page.locator("#settings-form-submit").click()
    await expect(page.locator("#error-time_zone")).to_contain_text("IANA")
    async with session_scope() as session:
        assert (await session.exec(select(UserPreferences))).all() == []

    # The browser's zone is offered; currency and "show converted" saved with it.
    await page.locator("#use-browser-zone").click()
    await expect(zone).to_have_value("America/New_York")
    await page.locator("#field-default_currency").fill("gbp")
    await page.locator("#show-converted button[role=switch]").click()
    await page.locator("#settings-form-submit").click()
    await expect(page.get_by_text("Settings saved")).to_be_visible()
    await expect(page.locator("#error-time_zone")).to_have_count(0)
    async with session_scope() as session:
        prefs = (await session.exec(select(UserPreferences))).one()
    assert (prefs.user_id, prefs.default_currency, prefs.show_converted, prefs.time_zone) == (
        sam,
        "GBP",
        False,
        "America/New_York",
    )

    # An ECB file with a bad cell stores nothing and names the line.
    upload = page.locator("#rates-upload input[type=file]")
    bad = b"Date,USD,CHF\n2026-11-20,1.05,0.93\n2026-11-19,abc,0.94\n"
    await upload.set_input_files(files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": bad}])
    await page.locator("#rates-upload-submit").click()
    await expect(page.locator("#rates-upload-error")).to_contain_text("line 3: USD")
    assert await own_rates(sam) == []
    good = b"Date,USD,CHF\n2026-11-20,1.05,0.93\n2026-11-19,1.06,0.94\n"
    await upload.set_input_files(files=[{"name": "ok.csv", "mimeType": "text/csv", "buffer": good}])
    await page.locator("#rates-upload-submit").click()
    await expect(page.locator("#rates-upload-summary")).to_contain_text("Stored 4 rates")
    await expect(page.locator("#rates-table tbody tr")).to_have_count(4)

    # One rate by hand: a bad currency is named at its field, then a good one is listed.
    rate_form = page.locator("#rate-form")
    await rate_form.locator("input[name=day]").fill("2026-11-18")
    await rate_form.locator("input[name=currency]").fill("XYZ")
    await rate_form.locator("input[name=rate]").fill("0.95")
    await page.locator("#rate-form-submit").click()
    await expect(page.locator("#error-currency")).to_contain_text("ISO 4217")
    await rate_form.locator("input[name=currency]").fill("chf")
    await page.locator("#rate-form-submit").click()
    await expect(page.locator("#rates-table tbody tr")).to_have_count(5)
    assert ("2026-11-18", "CHF", Decimal("0.95"), "manual") in await own_rates(sam)
    await page.locator("#rates-table tr", has_text="2026-11-18").locator(".delete-rate").click()
    await expect(page.locator("#rates-table tbody tr")).to_have_count(4)
    assert len(await own_rates(sam)) == 4

    # /money follows the preferences: GBP by default, original values only.
    await make_account(sam, "Swing", "USD")
    await page.goto(web_app + "/money")
    # (Sam's first dashboard also loads the bundled rate history: allow it some time.)
    await expect(page.locator("#currency-select")).to_have_text("GBP", timeout=30_000)
    await expect(page.locator("#money-table")).to_contain_text("1,000.00 USD")
    await expect(page.locator("#money-table .money-converted")).to_have_count(0)
    await expect(page.get_by_text("Times in America/New_York")).to_be_visible()

    # Another user sees none of Sam's rates.
    other = await browser.new_context()
    bob = await other.new_page()
    await sign_in(bob, web_app, "bob@example.com", start="/settings")
    await expect(bob.locator("#no-own-rates")).to_be_visible()
    await expect(bob.locator("#field-default_currency")).to_have_value("USD")
    await other.close()
    await context.close()


async def own_rates(user_id: int) -> list[tuple[str, str, Decimal, str]]:
    async with session_scope() as session:
        rows = (
            await session.exec(
                select(FxRate).where(FxRate.user_id == user_id).order_by(col(FxRate.day))
            )
        ).all()
    return [(r.day.isoformat(), r.currency, r.rate, r.source) for r in rows]
