"""Analytics dashboard for one user with 100,000 closed trades: cold, warm, and pandas.

Starts embedded PostgreSQL and Redis in a temporary folder, stores one user with N
trades (seeded random: 3 accounts, 6 instruments, 4 playbooks, journal tags on ~80%,
R known on ~80%, MAE/MFE on ~60%) with one `INSERT ... SELECT unnest(arrays)` per
25,000 rows, then measures, in the same run and on the same rows:

* cold: `services.analytics.dashboard` right after `analytics_cache.invalidate` (cache
  miss: the two SQL statements on two connections at once + numpy metrics + storing the
  result in Redis);
* warm: the same call again (cache hit: Redis GET + JSON parse);
* pandas: the obvious pandas computation of the same metrics: `pandas.read_sql` of the
  same trades (joined with their tags), then Decimal -> float, cumsum / cummax,
  groupby per breakdown, explode for tags.

Prints p50 / p95 of each and the ratios to the targets (cold < 300 ms, warm < 30 ms)
and to pandas.

Usage: .venv/bin/python bench/analytics_bench.py [--trades 100000] [--runs 15] [--gc-freeze]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from trendedge.runtime import migrations
from trendedge.runtime.embedded import start_postgres, start_redis

START = datetime(2022, 1, 3, tzinfo=UTC)
ROOTS = ["ES", "NQ", "CL", "GC", "MES", "RTY"]
BATCH = 25_000

_INSERT = """
INSERT INTO trades (user_id, account_id, root, symbol, direction, quantity, entry_price,
    exit_price, entry_time, exit_time, gross_pnl, commission, net_pnl, r_multiple, risk,
    mae, mfe, playbook_id, currency, source)
SELECT :user_id, t.account_id, t.root, t.root || '1!', t.direction, 1, 100, 101,
    t.entry_time, t.exit_time, t.net_pnl + t.commission, t.commission, t.net_pnl,
    t.r_multiple, t.risk, t.mae, t.mfe, t.playbook_id, 'USD', 'paper'
FROM unnest(
    CAST(:account_id AS int[]), CAST(:root AS text[]), CAST(:direction AS text[]),
    CAST(:entry_time AS timestamptz[]), CAST(:exit_time AS timestamptz[]),
    CAST(:net_pnl AS numeric[]), CAST(:commission AS numeric[]), CAST(:r_multiple AS numeric[]),
    CAST(:risk AS numeric[]), CAST(:mae AS numeric[]), CAST(:mfe AS numeric[]),
    CAST(:playbook_id AS int[])
) AS t(account_id, root, direction, entry_time, exit_time, net_pnl, commission, r_multiple,
       risk, mae, mfe, playbook_id)
"""

_TAGS = """
INSERT INTO journal_entries (user_id, uid, trade_id, notes, tags, mistakes, created_at,
    updated_at)
SELECT user_id, 'bench-' || id, id, '',
    CASE (id * 7919) % 5
        WHEN 0 THEN ARRAY['breakout'] WHEN 1 THEN ARRAY['news', 'breakout']
        WHEN 2 THEN ARRAY['fade'] WHEN 3 THEN ARRAY['a+ setup', 'news']
        ELSE '{}'::text[] END,
    '{}', now(), now()
