"""Trade-journal analytics on closed trades: summary, equity curve, periods, breakdowns.

Pure, vectorised numpy: every function takes a `TradeArrays` (parallel arrays, one element
per closed trade) and returns plain dataclasses / named tuples of numbers or arrays. No
Python loop runs over trades; loops run only over a handful of groups.

Conventions (the user-facing page is docs/metrics.md):

* A trade is a **win** when ``net_pnl > 0``, a **loss** when ``net_pnl < 0`` and a
  **scratch** when ``net_pnl == 0`` (exactly). Outcomes use net P&L, after commission.
* "Time order" is ascending ``exit_time``; trades closing at the same instant keep their
  input order (stable sort).
* An R multiple is **known** when it is not NaN (TradeArrays rejects +-inf); MAE/MFE likewise.
* A metric that is undefined for the data (an average over nothing, a ratio 0/0) is
  ``None``; profit factor is ``inf`` when there is profit and no loss.
* Calendar metrics use UTC shifted by a fixed ``offset_minutes`` (local = UTC + offset,
  e.g. -300 for US Eastern standard time). No DST rules are applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from trendedge.domain.trade_arrays import (
    US_PER_SECOND,
    FloatArray,
    TradeArrays,
    mean,
    nan_mean,
    pnl_in_time_order,
    profit_factor,
)

# --------------------------------------------------------------------------- summary


@dataclass(frozen=True, slots=True)
class Summary:
    """Headline metrics of a set of closed trades; see the module docstring for conventions.

    gross_profit = sum of net_pnl over wins (>= 0); gross_loss = sum over losses (<= 0).
    win_rate = wins / trades (scratches count in the denominator).
    profit_factor = gross_profit / |gross_loss|; inf when no loss and gross_profit > 0;
        None when both are 0 (no trades, or only scratches).
    expectancy = mean net_pnl per trade; expectancy_r = mean of the known R multiples
        (`avg_r` is the same number).
    avg_win / avg_loss = mean net_pnl of wins / of losses (avg_loss <= 0).
    largest_win = max net_pnl of wins; largest_loss = min net_pnl of losses (<= 0).
    max_drawdown = max(peak - equity) in currency (>= 0), where equity is starting_balance
        + cumulative net_pnl in time order and peak is the running max of equity including
        the starting balance. max_drawdown_pct = max(100 * (peak - equity) / peak) over the
        points with peak > 0 (None when there is none); it may come from a different point
        than max_drawdown.
    longest_win_streak / longest_loss_streak: longest run of consecutive wins / losses in
        time order; a scratch breaks both.
    avg_hold_seconds = mean(exit_time - entry_time) in seconds.
    avg_mae / avg_mfe = mean of known MAE / MFE (currency, as stored).
    avg_mae_r / avg_mfe_r = mean of mae / risk (mfe / risk) over trades with both known
        and risk > 0, risk being the initial risk in currency.
    """

    trades: int
    wins: int
    losses: int
    scratches: int
    net_pnl: float
    gross_profit: float
    gross_loss: float
    commission: float
    win_rate: float | None
    profit_factor: float | None
    expectancy: float | None
    expectancy_r: float | None
    r_known: int
    avg_win: float | None
    avg_loss: float | None
    largest_win: float | None
    largest_loss: float | None
    max_drawdown: float
    max_drawdown_pct: float | None
    longest_win_streak: int
    longest_loss_streak: int
    avg_hold_seconds: float | None
    avg_mae: float | None
    avg_mfe: float | None
    avg_mae_r: float | None
    avg_mfe_r: float | None

    @property
    def avg_r(self) -> float | None:
        """Mean of the known R multiples (same as expectancy_r)."""
        return self.expectancy_r


def _longest_runs(outcome: NDArray[np.int8]) -> tuple[int, int]:
    """Longest runs of +1 and of -1 in `outcome` (run-length encoding)."""
    n = outcome.shape[0]
    if n == 0:
        return 0, 0
    starts = np.flatnonzero(np.concatenate(([True], outcome[1:] != outcome[:-1])))
    lengths = np.diff(np.append(starts, n))
    values = outcome[starts]
    return (
        int(lengths[values == 1].max(initial=0)),
        int(lengths[values == -1].max(initial=0)),
    )


def _drawdowns(equity: FloatArray, starting_balance: float) -> tuple[FloatArray, FloatArray]:
    """(peak, peak - equity) for each point; the peak includes the starting balance."""
    peak = np.maximum(np.maximum.accumulate(equity), starting_balance) if equity.size else equity
    return peak, peak - equity


def summary(trades: TradeArrays, *, starting_balance: float) -> Summary:
    """Headline metrics (definitions on `Summary`)."""
    pnl = trades.net_pnl
    n = pnl.shape[0]
    wins = int(np.count_nonzero(pnl > 0))
    losses = int(np.count_nonzero(pnl < 0))
    gross_profit = float(np.maximum(pnl, 0.0).sum())
    gross_loss = float(np.minimum(pnl, 0.0).sum())
    expectancy_r, r_known = nan_mean(trades.r_multiple)

    ordered_pnl, _ = pnl_in_time_order(trades)
    equity = starting_balance + np.cumsum(ordered_pnl)
    peak, dd = _drawdowns(equity, starting_balance)
    first_positive = int(np.searchsorted(peak, 0.0, side="right"))  # peak is non-decreasing
    with np.errstate(over="ignore"):  # a subnormal peak: the percentage is inf
        dd_pct = 100.0 * dd[first_positive:] / peak[first_positive:]
    win_streak, loss_streak = _longest_runs(np.sign(ordered_pnl).astype(np.int8))

    hold_us = (trades.exit_time - trades.entry_time).view(np.int64)
    risk = trades.risk  # NaN or > 0

    return Summary(
        trades=n,
        wins=wins,
        losses=losses,
        scratches=n - wins - losses,
        net_pnl=float(pnl.sum()),
        gross_profit=gross_profit,
        gross_loss=gross_loss,
        commission=float(trades.commission.sum()),
        win_rate=wins / n if n else None,
        profit_factor=profit_factor(gross_profit, gross_loss),
        expectancy=mean(pnl),
        expectancy_r=expectancy_r,
        r_known=r_known,
        avg_win=gross_profit / wins if wins else None,
        avg_loss=gross_loss / losses if losses else None,
        largest_win=float(pnl.max()) if wins else None,
        largest_loss=float(pnl.min()) if losses else None,
        max_drawdown=float(dd.max(initial=0.0)),
        max_drawdown_pct=float(dd_pct.max()) if dd_pct.size else None,
        longest_win_streak=win_streak,
        longest_loss_streak=loss_streak,
        avg_hold_seconds=float(hold_us.mean()) / US_PER_SECOND if n else None,
        avg_mae=nan_mean(trades.mae)[0],
        avg_mfe=nan_mean(trades.mfe)[0],
        avg_mae_r=nan_mean(trades.mae / risk)[0],
        avg_mfe_r=nan_mean(trades.mfe / risk)[0],
    )


# --------------------------------------------------------------------------- equity curve


class EquityCurve(NamedTuple):
    """One point per trade in time order: times = exit_time, equity = starting balance +
    cumulative net_pnl, drawdown = running peak (incl. starting balance) - equity (>= 0).
    The starting balance itself is not a point."""

    times: NDArray[np.datetime64]
    equity: FloatArray
    drawdown: FloatArray


def equity_curve(trades: TradeArrays, starting_balance: float) -> EquityCurve:
    """Equity and drawdown after each trade, in exit-time order."""
    pnl, times = pnl_in_time_order(trades)
    equity = starting_balance + np.cumsum(pnl)
    _, dd = _drawdowns(equity, starting_balance)
    return EquityCurve(times=times, equity=equity, drawdown=dd)
