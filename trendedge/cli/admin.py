"""`trendedge admin …`: operator commands that need no browser."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import click

from trendedge.db import job_session
from trendedge.services import users
from trendedge.settings import get_settings


def default_issuer() -> str:
    """The configured OIDC issuer, else the development provider that `trendedge up`
    starts when none is configured, so users made here are the ones who sign in there."""
    from trendedge.auth.dev_provider import dev_provider_issuer
    from trendedge.runtime.supervisor import DEV_OIDC_HOST

    settings = get_settings()
    return settings.oidc_issuer or dev_provider_issuer(DEV_OIDC_HOST, settings.dev_oidc_port)


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
    issuer = issuer or default_issuer()

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


async def _owner_id(session: Any, email: str) -> int:
    """The id of the one user with e-mail `email` (ClickException otherwise)."""
    from sqlmodel import select

    from trendedge.models import User

    found = (await session.exec(select(User).where(User.email == email))).all()
    if len(found) != 1:
        raise click.ClickException(
            f"no user with e-mail {email}"
            if not found
            else f"{len(found)} users have e-mail {email}; sign-in identities differ"
        )
    user_id: int = found[0].id
    return user_id


async def _account_id(session: Any, user_id: int, name: str | None) -> int | None:
    from trendedge.services import accounts

    if name is None:
        return None
    owned = await accounts.list_accounts(session=session, user_id=user_id)
    match = next((a.id for a in owned if a.name == name), None)
    if match is None:
        raise click.ClickException(f"no account named '{name}'")
    return match


@admin.command("seed-demo")
@click.argument("email")
@click.option("--issuer", default=None, help="OIDC issuer (default: the configured one).")
@click.option("--subject", default=None, help="OIDC subject (default: the e-mail).")
def seed_demo(email: str, issuer: str | None, subject: str | None) -> None:
    """Create a demo user EMAIL with accounts, bars, paper trades, playbooks and a journal."""
    from trendedge.services.demo_seed import AlreadySeeded
    from trendedge.services.demo_seed import seed_demo as seed
    from trendedge.services.errors import ServiceError

    if "@" not in email:
        raise click.BadParameter("must be an e-mail address", param_hint="EMAIL")
    issuer = issuer or default_issuer()
    bars: dict[str, Any] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "bars":
            if done == 0:
                click.echo("writing bars …")
            return
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = click.progressbar(length=total, label="paper-trading the demo")
            bar.__enter__()
        bar.update(done - bar.pos)
        if done >= total:
            bar.__exit__(None, None, None)

    async def work() -> list[str]:
        summary = await seed(
            email=email, issuer=issuer, subject=subject, progress=progress, scope=job_session
        )
        return summary.lines()

    try:
        lines = asyncio.run(work())
    except AlreadySeeded as exc:
        click.echo(f"{exc.message}; nothing changed")
        return
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    for line in lines:
        click.echo(line)


@admin.command("export-trades")
@click.argument("email")
@click.option("--journal", is_flag=True, help="Export journal entries instead of trades.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write to this file (default: standard output).",
)
@click.option("--account", "account_name", default=None, help="Only this account's trades.")
@click.option(
    "--from",
    "start",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="First exit day (YYYY-MM-DD, UTC).",
)
@click.option(
    "--to",
    "end",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Last exit day (YYYY-MM-DD, UTC).",
)
def export_trades(
    email: str,
    journal: bool,
    output: str | None,
    account_name: str | None,
    start: datetime | None,
    end: datetime | None,
) -> None:
    """Write the trades (or journal entries) of EMAIL as TrendEdge CSV."""
    from trendedge.services import trade_export
    from trendedge.services.errors import ServiceError

    async def work(stream: Any) -> None:
        async with job_session() as session:
            user_id = await _owner_id(session, email)
            chunks = (
                trade_export.iter_journal_entries_csv if journal else trade_export.iter_trades_csv
            )(
                session=session,
                user_id=user_id,
                account_id=await _account_id(session, user_id, account_name),
                start=start.date() if start else None,
                end=end.date() if end else None,
            )
            async for chunk in chunks:
                stream.write(chunk.encode("utf-8"))

    with click.open_file(output or "-", "wb") as stream:
        try:
            asyncio.run(work(stream))
        except ServiceError as exc:
            raise click.ClickException(exc.message) from exc
    if output:
        click.echo(f"{output}: {'journal entries' if journal else 'trades'} written", err=True)


@admin.command("import-trades")
@click.argument("email")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option(
    "--account",
    "account_name",
    default=None,
    help="Import every trade into this account (default: the names in the file).",
)
def import_trades(email: str, file: str, account_name: str | None) -> None:
    """Read a TrendEdge trades or journal CSV into the data of EMAIL (no duplicates)."""
    from pathlib import Path

    from trendedge.services import trade_import
    from trendedge.services.errors import ServiceError

    path = Path(file)
    if path.stat().st_size > trade_import.MAX_BYTES:
        raise click.ClickException(f"{file} is larger than {trade_import.MAX_BYTES // 2**20} MB")

    data = path.read_bytes()

    async def work() -> trade_import.ImportReport:
        async with job_session() as session:
            user_id = await _owner_id(session, email)
        return await trade_import.import_file(
            user_id=user_id, data=data, account_name=account_name, scope=job_session
        )

    try:
        report = asyncio.run(work())
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(report.summary())
    if report.errors:
        for error in report.errors:
            click.echo(str(error), err=True)
        raise SystemExit(1)


@admin.command("load-fx-rates")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True))
def load_fx_rates(file: str) -> None:
    """Load an ECB reference-rate CSV (eurofxref-hist.csv or eurofxref.csv) as shared rates
    for every user (all or nothing: a bad cell stores nothing)."""
    from pathlib import Path

    from trendedge.services import fx_rates
    from trendedge.services.errors import ServiceError

    text = Path(file).read_text(encoding="utf-8-sig")

    async def work() -> fx_rates.RatesLoaded:
        async with job_session() as session:
            return await fx_rates.load_ecb_file(session=session, text=text, user_id=None)

    try:
        loaded = asyncio.run(work())
    except ServiceError as exc:
        raise click.ClickException(f"{exc.message}: {exc.details.get('file', '')}") from exc
    click.echo(f"{loaded.rates:,} rates for {loaded.days:,} days: {', '.join(loaded.currencies)}")