FROM trades WHERE user_id = :user_id
"""


def _maybe(rng: np.random.Generator, values: np.ndarray, known: float) -> list[Any]:
    mask = rng.random(values.shape[0]) < known
    return [round(float(v), 2) if m else None for v, m in zip(values, mask, strict=True)]


async def setup(n: int) -> int:
    """Store the user, accounts, playbooks, N trades and their tags; returns the user id."""
    from sqlalchemy import text

    from trendedge.db import session_scope
    from trendedge.models import Playbook
    from trendedge.services import accounts, users

    rng = np.random.default_rng(7)
    async with session_scope() as session:
        user = await users.upsert_oidc_user(
            session=session, issuer="urn:bench", subject="heavy", email="h@x.test", name=None
        )
        assert user.id is not None
        account_ids = []
        for k in range(3):
            acct = await accounts.create_account(
                session=session,
                user_id=user.id,
                data={"name": f"Account {k}", "currency": "USD", "initial_balance": "100000"},
            )
            account_ids.append(acct.id)
        playbooks = [Playbook(user_id=user.id, name=f"Setup {k}") for k in range(4)]
        session.add_all(playbooks)
        await session.flush()
        playbook_ids = [p.id for p in playbooks]
        for start in range(0, n, BATCH):
            m = min(BATCH, n - start)
            entry_s = rng.uniform(0, 4 * 365 * 86400, m)  # 4 years
            hold = rng.exponential(3600, m)
            entry = [START.timestamp() + s for s in entry_s]
            net = rng.normal(15, 300, m).round(2)
            net[rng.random(m) < 0.03] = 0.0
            r = net / rng.uniform(100, 400, m)
            await session.exec(  # type: ignore[call-overload]
                text(_INSERT),
                params={
                    "user_id": user.id,
                    "account_id": rng.choice(account_ids, m).tolist(),
                    "root": rng.choice(ROOTS, m).tolist(),
                    "direction": rng.choice(["long", "short"], m).tolist(),
                    "entry_time": [datetime.fromtimestamp(e, UTC) for e in entry],
                    "exit_time": [
                        datetime.fromtimestamp(e + h, UTC) for e, h in zip(entry, hold, strict=True)
                    ],
                    "net_pnl": net.tolist(),
                    "commission": rng.uniform(2, 10, m).round(2).tolist(),
                    "r_multiple": _maybe(rng, r, 0.8),
                    "risk": _maybe(rng, rng.uniform(100, 400, m), 0.5),
                    "mae": _maybe(rng, -rng.exponential(150, m), 0.6),
                    "mfe": _maybe(rng, rng.exponential(200, m), 0.6),
                    "playbook_id": rng.choice([*playbook_ids, None], m).tolist(),
                },
            )
        await session.exec(text(_TAGS), params={"user_id": user.id})  # type: ignore[call-overload]
    async with session_scope() as session:
        await session.exec(text("ANALYZE"))  # type: ignore[call-overload]
    return user.id


# --------------------------------------------------------------------------- pandas


PANDAS_SQL = """
SELECT t.id, t.entry_time, t.exit_time, t.net_pnl, t.commission, t.r_multiple, t.risk,
       t.mae, t.mfe, t.direction, t.playbook_id, t.root, t.account_id, j.tags
