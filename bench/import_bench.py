"""A 100,000-row broker statement from upload to finished trades, through a real worker.

Writes a generic-format CSV of N executions (round trips on ES, NQ, CL, GC with
scale-ins and partial exits, some identical same-second fills), then times:
`start_import` (the checks and storing the upload, as the page does) -> the job on
`low` run by a real `trendedge worker low` -> status `done`. While it runs the bench
samples the import row every 50 ms, as the page's progress bar does, and reports the
longest gap between progress changes. Then it imports the same file again (every
row a duplicate). Prints the figures and the ratio to the issue's target (20 s).

Usage: .venv/bin/python bench/import_bench.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.processes import Proc, cli
from trendedge.runtime import migrations
from trendedge.runtime.embedded import start_postgres, start_redis

TARGET_S = 20.0
CONTRACTS = (
    ("ESH6", 5000.0, 0.25),
    ("NQH6", 18000.0, 0.25),
    ("CLJ6", 75.0, 0.01),
    ("GCJ6", 2400.0, 0.1),
)


def statement(rows: int, seed: int = 7) -> str:
    """A generic-format CSV of `rows` executions that always returns to flat."""
    rng = random.Random(seed)
    lines = ["Date,Time,Symbol,Quantity,Price,Side,Commission"]
    at = datetime(2025, 1, 2, 14, 30, tzinfo=UTC)
    prices = {symbol: price for symbol, price, _ in CONTRACTS}
    while len(lines) - 1 < rows:
        symbol, _, tick = rng.choice(CONTRACTS)
        side, other = ("Buy", "Sell") if rng.random() < 0.5 else ("Sell", "Buy")
        legs = [rng.randint(1, 3) for _ in range(rng.randint(1, 3))]
        size = sum(legs)
        for qty in legs:  # scale in
            at += timedelta(seconds=rng.randint(1, 90))
            prices[symbol] += rng.randint(-8, 8) * tick
            lines.append(
                f"{at:%Y-%m-%d,%H:%M:%S},{symbol},{qty},{prices[symbol]:.2f},{side},{qty * 2.1:.2f}"
            )
        while size > 0:  # partial exits
            qty = min(size, rng.randint(1, 3))
            size -= qty
            at += timedelta(seconds=rng.randint(1, 300))
            prices[symbol] += rng.randint(-12, 12) * tick
            lines.append(
                f"{at:%Y-%m-%d,%H:%M:%S},{symbol},{qty},{prices[symbol]:.2f},{other},"
                f"{qty * 2.1:.2f}"
            )
    return "\n".join(lines[: rows + 1]) + "\n"


async def run_once(user_id: int, account_id: int, content: bytes) -> dict[str, Any]:
    from jobs.imports import enqueue_import
    from trendedge.db import session_scope
    from trendedge.services import imports

    started = time.monotonic()
    async with session_scope() as session:
        run = await imports.start_import(
            session=session, user_id=user_id, account_id=account_id,
            filename="bench.csv", content=content, options={},
        )  # fmt: skip
    accepted = time.monotonic() - started
    await asyncio.to_thread(enqueue_import, run.id or 0)
    last_change, last_seen, longest_gap, updates = time.monotonic(), None, 0.0, 0
    gap_at = ""
    while True:
        async with session_scope() as session:
            current = await imports.get_import(
                session=session, user_id=user_id, import_id=run.id or 0
            )
        now = time.monotonic()
        seen = (current.status, current.rows_done, current.message)
        if seen != last_seen:
            running = current.status == "running" and last_seen and last_seen[0] == "running"
            if running and now - last_change > longest_gap:
                longest_gap, gap_at = now - last_change, f"{last_seen[2]!r} -> {seen[2]!r}"
            last_change, last_seen, updates = now, seen, updates + 1
        if current.status not in ("queued", "running"):
            break
        await asyncio.sleep(0.05)
    if current.status != "done":
        raise RuntimeError(f"import ended {current.status}: {current.message}")
    return {
        "wall": time.monotonic() - started,
        "accepted": accepted,
        "gap": longest_gap,
        "gap_at": gap_at,
        "updates": updates,
        "trades": current.trades_created,
        "duplicates": current.duplicates,
        "executions": current.executions_created,
    }


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="te-import-bench-") as tmp:
        data = Path(tmp)
        data.chmod(0o755)
        pg = start_postgres(data)
        rd = start_redis(data)
        os.environ.update(DATABASE_URL=pg.url, REDIS_URL=rd.url, LOG_LEVEL="WARNING")
        migrations.upgrade(pg.url)
        worker = Proc(cli("worker", "low"), dict(os.environ), "worker")
        try:
            from trendedge.db import session_scope
            from trendedge.models import Account
            from trendedge.services import users
            from trendedge.services.tenancy import new_owned

            async with session_scope() as session:
                user = await users.upsert_oidc_user(
                    session=session, issuer="urn:bench", subject="importer", email=None, name=None
                )
                account = new_owned(Account, user_id=user.id or 0, name="Bench", currency="USD")
                session.add(account)
                await session.flush()
                ids = (user.id or 0, account.id or 0)
            content = statement(args.rows).encode()
            print(f"file: {args.rows:,} rows, {len(content) / 1e6:.1f} MB")
            await asyncio.sleep(2)  # worker up
            first = await run_once(*ids, content)
            print(
                f"first import: {first['wall']:.2f} s upload -> done "
                f"(checks + store {first['accepted'] * 1000:.0f} ms), "
                f"{first['executions']:,.0f} executions, {first['trades']:,.0f} trades; "
                f"{first['updates']:.0f} progress changes, longest gap {first['gap']:.2f} s "
                f"({first['gap_at']})"
            )
            print(f"target {TARGET_S:.0f} s: ratio {first['wall'] / TARGET_S:.2f}")
            again = await run_once(*ids, content)
            print(
                f"same file again: {again['wall']:.2f} s, {again['duplicates']:,.0f} duplicates, "
                f"{again['trades']:,.0f} trades created; longest progress gap {again['gap']:.2f} s"
            )
        finally:
            worker.stop()
            rd.stop()
            pg.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    asyncio.run(main(parser.parse_args()))
