"""`trendedge admin seed-demo / export-trades / import-trades` as an operator runs them."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from tests.support.commands import Result, run_cli


def ok(result: Result) -> Result:
    assert result.returncode == 0, str(result)
    return result


def test_seed_export_and_import_round_trip(base_env: dict[str, str], clean, tmp_path: Path) -> None:
    env = dict(base_env)
    seeded = ok(run_cli("admin", "seed-demo", "demo@example.com", env=env, timeout=240))
    assert re.search(r"^demo user \d+: demo@example\.com$", seeded.stdout, re.M), str(seeded)
    trades = int(re.search(r"-> (\d+) trades", seeded.stdout).group(1))  # type: ignore[union-attr]
    assert 250 <= trades <= 450

    again = ok(run_cli("admin", "seed-demo", "demo@example.com", env=env))
    assert "already seeded with demo data; nothing changed" in again.stdout

    exported = ok(run_cli("admin", "export-trades", "demo@example.com", env=env))
    rows = list(csv.DictReader(io.StringIO(exported.stdout, newline="")))
    assert len(rows) == trades and {r["source"] for r in rows} == {"paper"}
    journal = tmp_path / "journal.csv"
    ok(
        run_cli(
            "admin", "export-trades", "demo@example.com", "--journal", "-o", str(journal), env=env
        )
    )
    trades_file = tmp_path / "trades.csv"
    trades_file.write_bytes(exported.stdout.encode())

    ok(run_cli("admin", "create-user", "copy@example.com", env=env))
    missing = run_cli("admin", "import-trades", "copy@example.com", str(trades_file), env=env)
    assert missing.returncode == 1
    assert f"{trades} rows read" not in missing.stdout
    assert "account: you have no account named 'Demo Futures'" in missing.stderr

    # Into one account of the copy user: all trades, then the journal; then nothing new.
    run_cli("admin", "create-webhook", "copy@example.com", env=env)  # creates account "Paper"
    first = ok(
        run_cli(
            "admin",
            "import-trades",
            "copy@example.com",
            str(trades_file),
            "--account",
            "Paper",
            env=env,
        )
    )
    assert f"{trades} rows read: {trades} trades created, 0 duplicates skipped" in first.stdout
    notes = ok(run_cli("admin", "import-trades", "copy@example.com", str(journal), env=env))
    assert re.search(r"rows read: \d+ journal entries created, 0 duplicates", notes.stdout)
    second = ok(
        run_cli(
            "admin",
            "import-trades",
            "copy@example.com",
            str(trades_file),
            "--account",
            "Paper",
            env=env,
        )
    )
    assert f"0 trades created, {trades} duplicates skipped" in second.stdout
