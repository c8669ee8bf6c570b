"""The dashboard's analytics as one plain, JSON-serialisable value, built from loaded
trade columns with the vectorised metrics of trendedge.domain (no loop over trades).

`build_result` is pure (no I/O); `services.analytics` loads, caches and returns it.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict

from trendedge.domain.breakdowns import (
    Group,
    PeriodSummary,
    breakdown,
    by_hour_of_entry,
    by_weekday,
    daily_summary,
    r_histogram,
    weekly_summary,
)
from trendedge.domain.metrics import equity_curve, summary
from trendedge.domain.trade_arrays import US_PER_MINUTE, TradeArrays
from trendedge.services.analytics_query import AnalyticsQuery, TradeRows

MAX_CURVE_POINTS = 1500
MAX_SCATTER_POINTS = 1000
R_EDGES = tuple(x / 2 for x in range(-6, 7))  # -3R .. +3R in half-R bins
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
BREAKDOWNS = ("playbook", "instrument", "tag", "direction", "account", "weekday", "hour")


class _Model(BaseModel):
    model_config = ConfigDict(ser_json_inf_nan="constants")


class GroupRow(_Model):
    """One group of a breakdown; definitions as `trendedge.domain.breakdowns.Group`."""

    key: str
    code: int
    trades: int
    wins: int
    losses: int
    net: float
    gross_profit: float
    gross_loss: float
    win_rate: float | None
    profit_factor: float | None
    expectancy: float | None
    avg_r: float | None


class PeriodRow(_Model):
    date: str  # ISO day (the Monday for weeks), local
    trades: int
    net: float
    wins: int


class EquityPoints(_Model):
    """The equity curve after each trade (downsampled to MAX_CURVE_POINTS keeping every
    bucket's extremes); times are local ISO strings."""

    times: list[str] = []
    equity: list[float] = []
    drawdown: list[float] = []
    total_points: int = 0


class Histogram(_Model):
    labels: list[str] = []
    centres: list[float] = []
    counts: list[int] = []
    unknown: int = 0


class ExcursionPoints(_Model):
    """MAE / MFE / net P&L of the latest trades whose MAE and MFE are known."""

    mae: list[float] = []
    mfe: list[float] = []
    net: list[float] = []
    known: int = 0


class CurrencyCount(_Model):
    currency: str
    trades: int


class AnalyticsResult(_Model):
    """Everything the dashboard shows, in `currency` (None when there are no trades).

    summary: `trendedge.domain.metrics.Summary` as a dict. excluded_trades: trades of
    the range in other currencies (amounts are never added across currencies)."""

    currency: str | None = None
    currencies: list[CurrencyCount] = []
    excluded_trades: int = 0
    starting_balance: float = 0.0
    offset_minutes: int = 0
    summary: dict[str, float | int | None] = {}
    equity: EquityPoints = EquityPoints()
    daily: list[PeriodRow] = []
    weekly: list[PeriodRow] = []
    breakdowns: dict[str, list[GroupRow]] = {}
    r_histogram: Histogram = Histogram()
    excursions: ExcursionPoints = ExcursionPoints()
    from_cache: bool = False


def take(trades: TradeArrays, index: NDArray[np.int64] | NDArray[np.bool_]) -> TradeArrays:
    """The trades selected by an index or mask (columns copied; a mask selecting every
    trade returns `trades` itself)."""
    if index.dtype == np.bool_ and bool(index.all()):
        return trades
    return TradeArrays(
        **{f.name: getattr(trades, f.name)[index] for f in dataclasses.fields(TradeArrays)}
    )


def _rows(groups: Sequence[Group], labels: dict[int, str], *, by_net: bool) -> list[GroupRow]:
    rows = [
        GroupRow(
            key=labels.get(g.code, str(g.code)),
            code=g.code,
            trades=g.trades,
            wins=g.wins,
            losses=g.losses,
            net=g.net,
            gross_profit=g.gross_profit,
            gross_loss=g.gross_loss,
            win_rate=g.win_rate,
            profit_factor=g.profit_factor,
            expectancy=g.expectancy,
            avg_r=g.avg_r,
        )
        for g in groups
    ]
    return sorted(rows, key=lambda r: -r.net) if by_net else rows


def _periods(p: PeriodSummary) -> list[PeriodRow]:
    return [
        PeriodRow.model_construct(date=d, trades=t, net=n, wins=w)  # trusted numbers
        for d, t, n, w in zip(
            np.datetime_as_string(p.date).tolist(),
            p.trades.tolist(),
            p.net.tolist(),
            p.wins.tolist(),
            strict=True,
        )
    ]


def curve_sample(equity: NDArray[np.float64], drawdown: NDArray[np.float64]) -> NDArray[np.int64]:
    """Indices of at most ~MAX_CURVE_POINTS points: per bucket the lowest and highest
    equity, the deepest drawdown and the last point (so peaks and troughs survive)."""
    n = equity.shape[0]
    if n <= MAX_CURVE_POINTS:
        return np.arange(n)
    size = -(-n // (MAX_CURVE_POINTS // 4))
    buckets = -(-n // size)
    pad = buckets * size - n
    base = np.arange(buckets) * size
    eq = np.pad(equity, (0, pad), mode="edge").reshape(buckets, size)
    dd = np.pad(drawdown, (0, pad), mode="edge").reshape(buckets, size)
    picks = np.concatenate(
        (
            base + eq.argmin(axis=1),
            base + eq.argmax(axis=1),
            base + dd.argmax(axis=1),
            np.minimum(base + size - 1, n - 1),
        )
    )
    return np.unique(np.minimum(picks, n - 1))


def _equity(trades: TradeArrays, starting_balance: float, offset: int) -> EquityPoints:
    curve = equity_curve(trades, starting_balance)
    pick = curve_sample(curve.equity, curve.drawdown)
    local = curve.times[pick] + np.timedelta64(offset * US_PER_MINUTE, "us")
    return EquityPoints(
        times=np.datetime_as_string(local, unit="s").tolist(),
        equity=np.round(curve.equity[pick], 2).tolist(),
        drawdown=np.round(curve.drawdown[pick], 2).tolist(),
        total_points=len(trades),
    )


def _histogram(trades: TradeArrays) -> Histogram:
    hist = r_histogram(trades, R_EDGES, clip=True)
    edges = hist.edges
    labels = [f"{lo:+.1f}R to {hi:+.1f}R" for lo, hi in itertools.pairwise(edges)]
    labels[0] = f"below {edges[1]:+.1f}R"
    labels[-1] = f"{edges[-2]:+.1f}R and above"
    return Histogram(
        labels=labels,
        centres=((edges[:-1] + edges[1:]) / 2).tolist(),
        counts=hist.counts.tolist(),
        unknown=hist.unknown,
    )


def _excursions(trades: TradeArrays) -> ExcursionPoints:
    known = np.flatnonzero(~np.isnan(trades.mae) & ~np.isnan(trades.mfe))
    if known.size == 0:
        return ExcursionPoints()
    latest = known[np.argsort(trades.exit_time[known], kind="stable")][-MAX_SCATTER_POINTS:]
    return ExcursionPoints(
        mae=np.round(trades.mae[latest], 2).tolist(),
        mfe=np.round(trades.mfe[latest], 2).tolist(),
        net=np.round(trades.net_pnl[latest], 2).tolist(),
        known=int(known.size),
    )


def _tag_groups(
    rows: TradeRows, keep: NDArray[np.bool_], trades: TradeArrays
) -> tuple[TradeArrays, NDArray[np.int64]]:
    """Trades repeated once per tag (untagged ones once, code -1) and their tag codes."""
    new_index = np.cumsum(keep) - 1
    pairs = keep[rows.tag_trade]
    tagged_index = new_index[rows.tag_trade[pairs]]
    untagged = np.ones(len(trades), np.bool_)
    untagged[tagged_index] = False
    index = np.concatenate((tagged_index, np.flatnonzero(untagged))).astype(np.int64)
    codes = np.concatenate(
        (rows.tag_code[pairs], np.full(int(untagged.sum()), -1, np.int64))
    ).astype(np.int64)
    return take(trades, index), codes


def build_result(rows: TradeRows, query: AnalyticsQuery) -> AnalyticsResult:
    """The dashboard's analytics for `query` from the loaded rows (see AnalyticsResult)."""
    counts = np.bincount(rows.currency, minlength=len(rows.currencies))
    currencies = [
        CurrencyCount(currency=c, trades=int(n))
        for c, n in zip(rows.currencies, counts.tolist(), strict=True)
    ]
    chosen = query.currency
    if chosen is None and rows.currencies:
        chosen = rows.currencies[int(np.argmax(counts))]
    keep = rows.currency == (rows.currencies.index(chosen) if chosen in rows.currencies else -2)
    trades = take(rows.trades, keep)
    selected = (
        {a.id for a in rows.accounts} if query.account_ids is None else set(query.account_ids)
    )
    balance = sum(
        a.initial_balance for a in rows.accounts if a.id in selected and a.currency == chosen
    ) + (rows.prior_pnl.get(chosen, 0.0) if chosen else 0.0)
    offset = query.offset_minutes
    tag_trades, tag_codes = _tag_groups(rows, keep, trades)
    labels = {
        "playbook": {-1: "No playbook", **rows.playbooks},
        "instrument": dict(enumerate(rows.instruments)),
        "tag": {-1: "(untagged)", **dict(enumerate(rows.tags))},
        "direction": {1: "Long", -1: "Short"},
        "account": {a.id: a.name for a in rows.accounts},
        "weekday": dict(enumerate(WEEKDAYS)),
        "hour": {h: f"{h:02d}:00" for h in range(24)},
    }
    groups = {
        "playbook": breakdown(trades, key="playbook"),
        "instrument": breakdown(trades, key="instrument"),
        "tag": breakdown(tag_trades, key=tag_codes),
        "direction": breakdown(trades, key="direction"),
        "account": breakdown(trades, key="account"),
        "weekday": by_weekday(trades, offset_minutes=offset),
        "hour": by_hour_of_entry(trades, offset_minutes=offset),
    }
    ordered = {"weekday", "hour", "direction"}
    return AnalyticsResult(
        currency=chosen,
        currencies=currencies,
        excluded_trades=int(len(rows.trades) - len(trades)),
        starting_balance=float(balance),
        offset_minutes=offset,
        summary=dataclasses.asdict(summary(trades, starting_balance=float(balance))),
        equity=_equity(trades, float(balance), offset),
        daily=_periods(daily_summary(trades, offset_minutes=offset)),
        weekly=_periods(weekly_summary(trades, offset_minutes=offset)),
        breakdowns={k: _rows(groups[k], labels[k], by_net=k not in ordered) for k in BREAKDOWNS},
        r_histogram=_histogram(trades),
        excursions=_excursions(trades),
    )
