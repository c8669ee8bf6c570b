"""`trendedge admin …`: operator commands that need no browser."""

from __future__ import annotations

import asyncio

import click

from trendedge.db import job_session
from trendedge.services import users
from trendedge.settings import get_settings

LOCAL_ISSUER = "urn:trendedge:local"


@click.group()
def admin() -> None:
    """Operator commands (work against DATABASE_URL)."""
    if not get_settings().database_url:
        raise click.ClickException(
            "DATABASE_URL is not set (while `trendedge up` runs, "
            "use the URL it prints, or set your own)"
        )


@admin.command("create-user")
@click.argument("email")
@click.option("--issuer", default=None, help="OIDC issuer (default: the configured one).")
@click.option("--subject", default=None, help="OIDC subject (default: the e-mail).")
@click.option("--name", default=None)
def create_user(email: str, issuer: str | None, subject: str | None, name: str | None) -> None:
    """Create (or refresh) a user as if provisioned by OIDC sign-in."""
    if "@" not in email:
        raise click.BadParameter("must be an e-mail address", param_hint="EMAIL")
    issuer = issuer or get_settings().oidc_issuer or LOCAL_ISSUER

    async def work() -> None:
        async with job_session() as session:
            user = await users.upsert_oidc_user(
                session=session, issuer=issuer, subject=subject or email, email=email, name=name
            )
            click.echo(
                f"user {user.id}: {user.email} (issuer={user.issuer}, subject={user.subject})"
            )

    asyncio.run(work())


@admin.command("list-users")
def list_users() -> None:
    """Every user: id, e-mail, issuer, subject, created."""

    async def work() -> None:
        async with job_session() as session:
            rows = await users.list_users(session=session)
        for user in rows:
            click.echo(
                f"{user.id}\t{user.email or '-'}\t{user.issuer}\t{user.subject}\t"
                f"{user.created_at:%Y-%m-%d %H:%M}"
            )
        if not rows:
            click.echo("no users yet")

    asyncio.run(work())


@admin.command("create-webhook")
@click.argument("email")
@click.option(
    "--account",
    "account_name",
    default=None,
    help="Account name (default: the user's only account, or a new 'Paper' account).",
)
@click.option("--label", default="", help="A label to recognise the webhook by.")
def create_webhook(email: str, account_name: str | None, label: str) -> None:
    """Issue a TradingView webhook URL for the user with e-mail EMAIL; prints the URL once."""
    from sqlmodel import select

    from trendedge.models import User
    from trendedge.services import accounts, webhook_tokens

    async def work() -> str:
        async with job_session() as session:
            found = (await session.exec(select(User).where(User.email == email))).all()
            if len(found) != 1:
                raise click.ClickException(
                    f"no user with e-mail {email}"
                    if not found
                    else f"{len(found)} users have e-mail {email}; sign-in identities differ"
                )
            user_id = found[0].id
            assert user_id is not None
            owned = await accounts.list_accounts(session=session, user_id=user_id)
            if account_name is not None:
                matches = [a for a in owned if a.name == account_name]
                if not matches:
                    raise click.ClickException(f"{email} has no account named '{account_name}'")
                account = matches[0]
            elif len(owned) == 1:
                account = owned[0]
            elif not owned:
                account = await accounts.create_account(
                    session=session, user_id=user_id, data={"name": "Paper", "currency": "USD"}
                )
            else:
                names = ", ".join(a.name for a in owned)
                raise click.ClickException(f"choose an account with --account ({names})")
            assert account.id is not None
            issued = await webhook_tokens.create_token(
                session=session, user_id=user_id, account_id=account.id, label=label
            )
            return issued.url(get_settings().base_url)

    click.echo(asyncio.run(work()))


@admin.command("load-sample-bars")
def load_sample_bars() -> None:
    """Store the bundled real sample bars (S&P 500 and NASDAQ Composite, daily)."""
    from trendedge.services.sample_loader import load_sample_bars as load

    async def work() -> None:
        async with job_session() as session:
            for series in await load(session=session):
                click.echo(
                    f"{series.instrument} {series.timeframe}: {series.bars} bars "
                    f"({series.written} new or changed)"
                )

    asyncio.run(work())


@admin.command("fetch-bars")
@click.argument("symbol")
@click.argument("timeframe")
@click.option("--full", is_flag=True, help="Ask for the full history, not the latest 100 bars.")
@click.option("--base-url", default=None, help="Alpha Vantage base URL (default: the real one).")
def fetch_bars(symbol: str, timeframe: str, full: bool, base_url: str | None) -> None:
    """Fetch SYMBOL bars at TIMEFRAME from Alpha Vantage (ALPHA_VANTAGE_API_KEY); store them."""
    from trendedge.services.bars import upsert_bars
    from trendedge.services.market_data import ProviderError
    from trendedge.services.market_data.alpha_vantage import DEFAULT_BASE_URL, AlphaVantageProvider

    provider = AlphaVantageProvider(
        base_url=base_url or DEFAULT_BASE_URL, outputsize="full" if full else "compact"
    )

    async def work() -> None:
        try:
            rows = await provider.fetch(symbol, timeframe)
        except ProviderError as exc:
            raise click.ClickException(exc.message) from exc
        async with job_session() as session:
            written = await upsert_bars(
                session=session, instrument=symbol, timeframe=timeframe, rows=rows
            )
        click.echo(
            f"{symbol.upper()} {timeframe}: {len(rows)} bars fetched, {written} new or changed"
        )

    asyncio.run(work())
