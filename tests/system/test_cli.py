"""The `trendedge` command line as an operator runs it: `python -m trendedge …` subprocesses."""

from __future__ import annotations

import asyncio
import base64
import re
from concurrent.futures import ThreadPoolExecutor

import asyncpg
import pytest

from tests.support.commands import Result, run_cli
from tests.support.databases import fresh_database, public_tables
from trendedge.auth.dev_provider import dev_provider_issuer

CONFIG_KEYS = (
    "APP_ENV",
    "OIDC_ISSUER",
    "OIDC_CLIENT_ID",
    "OIDC_CLIENT_SECRET",
    "SESSION_SECRET",
    "DATABASE_URL",
    "REDIS_URL",
    "TRENDEDGE_PUBLIC_URL",
    "TRENDEDGE_DEV_PROVIDER",
    "ENCRYPTION_KEY",
    "ENCRYPTION_OLD_KEYS",
)
GOOD_SECRET = "x7Qe3Vb9Lr2Tn8Kp5Wm1Zs4Yc6Hd0Jf-_AaBbCcDd"
ENCRYPTION_KEY = base64.b64encode(bytes(range(32))).decode()  # 32 bytes, as production wants


@pytest.fixture
def cli_env(base_env: dict[str, str], clean) -> dict[str, str]:
    """Development environment on the test databases, with no OIDC provider configured."""
    env = {k: v for k, v in base_env.items() if not k.startswith("OIDC_")}
    env.pop("TRENDEDGE_DEV_PROVIDER", None)
    return env


def ok(result: Result) -> Result:
    assert result.returncode == 0, str(result)
    return result


def user_rows(env: dict[str, str]) -> list[list[str]]:
    """`admin list-users` as rows of [id, email, issuer, subject, created]."""
    out = ok(run_cli("admin", "list-users", env=env)).stdout
    if out.strip() == "no users yet":
        return []
    return [line.split("\t") for line in out.splitlines() if line.strip()]