FROM trades t LEFT JOIN journal_entries j ON j.trade_id = t.id
WHERE t.user_id = %(user_id)s
ORDER BY t.exit_time, t.id
"""


def pandas_metrics(engine: Any, user_id: int, balance: float) -> dict[str, Any]:
    """The dashboard's metrics the obvious pandas way."""
    import pandas as pd

    df = pd.read_sql(PANDAS_SQL, engine, params={"user_id": user_id})
    for c in ("net_pnl", "commission", "r_multiple", "risk", "mae", "mfe"):
        df[c] = df[c].astype(float)
    pnl = df["net_pnl"]
    wins, losses = pnl[pnl > 0], pnl[pnl < 0]
    equity = balance + pnl.cumsum()
    peak = equity.cummax().clip(lower=balance)
    dd = peak - equity
    outcome = np.sign(pnl)
    run_id = (outcome != outcome.shift()).cumsum()
    runs = outcome.groupby(run_id).agg(["first", "size"])
    risk = df["risk"].where(df["risk"] > 0)
    derived = ((df["net_pnl"] + df["commission"]) / df["r_multiple"]).abs()
    risk = risk.fillna(derived.replace([np.inf, -np.inf, 0.0], np.nan))
    summary = {
        "trades": len(df),
        "net_pnl": pnl.sum(),
        "win_rate": len(wins) / len(df),
        "profit_factor": wins.sum() / -losses.sum(),
        "expectancy": pnl.mean(),
        "expectancy_r": df["r_multiple"].mean(),
        "avg_win": wins.mean(),
        "avg_loss": losses.mean(),
        "largest_win": wins.max(),
        "largest_loss": losses.min(),
        "max_drawdown": dd.max(),
        "max_drawdown_pct": (100 * dd / peak)[peak > 0].max(),
        "longest_win_streak": runs[runs["first"] == 1]["size"].max(),
        "longest_loss_streak": runs[runs["first"] == -1]["size"].max(),
        "avg_hold_seconds": (df["exit_time"] - df["entry_time"]).dt.total_seconds().mean(),
        "avg_mae": df["mae"].mean(),
        "avg_mfe": df["mfe"].mean(),
        "avg_mae_r": (df["mae"] / risk).mean(),
        "avg_mfe_r": (df["mfe"] / risk).mean(),
    }

    def groups(frame: Any, key: Any) -> Any:
        g = frame.groupby(key)["net_pnl"]
        return pd.DataFrame(
            {
                "trades": g.size(),
                "wins": g.apply(lambda s: (s > 0).sum()),
                "net": g.sum(),
                "profit_factor": g.apply(lambda s: s[s > 0].sum() / -s[s < 0].sum()),
                "expectancy": g.mean(),
                "avg_r": frame.groupby(key)["r_multiple"].mean(),
            }
        )

    df["playbook_id"] = df["playbook_id"].fillna(-1)
    tagged = df.explode("tags")
    tagged["tags"] = tagged["tags"].fillna("(untagged)")
    return {
        "summary": summary,
        "equity": equity.to_numpy(),
        "daily": df.groupby(df["exit_time"].dt.date)["net_pnl"].agg(["size", "sum"]),
        "weekly": df.groupby(df["exit_time"].dt.tz_localize(None).dt.to_period("W"))["net_pnl"].agg(
            ["size", "sum"]
        ),
        "playbook": groups(df, "playbook_id"),
        "instrument": groups(df, "root"),
        "account": groups(df, "account_id"),
        "direction": groups(df, "direction"),
        "weekday": groups(df, df["entry_time"].dt.day_of_week),
        "hour": groups(df, df["entry_time"].dt.hour),
        "tag": groups(tagged, "tags"),
        "r_hist": pd.cut(df["r_multiple"].clip(-3, 3), np.arange(-3, 3.5, 0.5)).value_counts(),
    }


# --------------------------------------------------------------------------- timing


GC_PAUSES: list[tuple[int, float]] = []
_gc_started = [0.0]


def _gc_watch(phase: str, info: dict[str, int]) -> None:
    if phase == "start":
        _gc_started[0] = time.perf_counter()
    else:
        GC_PAUSES.append((info["generation"], (time.perf_counter() - _gc_started[0]) * 1000))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def line(name: str, ms: list[float], target: float | None = None) -> str:
    p50, p95 = pct(ms, 0.5), pct(ms, 0.95)
    extra = f"  target {target:.0f} ms: p95 ratio {p95 / target:.2f}" if target else ""
    return f"{name:<34} p50 {p50:8.1f} ms  p95 {p95:8.1f} ms{extra}"


