"""The demo trader's script: which alerts to send when, planned on real bar arrays (pure).

`build_script` walks the session bars of each instrument day by day. Each account takes
0-4 trades a session, one after the other. A trade enters at a bar's close with a stop
about one average bar range away and a target 1.5-3 R away, and leaves at the first bar
that touches the stop (checked first, so a bar touching both counts as a loss) or the
target, or at the close of its last bar after a maximum holding time. The direction is
the better of long and short with probability `FORM[week]`, the worse one with
probability ``-FORM[week]`` when that is negative (a bad week: losing streaks and
drawdowns), else a coin flip; over the months that gives a win rate near 50 %.
Some trades scale out half at 1 R.

Everything is drawn from one `random.Random(seed)`: same seed and bars, same script.
The prices in the alerts are bar prices; the paper engine adds slippage and commission.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import numpy as np

from trendedge.domain.demo_bars import BAR, SESSION_CLOSE, SESSION_OPEN, SESSION_TZ, Bars
from trendedge.domain.demo_notes import (
    PLAYBOOKS,
    Annotation,
    day_annotation,
    rules_followed,
    trade_annotation,
)

FORM = (-0.3, -0.1, 0.0, 0.1, 0.2, 0.3)  # the trader's form, drawn once per week
SCALE_OUT_SHARE = 0.25
TARGET_R = (1.0, 1.5, 1.5, 2.0, 2.5)
TRADES_PER_SESSION = (0, 1, 1, 2, 2, 2, 3, 3, 4)  # drawn uniformly: mean 2


@dataclass(frozen=True, slots=True)
class AccountPlan:
    """An account of the demo trader: its key, the roots it trades and the sizes."""

    key: str
    roots: tuple[str, ...]
    quantities: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class PlannedSignal:
    """One alert to send at `at`; `closes` when its fill closes (part of) a trade."""

    at: datetime
    account: str
    trade: int
    payload: dict[str, str]
    closes: bool


@dataclass(frozen=True, slots=True)
class PlannedTrade:
    index: int
    account: str
    root: str
    direction: str
    quantity: int
    entry_at: datetime
    exit_at: datetime
    r_result: float
    playbook: str | None
    rules_followed: tuple[str, ...]
    journal: Annotation | None


@dataclass(frozen=True)
class DemoScript:
    trades: tuple[PlannedTrade, ...]
    signals: tuple[PlannedSignal, ...]  # in time order
    days: tuple[tuple[date, Annotation], ...]


def sessions(bars: Bars) -> dict[date, np.ndarray]:
    """Indices of the regular-session bars of each weekday (New York time)."""
    out: dict[date, list[int]] = {}
    for index, stamp in enumerate(bars.ts.astype("datetime64[us]").astype(datetime)):
        local = stamp.replace(tzinfo=UTC).astimezone(SESSION_TZ)
        if local.weekday() < 5 and SESSION_OPEN <= local.time() < SESSION_CLOSE:
            out.setdefault(local.date(), []).append(index)
    return {day: np.array(found) for day, found in out.items() if len(found) >= 6}


def _utc(stamp: np.datetime64) -> datetime:
    return stamp.astype("datetime64[us]").astype(datetime).replace(tzinfo=UTC)


def _outcome(
    b: Bars, path: np.ndarray, entry: float, sign: int, stop: float, target: float
) -> tuple[int, float, str]:
    """(position in `path`, exit price, "stop" | "target" | "time")."""
    for p, j in enumerate(path):
        adverse = entry - b.low[j] if sign > 0 else b.high[j] - entry
        favorable = b.high[j] - entry if sign > 0 else entry - b.low[j]
        if adverse >= stop:
            return p, entry - sign * stop, "stop"
        if favorable >= target:
            return p, entry + sign * target, "target"
    return len(path) - 1, float(b.close[path[-1]]), "time"


def _scale_position(b: Bars, path: np.ndarray, entry: float, sign: int, stop: float) -> int | None:
    """The first position of `path` that reached 1 R in favour without touching the stop."""
    for p, j in enumerate(path):
        adverse = entry - b.low[j] if sign > 0 else b.high[j] - entry
        favorable = b.high[j] - entry if sign > 0 else entry - b.low[j]
        if adverse >= stop:
            return None
        if favorable >= stop:
            return p
    return None


class _Planner:
    def __init__(self, seed: int, bars: Mapping[str, Bars], ticks: Mapping[str, float]) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - a reproducible script, not a secret
        self.seed = seed
        self.bars = bars
        self.ticks = ticks
        self.sessions = {root: sessions(b) for root, b in bars.items()}
        self.trades: list[PlannedTrade] = []
        self.signals: list[PlannedSignal] = []
        self.form: dict[tuple[int, int], float] = {}

    def price(self, root: str, value: float) -> str:
        tick = self.ticks[root]
        places = max(0, -int(Decimal(str(tick)).as_tuple().exponent))
        return f"{round(value / tick) * tick:.{places}f}"

    def plan_trade(self, account: AccountPlan, day: date, not_before: datetime) -> datetime | None:
        """Plan one trade of `account` on `day` entering after `not_before`; its exit time."""
        rng = self.rng
        root = rng.choice(account.roots)
        session = self.sessions[root].get(day)
        if session is None:
            return None
        b = self.bars[root]
        starts = [_utc(b.ts[i]) for i in session]
        first = max(1, bisect.bisect_left(starts, not_before))
        k = first + rng.randint(0, 4)
        if k > len(session) - 3:
            return None
        entry_i = int(session[k])
        path = session[k + 1 : k + 1 + rng.randint(3, 12)]
        tick = self.ticks[root]
        entry = float(b.close[entry_i])
        recent = slice(max(0, entry_i - 7), entry_i + 1)
        average_range = float(np.mean(b.high[recent] - b.low[recent]))
        stop = max(4, round(average_range * rng.uniform(0.8, 1.6) / tick)) * tick
        target = stop * rng.choice(TARGET_R)
        outcomes = {s: _outcome(b, path, entry, s, stop, target) for s in (1, -1)}
        r_of = {s: (outcomes[s][1] - entry) * s / stop for s in (1, -1)}
        sign = self._direction(r_of, day)
        exit_p, exit_price, kind = outcomes[sign]
        quantity = rng.choice(account.quantities)
        index = len(self.trades)
        entry_at = starts[k] + BAR
        minutes = 14 if kind == "time" else rng.randint(1, 13)
        exit_at = _utc(b.ts[path[exit_p]]) + timedelta(minutes=minutes)
        playbook = self._playbook(k)
        base = {"ticker": f"{root}1!", "comment": "demo"}
        tag = f"demo-{self.seed}-{index}"
        entry_payload = {
            **base,
            "action": "buy" if sign > 0 else "sell",
            "price": self.price(root, entry),
            "contracts": str(quantity),
            "stop": self.price(root, entry - sign * stop),
            "target": self.price(root, entry + sign * target),
            "id": f"{tag}-entry",
            "time": entry_at.isoformat(),
        }
        if playbook is not None:
            entry_payload["setup"] = playbook
        self.signals.append(PlannedSignal(entry_at, account.key, index, entry_payload, False))
        scale_p = _scale_position(b, path[:exit_p], entry, sign, stop)
        if quantity >= 2 and scale_p is not None and rng.random() < SCALE_OUT_SHARE:
            at = _utc(b.ts[path[scale_p]]) + timedelta(minutes=rng.randint(1, 13))
            payload = {
                **base,
                "action": "exit",
                "price": self.price(root, entry + sign * stop),
                "contracts": str(quantity // 2),
                "id": f"{tag}-scale",
                "time": at.isoformat(),
            }
            self.signals.append(PlannedSignal(at, account.key, index, payload, True))
        exit_payload = {
            **base,
            "action": "exit",
            "price": self.price(root, exit_price),
            "id": f"{tag}-exit",
            "time": exit_at.isoformat(),
        }
        self.signals.append(PlannedSignal(exit_at, account.key, index, exit_payload, True))
        r_result = r_of[sign]
        rules = next((p.rules for p in PLAYBOOKS if p.name == playbook), ())
        direction = "long" if sign > 0 else "short"
        journal = None
        if rng.random() < 0.4:
            journal = trade_annotation(
                rng,
                setup=playbook or "Discretionary",
                direction=direction,
                quantity=quantity,
                root=root,
                r_result=r_result,
            )
        self.trades.append(
            PlannedTrade(
                index,
                account.key,
                root,
                direction,
                quantity,
                entry_at,
                exit_at,
                r_result,
                playbook,
                rules_followed(rng, rules, won=r_result > 0),
                journal,
            )
        )
        return exit_at

    def _direction(self, r_of: dict[int, float], day: date) -> int:
        rng = self.rng
        week = day.isocalendar()[:2]
        form = self.form.setdefault(week, rng.choice(FORM))
        if rng.random() < abs(form):
            better = max(r_of, key=lambda s: r_of[s])
            return better if form > 0 else -better
        return rng.choice((1, -1))

    def _playbook(self, position: int) -> str | None:
        rng = self.rng
        if rng.random() < 0.08:
            return None
        if position <= 4 and rng.random() < 0.8:
            return PLAYBOOKS[0].name
        return rng.choice(PLAYBOOKS[1:]).name


def build_script(
    *,
    seed: int,
    bars: Mapping[str, Bars],
    ticks: Mapping[str, float],
    accounts: Sequence[AccountPlan],
    day_notes: int = 20,
) -> DemoScript:
    """The demo script over every session day the `bars` of the accounts' roots cover."""
    planner = _Planner(seed, bars, ticks)
    days = sorted({day for root in bars for day in planner.sessions[root]})
    for day in days:
        for account in accounts:
            not_before = datetime.min.replace(tzinfo=UTC)
            for _ in range(planner.rng.choice(TRADES_PER_SESSION)):
                exit_at = planner.plan_trade(account, day, not_before)
                if exit_at is None:
                    break
                not_before = exit_at
    by_day: dict[date, list[PlannedTrade]] = {}
    for trade in planner.trades:
        by_day.setdefault(trade.entry_at.astimezone(SESSION_TZ).date(), []).append(trade)
    chosen = sorted(planner.rng.sample(sorted(by_day), k=min(day_notes, len(by_day))))
    notes = tuple(
        (
            day,
            day_annotation(
                planner.rng,
                day=day,
                trades=len(by_day[day]),
                r_total=sum(t.r_result for t in by_day[day]),
            ),
        )
        for day in chosen
    )
    signals = tuple(sorted(planner.signals, key=lambda s: s.at))
    return DemoScript(tuple(planner.trades), signals, notes)
