"""Slow, obviously-correct reference implementations of trendedge.domain.metrics.

Plain Python loops over a list of `RefTrade`; the tests compare the vectorised
implementation against these on random trade lists. Undefined values are None.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class RefTrade:
    entry_time: datetime  # naive UTC
    exit_time: datetime  # naive UTC
    net_pnl: float
    commission: float = 0.0
    r_multiple: float = math.nan
    risk: float = math.nan
    mae: float = math.nan
    mfe: float = math.nan
    direction: int = 1
    playbook_id: int = -1
    instrument: int = -1
    account: int = -1


def known(x: float) -> bool:
    return not math.isnan(x) and not math.isinf(x)


def mean(values: list[float]) -> float | None:
    if not values:
        return None
    total = 0.0
    for v in values:
        total += v
    return total / len(values)


def profit_factor(gross_profit: float, gross_loss: float) -> float | None:
    if gross_loss < 0:
        return gross_profit / -gross_loss
    if gross_profit > 0:
        return math.inf
    return None


def time_ordered(trades: list[RefTrade]) -> list[RefTrade]:
    # sorted() is stable: equal exit times keep input order.
    return sorted(trades, key=lambda t: t.exit_time)


def equity_curve(
    trades: list[RefTrade], starting_balance: float
) -> list[tuple[datetime, float, float]]:
    out = []
    equity = starting_balance
    peak = starting_balance
    for t in time_ordered(trades):
        equity += t.net_pnl
        peak = max(peak, equity)
        out.append((t.exit_time, equity, peak - equity))
    return out


def summary(trades: list[RefTrade], starting_balance: float) -> dict[str, Any]:
    wins = [t.net_pnl for t in trades if t.net_pnl > 0]
    losses = [t.net_pnl for t in trades if t.net_pnl < 0]
    gross_profit = sum(wins)
    gross_loss = sum(losses)
    rs = [t.r_multiple for t in trades if known(t.r_multiple)]

    max_dd = 0.0
    max_dd_pct: float | None = None
    equity = starting_balance
    peak = starting_balance
    for t in time_ordered(trades):
        equity += t.net_pnl
        peak = max(peak, equity)
        max_dd = max(max_dd, peak - equity)
        if peak > 0:
            pct = 100.0 * (peak - equity) / peak
            max_dd_pct = pct if max_dd_pct is None else max(max_dd_pct, pct)

    best_win = best_loss = run_win = run_loss = 0
    for t in time_ordered(trades):
        if t.net_pnl > 0:
            run_win += 1
            run_loss = 0
        elif t.net_pnl < 0:
            run_loss += 1
            run_win = 0
        else:
            run_win = run_loss = 0
        best_win = max(best_win, run_win)
        best_loss = max(best_loss, run_loss)

    mae_r = [t.mae / t.risk for t in trades if known(t.mae) and known(t.risk) and t.risk > 0]
    mfe_r = [t.mfe / t.risk for t in trades if known(t.mfe) and known(t.risk) and t.risk > 0]
    n = len(trades)
    return {
        "trades": n,
        "wins": len(wins),
        "losses": len(losses),
        "scratches": n - len(wins) - len(losses),
        "net_pnl": sum(t.net_pnl for t in trades),
        "gross_profit": gross_profit,
        "gross_loss": gross_loss,
        "commission": sum(t.commission for t in trades),
        "win_rate": len(wins) / n if n else None,
        "profit_factor": profit_factor(gross_profit, gross_loss),
        "expectancy": mean([t.net_pnl for t in trades]),
        "expectancy_r": mean(rs),
        "r_known": len(rs),
        "avg_win": mean(wins),
        "avg_loss": mean(losses),
        "largest_win": max(wins) if wins else None,
        "largest_loss": min(losses) if losses else None,
        "max_drawdown": max_dd,
        "max_drawdown_pct": max_dd_pct,
        "longest_win_streak": best_win,
        "longest_loss_streak": best_loss,
        "avg_hold_seconds": mean([(t.exit_time - t.entry_time).total_seconds() for t in trades]),
        "avg_mae": mean([t.mae for t in trades if known(t.mae)]),
        "avg_mfe": mean([t.mfe for t in trades if known(t.mfe)]),
        "avg_mae_r": mean(mae_r),
        "avg_mfe_r": mean(mfe_r),
    }


def group(code: int, trades: list[RefTrade]) -> dict[str, Any]:
    wins = [t.net_pnl for t in trades if t.net_pnl > 0]
    losses = [t.net_pnl for t in trades if t.net_pnl < 0]
    rs = [t.r_multiple for t in trades if known(t.r_multiple)]
    n = len(trades)
    return {
        "code": code,
        "trades": n,
        "wins": len(wins),
        "losses": len(losses),
        "net": sum(t.net_pnl for t in trades),
        "gross_profit": sum(wins),
        "gross_loss": sum(losses),
        "win_rate": len(wins) / n if n else None,
        "profit_factor": profit_factor(sum(wins), sum(losses)),
        "expectancy": mean([t.net_pnl for t in trades]),
        "avg_r": mean(rs),
        "r_known": len(rs),
    }


def breakdown(trades: list[RefTrade], field: str) -> list[dict[str, Any]]:
    by_code: dict[int, list[RefTrade]] = {}
    for t in trades:
        by_code.setdefault(getattr(t, field), []).append(t)
    return [group(code, by_code[code]) for code in sorted(by_code)]


def local(t: datetime, offset_minutes: int) -> datetime:
    return t + timedelta(minutes=offset_minutes)


def by_weekday(trades: list[RefTrade], offset_minutes: int) -> list[dict[str, Any]]:
    return [
        group(d, [t for t in trades if local(t.entry_time, offset_minutes).weekday() == d])
        for d in range(7)
    ]


def by_hour(trades: list[RefTrade], offset_minutes: int) -> list[dict[str, Any]]:
    return [
        group(h, [t for t in trades if local(t.entry_time, offset_minutes).hour == h])
        for h in range(24)
    ]


def period_summary(
    trades: list[RefTrade], offset_minutes: int, weekly: bool
) -> list[tuple[date, int, float, int]]:
    buckets: dict[date, list[RefTrade]] = {}
    for t in trades:
        day = local(t.exit_time, offset_minutes).date()
        if weekly:
            day -= timedelta(days=day.weekday())
        buckets.setdefault(day, []).append(t)
    return [
        (
            day,
            len(buckets[day]),
            sum(t.net_pnl for t in buckets[day]),
            sum(1 for t in buckets[day] if t.net_pnl > 0),
        )
        for day in sorted(buckets)
    ]