def test_create_user_then_list_users(cli_env: dict[str, str]) -> None:
    assert user_rows(cli_env) == []
    # No OIDC_ISSUER configured: the development provider `trendedge up` would start.
    local_issuer = dev_provider_issuer("127.0.0.1", int(cli_env.get("DEV_OIDC_PORT", "9400")))

    created = ok(run_cli("admin", "create-user", "alice@example.com", env=cli_env))
    match = re.fullmatch(
        r"user (\d+): alice@example\.com \(issuer=(.+), subject=(.+)\)", created.stdout.strip()
    )
    assert match, str(created)
    assert match.group(2) == local_issuer
    assert match.group(3) == "alice@example.com"

    rows = user_rows(cli_env)
    assert len(rows) == 1, rows
    user_id, email, issuer, subject, created_at = rows[0]
    assert (user_id, email, issuer, subject) == (
        match.group(1),
        "alice@example.com",
        local_issuer,
        "alice@example.com",
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", created_at)


def test_create_user_with_explicit_issuer_and_subject(cli_env: dict[str, str]) -> None:
    ok(
        run_cli(
            "admin",
            "create-user",
            "bob@example.com",
            "--issuer",
            "https://id.example.com",
            "--subject",
            "sub-42",
            env=cli_env,
        )
    )
    [row] = user_rows(cli_env)
    assert row[1:4] == ["bob@example.com", "https://id.example.com", "sub-42"]


def test_create_user_twice_keeps_one_row(cli_env: dict[str, str]) -> None:
    first = ok(run_cli("admin", "create-user", "alice@example.com", env=cli_env)).stdout
    second = ok(run_cli("admin", "create-user", "alice@example.com", env=cli_env)).stdout
    assert first.split(":")[0] == second.split(":")[0], (first, second)  # same "user N"
    rows = user_rows(cli_env)
    assert [row[1] for row in rows] == ["alice@example.com"]


def test_create_user_rejects_a_non_email(cli_env: dict[str, str]) -> None:
    result = run_cli("admin", "create-user", "not-an-email", env=cli_env)
    assert result.returncode != 0, str(result)
    assert "EMAIL" in result.stderr, str(result)
    assert "e-mail" in result.stderr, str(result)
    assert user_rows(cli_env) == []


def test_admin_needs_a_database_url(cli_env: dict[str, str]) -> None:
    env = {k: v for k, v in cli_env.items() if k != "DATABASE_URL"}
    result = run_cli("admin", "list-users", env=env)
    assert result.returncode != 0, str(result)
    assert "DATABASE_URL" in result.stderr, str(result)


async def test_migrate_creates_and_drops_the_tables(database_url: str, cli_env) -> None:
    tables = {"users", "accounts", "user_sessions"}
    async with fresh_database(database_url, "te_cli_migrate") as url:
        env = {**cli_env, "DATABASE_URL": url}
        assert await public_tables(url) == set()

        up = ok(await asyncio.to_thread(run_cli, "migrate", env=env))
        assert "database at head" in up.stdout
        assert tables <= await public_tables(url)
        connection = await asyncpg.connect(url)
        try:  # the bundled ECB history is loaded once with the schema
            shared = await connection.fetchval(
                "SELECT count(*) FROM fx_rates WHERE user_id IS NULL"
            )
        finally:
            await connection.close()
        assert shared > 5_000

        down = ok(await asyncio.to_thread(run_cli, "migrate", "--down", env=env))
        assert "database at base" in down.stdout
        assert not tables & await public_tables(url)

        ok(await asyncio.to_thread(run_cli, "migrate", env=env))
        assert tables <= await public_tables(url)


# --- production refuses to start on a development configuration ------------------------


def production_env(base_env: dict[str, str], tmp_path, **values: str) -> dict[str, str]:
    env = {k: v for k, v in base_env.items() if k not in CONFIG_KEYS}
    # Should a refusal ever break, `up` must not touch the project's own data folder.
    env.update(APP_ENV="production", TRENDEDGE_DATA_DIR=str(tmp_path / "data"), **values)
    return env


def run_all(*runs: tuple[tuple[str, ...], dict[str, str]]) -> list[Result]:
    """Run several short CLI invocations at once (each is a separate interpreter)."""
    with ThreadPoolExecutor(len(runs)) as pool:
        return list(pool.map(lambda run: run_cli(*run[0], env=run[1], timeout=30), runs))


REFUSING_COMMANDS = ("web", "worker", "scheduler", "up")


def test_production_refuses_to_start_without_configuration(
    base_env: dict[str, str], tmp_path
) -> None:
    env = production_env(base_env, tmp_path)
    results = run_all(*(((command,), env) for command in REFUSING_COMMANDS))
    for result in results:
        assert result.returncode == 2, str(result)
        assert "Refusing to start" in result.stderr, str(result)
        for key in (
            "OIDC_ISSUER",
            "OIDC_CLIENT_ID",
            "OIDC_CLIENT_SECRET",
            "SESSION_SECRET",
            "DATABASE_URL",
            "REDIS_URL",
            "TRENDEDGE_PUBLIC_URL",
        ):
            assert re.search(rf"\b{key}\b", result.stderr), f"{key} not named:\n{result}"
    assert not (tmp_path / "data").exists(), "`up` started creating its data folder"


def configured(database_url: str, redis_url: str) -> dict[str, str]:
    return {
        "OIDC_ISSUER": "https://id.example.com",
        "OIDC_CLIENT_ID": "trendedge",
        "OIDC_CLIENT_SECRET": "client-secret",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "TRENDEDGE_PUBLIC_URL": "https://trendedge.example.com",
        "ENCRYPTION_KEY": ENCRYPTION_KEY,
    }


def test_production_refuses_a_weak_session_secret(
    base_env: dict[str, str], database_url: str, redis_url: str, tmp_path
) -> None:
    values = configured(database_url, redis_url)
    cases = {
        "web, SESSION_SECRET unset": ("web", production_env(base_env, tmp_path, **values)),
        "worker, the default secret": (
            "worker",
            production_env(base_env, tmp_path, SESSION_SECRET="change-me-in-production", **values),
        ),
        "web, a short secret": (
            "web",
            production_env(base_env, tmp_path, SESSION_SECRET="too-short-secret", **values),
        ),
    }
    results = run_all(*(((command,), env) for command, env in cases.values()))
    for case, result in zip(cases, results, strict=True):
        assert result.returncode == 2, f"{case}:\n{result}"
        assert "SESSION_SECRET" in result.stderr, f"{case}:\n{result}"
        for key in ("OIDC_ISSUER", "OIDC_CLIENT_ID", "DATABASE_URL", "REDIS_URL"):
            assert key not in result.stderr, f"{case}: {key} is set, yet named:\n{result}"


def test_production_starts_when_fully_configured(
    base_env: dict[str, str], database_url: str, redis_url: str, tmp_path, clean
) -> None:
    """The control for the refusals above: the same environment with a real secret starts."""
    values = configured(database_url, redis_url)
    env = production_env(base_env, tmp_path, SESSION_SECRET=GOOD_SECRET, **values)
    result = run_cli("worker", "--burst", env=env, timeout=30)
    assert result.returncode == 0, str(result)
    assert "Refusing" not in result.stderr


def test_create_webhook_prints_a_working_url_once(cli_env: dict[str, str]) -> None:
    from tests.support.trading import rows
    from trendedge.models import WebhookToken

    ok(run_cli("admin", "create-user", "wendy@example.com", env=cli_env))
    missing = run_cli("admin", "create-webhook", "nobody@example.com", env=cli_env)
    assert missing.returncode != 0 and "no user with e-mail" in missing.stderr

    first = ok(run_cli("admin", "create-webhook", "wendy@example.com", env=cli_env)).stdout
    url = first.strip()
    assert re.fullmatch(
        r"http://localhost:\d+/api/v1/webhooks/tradingview/[A-Za-z0-9_-]{43}", url
    ), url
    # The user had no account: a 'Paper' account was made for the webhook.
    second = ok(
        run_cli(
            "admin",
            "create-webhook",
            "wendy@example.com",
            "--account",
            "Paper",
            "--label",
            "strategy B",
            env=cli_env,
        )
    ).stdout.strip()
    assert second != url
    wrong = run_cli(
        "admin", "create-webhook", "wendy@example.com", "--account", "Nope", env=cli_env
    )
    assert wrong.returncode != 0 and "no account named 'Nope'" in wrong.stderr

    tokens = asyncio.run(rows(WebhookToken))
    assert len(tokens) == 2
    raw = url.rsplit("/", 1)[1]
    assert all(raw not in (t.token_hash, t.token_hint * 10) for t in tokens)  # only a hash
    assert {t.label for t in tokens} == {"", "strategy B"}


def test_load_sample_bars_is_idempotent(cli_env: dict[str, str]) -> None:
    first = ok(run_cli("admin", "load-sample-bars", env=cli_env)).stdout
    lines = dict(line.split(":", 1) for line in first.strip().splitlines())
    assert set(lines) == {"SPX 1D", "COMP 1D"}
    assert all(re.fullmatch(r" (\d+) bars \(\1 new or changed\)", v) for v in lines.values())
    again = ok(run_cli("admin", "load-sample-bars", env=cli_env)).stdout
    assert all(v.endswith("(0 new or changed)") for v in again.strip().splitlines())


def test_load_fx_rates_all_or_nothing(cli_env: dict[str, str], tmp_path) -> None:
    good = tmp_path / "eurofxref.csv"
    good.write_text("Date, USD, GBP,\n30 October 2026, 1.1172, 0.83380,\n")
    loaded = ok(run_cli("admin", "load-fx-rates", str(good), env=cli_env))
    assert "2 rates for 1 days: GBP, USD" in loaded.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("Date,USD\n2026-10-29,oops\n")
    refused = run_cli("admin", "load-fx-rates", str(bad), env=cli_env)
    assert refused.returncode != 0
    assert "line 2: USD: not a number" in refused.stderr