async def measure(user_id: int, runs: int, database_url: str, freeze: bool) -> None:
    import gc

    from sqlalchemy import create_engine

    from trendedge.db import session_scope
    from trendedge.services import analytics, analytics_cache
    from trendedge.services.analytics_query import AnalyticsQuery, load_trade_rows
    from trendedge.services.analytics_result import build_result

    gc.callbacks.append(_gc_watch)
    if freeze:  # long-lived objects (imports, engine) out of the collector's way
        gc.collect()
        gc.freeze()
    query = AnalyticsQuery()
    cold, warm, sql, numpy_ms, pandas_ms = [], [], [], [], []
    result = None
    for _ in range(runs):
        await analytics_cache.invalidate(user_id=user_id)
        async with session_scope() as session:
            t0 = time.perf_counter()
            result = await analytics.dashboard(session, user_id=user_id, query=query)
            cold.append((time.perf_counter() - t0) * 1000)
            assert not result.from_cache
        for _ in range(3):
            async with session_scope() as session:
                t0 = time.perf_counter()
                hit = await analytics.dashboard(session, user_id=user_id, query=query)
                warm.append((time.perf_counter() - t0) * 1000)
                assert hit.from_cache
        async with session_scope() as session:
            t0 = time.perf_counter()
            rows = await load_trade_rows(session, user_id=user_id, query=query)
            t1 = time.perf_counter()
            build_result(rows, query)
            t2 = time.perf_counter()
        sql.append((t1 - t0) * 1000)
        numpy_ms.append((t2 - t1) * 1000)
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg2://"))
    pandas_out: dict[str, Any] = {}
    for _ in range(max(3, runs // 3)):
        t0 = time.perf_counter()
        pandas_out = pandas_metrics(engine, user_id, 300000.0)
        pandas_ms.append((time.perf_counter() - t0) * 1000)
    engine.dispose()

    assert result is not None
    s = result.summary
    ps = pandas_out["summary"]
    agree = all(
        np.isclose(float(s[k]), float(ps[k]), rtol=1e-9, atol=1e-6)
        for k in ("trades", "net_pnl", "max_drawdown", "expectancy_r", "avg_mae_r")
    ) and len(pandas_out["daily"]) == len(result.daily)
    n = int(s["trades"] or 0)
    print(f"\n{n:,} trades, {len(result.daily):,} days, {len(result.breakdowns['tag'])} tag groups")
    print(f"pandas and TrendEdge agree on trades / net / max drawdown / R / MAE-R: {agree}")
    print(line("cold (cache miss: SQL+numpy+SET)", cold, 300))
    print(line("  of which SQL (load_trade_rows)", sql))
    print(line("  of which numpy metrics", numpy_ms))
    print(line("warm (cache hit)", warm, 30))
    print("  warm samples (ms):", " ".join(f"{w:.0f}" for w in warm))
    print("  gc pauses > 20 ms:", " ".join(f"gen{g}:{ms:.0f}" for g, ms in GC_PAUSES if ms > 20))
    print(line("naive pandas (read_sql + groupby)", pandas_ms))
    print(
        f"pandas / TrendEdge cold (p50): {pct(pandas_ms, 0.5) / pct(cold, 0.5):.1f}x; "
        f"pandas / warm (p50): {pct(pandas_ms, 0.5) / pct(warm, 0.5):.0f}x; "
        f"cached result {len(result.model_dump_json()) / 1024:.0f} KiB"
    )
    print(f"(means: cold {statistics.mean(cold):.1f} ms, warm {statistics.mean(warm):.1f} ms)")


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="te-analytics-bench-") as tmp:
        data = Path(tmp)
        data.chmod(0o755)
        pg = start_postgres(data)
        rd = start_redis(data)
        os.environ.update(DATABASE_URL=pg.url, REDIS_URL=rd.url, LOG_LEVEL="WARNING")
        migrations.upgrade(pg.url)
        from trendedge.logging import configure_logging

        configure_logging(level="WARNING", json=True)
        try:
            t0 = time.perf_counter()
            user_id = await setup(args.trades)
            print(f"stored {args.trades:,} trades in {time.perf_counter() - t0:.1f} s (setup)")
            await measure(user_id, args.runs, pg.url, args.gc_freeze)
        finally:
            from trendedge.db import dispose_engines

            await dispose_engines()
            rd.stop()
            pg.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trades", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--gc-freeze", action="store_true", help="gc.freeze() before measuring (see BENCHMARKS)"
    )
    asyncio.run(main(parser.parse_args()))
