"""The `trendedge` command line."""

from __future__ import annotations

import sys

import click

from trendedge.cli.admin import admin
from trendedge.logging import configure_logging
from trendedge.settings import ConfigurationError, get_settings, require_startable


@click.group()
def cli() -> None:
    """TrendEdge: paper trading, trendlines, journal and analytics for futures traders."""
    settings = get_settings()
    configure_logging(level=settings.log_level, json=settings.log_json)


@cli.command()
@click.option("--no-worker", is_flag=True, help="Do not start an RQ worker.")
@click.option("--no-scheduler", is_flag=True, help="Do not start the scheduler.")
def up(no_worker: bool, no_scheduler: bool) -> None:
    """Everything on one port: databases (embedded unless URLs are set), web, worker, scheduler."""
    from trendedge.runtime.supervisor import run_up

    sys.exit(run_up(get_settings(), with_worker=not no_worker, with_scheduler=not no_scheduler))


@cli.command()
@click.option(
    "--backend-only",
    is_flag=True,
    help="Serve the websocket and HTTP routes (webhooks, health, API) without pages.",
)
def web(backend_only: bool) -> None:
    """The Reflex app (pages, websocket, webhooks, health) on TRENDEDGE_PORT."""
    from trendedge.runtime.web import run_web

    sys.exit(run_web(get_settings(), backend_only=backend_only))


@cli.command()
@click.argument("queues", nargs=-1)
@click.option("--burst", is_flag=True, help="Exit when the queues are empty.")
@click.option("--fork", is_flag=True, help="Run each job in a forked child process.")
def worker(queues: tuple[str, ...], burst: bool, fork: bool) -> None:
    """An RQ worker on QUEUES (default: high default low notifications)."""
    from jobs.worker import run_worker

    require_startable(get_settings())
    run_worker(list(queues) or None, burst=burst, fork=fork)


@cli.command()
def scheduler() -> None:
    """The periodic-job scheduler (run exactly one)."""
    from jobs.scheduler import run_scheduler

    require_startable(get_settings())
    run_scheduler()


@cli.command()
@click.argument("revision", default="head")
@click.option("--down", is_flag=True, help="Downgrade to REVISION instead (default base).")
def migrate(revision: str, down: bool) -> None:
    """Apply Alembic migrations to DATABASE_URL."""
    from trendedge.runtime import migrations

    url = get_settings().database_url
    if not url:
        raise click.ClickException("DATABASE_URL is not set")
    if down:
        migrations.downgrade(url, "base" if revision == "head" else revision)
    else:
        migrations.upgrade(url, revision)
        if revision == "head":
            migrations.load_reference_data(url)
    click.echo(f"database at {'base' if down and revision == 'head' else revision}")


cli.add_command(admin)


def main() -> None:
    try:
        cli()
    except ConfigurationError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
