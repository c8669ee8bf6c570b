"""What the dashboard shows, derived from an `AnalyticsResult`: formatted KPI cards,
table rows and Plotly figures. Pure functions (no I/O, no Reflex state)."""

from __future__ import annotations

import dataclasses
import math
from datetime import date, timedelta
from typing import Any

import plotly.graph_objects as go

from components.analytics_charts import (
    breakdown_figure,
    bucket_figure,
    calendar_figure,
    equity_figure,
    excursion_figure,
    r_histogram_figure,
)
from trendedge.services.analytics_result import AnalyticsResult, GroupRow, PeriodRow

PRESETS = ("30d", "90d", "ytd", "1y", "all")
PRESET_LABELS = {"30d": "30 days", "90d": "90 days", "ytd": "YTD", "1y": "1 year", "all": "All"}
GROUP_TABS = ("playbook", "instrument", "tag", "direction", "account")
MAX_DAILY_ROWS = 31
MAX_WEEKLY_ROWS = 26


@dataclasses.dataclass
class Kpi:
    id: str
    label: str
    value: str
    sign: int
    hint: str


@dataclasses.dataclass
class PeriodView:
    date: str
    trades: int
    wins: int
    win_rate: str
    net: str
    sign: int


@dataclasses.dataclass
class GroupView:
    key: str
    trades: int
    win_rate: str
    net: str
    sign: int
    profit_factor: str
    expectancy: str
    avg_r: str


def preset_range(preset: str, today: date) -> tuple[str, str]:
    """(start, end) ISO dates, both included, of a preset ending today; all = ("", "")."""
    if preset == "30d":
        return (today - timedelta(days=29)).isoformat(), today.isoformat()
    if preset == "90d":
        return (today - timedelta(days=89)).isoformat(), today.isoformat()
    if preset == "ytd":
        return date(today.year, 1, 1).isoformat(), today.isoformat()
    if preset == "1y":
        return (today - timedelta(days=364)).isoformat(), today.isoformat()
    return "", ""


def offset_label(offset_minutes: int) -> str:
    """UTC, or UTC+hh:mm / UTC-hh:mm."""
    if offset_minutes == 0:
        return "UTC"
    sign = "+" if offset_minutes > 0 else "-"
    hours, minutes = divmod(abs(offset_minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def money(value: float | None, currency: str = "") -> str:
    if value is None:
        return "—"
    rounded = round(value, 2) + 0.0  # no "-0.00"
    text = f"{rounded:,.2f}"
    return f"{text} {currency}".strip()


def pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def ratio(value: float | None) -> str:
    if value is None:
        return "—"
    return "∞" if math.isinf(value) else f"{value:.2f}"


def r_value(value: float | None) -> str:
    return "—" if value is None else f"{value:+.2f}R"


def sign(value: float | None) -> int:
    if value is None or round(value, 2) == 0:
        return 0
    return 1 if value > 0 else -1


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    minutes = round(seconds / 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {mins}m"
    return f"{mins}m" if mins else f"{round(seconds)}s"


def kpis(result: AnalyticsResult) -> list[Kpi]:
    """The KPI cards, formatted in the result's currency."""
    s: dict[str, Any] = result.summary
    c = result.currency or ""

    def amount(key: str, fixed_sign: int | None = None) -> tuple[str, int]:
        value = s.get(key)
        shown = sign(value) if fixed_sign is None else (fixed_sign if value else 0)
        return money(value, c), shown

    def excursion(key: str) -> tuple[str, int]:
        in_r = s.get(f"avg_{key}_r")
        return money(s.get(f"avg_{key}"), c) + ("" if in_r is None else f" ({r_value(in_r)})"), 0

    counts = f"{s.get('wins', 0)} wins · {s.get('losses', 0)} losses"
    bars = f"from bars, {result.excursions.known} trades"
    cards: list[tuple[str, str, tuple[str, int], str]] = [
        ("net-pnl", "Net P&L", amount("net_pnl"), ""),
        ("trades", "Trades", (f"{int(s.get('trades') or 0):,}", 0), counts),
        ("win-rate", "Win rate", (pct(s.get("win_rate")), 0), ""),
        ("profit-factor", "Profit factor", (ratio(s.get("profit_factor")), 0), ""),
        ("expectancy", "Expectancy", amount("expectancy"), "per trade"),
        (
            "expectancy-r",
            "Expectancy (R)",
            (r_value(s.get("expectancy_r")), sign(s.get("expectancy_r"))),
            f"R known for {s.get('r_known', 0)} trades",
        ),
        ("avg-win", "Average win", amount("avg_win", 1), ""),
        ("avg-loss", "Average loss", amount("avg_loss", -1), ""),
        ("largest-win", "Largest win", amount("largest_win", 1), ""),
        ("largest-loss", "Largest loss", amount("largest_loss", -1), ""),
        (
            "max-drawdown",
            "Max drawdown",
            amount("max_drawdown", 0),
            pct_hint(s.get("max_drawdown_pct")),
        ),
        (
            "streaks",
            "Longest streaks",
            (f"{s.get('longest_win_streak', 0)} W / {s.get('longest_loss_streak', 0)} L", 0),
            "consecutive wins / losses",
        ),
        ("avg-hold", "Average hold", (duration(s.get("avg_hold_seconds")), 0), ""),
        ("avg-mae", "Average MAE", excursion("mae"), bars),
        ("avg-mfe", "Average MFE", excursion("mfe"), bars),
    ]
    return [Kpi(i, label, value, sgn, hint) for i, label, (value, sgn), hint in cards]


def pct_hint(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}% of the peak"


def periods(rows: list[PeriodRow], limit: int, currency: str) -> list[PeriodView]:
    """The latest `limit` periods, newest first."""
    return [
        PeriodView(
            date=r.date,
            trades=r.trades,
            wins=r.wins,
            win_rate=pct(r.wins / r.trades if r.trades else None),
            net=money(r.net, currency),
            sign=sign(r.net),
        )
        for r in reversed(rows[-limit:])
    ]


def groups(rows: list[GroupRow], currency: str) -> list[GroupView]:
    return [
        GroupView(
            key=g.key,
            trades=g.trades,
            win_rate=pct(g.win_rate),
            net=money(g.net, currency),
            sign=sign(g.net),
            profit_factor=ratio(g.profit_factor),
            expectancy=money(g.expectancy, currency),
            avg_r=r_value(g.avg_r),
        )
        for g in rows
        if g.trades
    ]


def _bars(rows: list[GroupRow], c: str, *, vertical: bool) -> go.Figure:
    builder = bucket_figure if vertical else breakdown_figure
    return builder(
        [g.key for g in rows],
        [g.net for g in rows],
        [g.trades for g in rows],
        [g.win_rate for g in rows],
        currency=c,
    )


def figures(result: AnalyticsResult) -> dict[str, go.Figure]:
    """Every chart of the dashboard, by name."""
    c = result.currency or ""
    e = result.equity
    h = result.r_histogram
    x = result.excursions
    b = result.breakdowns
    out = {
        "equity": equity_figure(e.times, e.equity, e.drawdown, currency=c),
        "calendar": calendar_figure(
            [d.date for d in result.daily],
            [d.net for d in result.daily],
            [d.trades for d in result.daily],
            currency=c,
        ),
        "r": r_histogram_figure(h.labels, h.centres, h.counts, unknown=h.unknown),
        "hour": _bars(b.get("hour", []), c, vertical=True),
        "weekday": _bars(b.get("weekday", []), c, vertical=True),
        "mae": excursion_figure(x.mae, x.mfe, x.net, currency=c),
    }
    for key in GROUP_TABS:
        out[key] = _bars([g for g in b.get(key, []) if g.trades], c, vertical=False)
    return out
