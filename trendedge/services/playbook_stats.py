"""A playbook's own statistics: the standard summary, rule adherence and an equity curve.

One SQL query fetches the playbook's trades as columns (plus one boolean column per
rule and one for "followed every rule"); numpy does the rest through
`trendedge.domain.metrics`. P&L is summed as stored, in each trade's currency
(`currencies` lists them so the page can say when they are mixed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import func, literal
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.domain.metrics import EquityCurve, Summary, equity_curve, summary
from trendedge.domain.trade_arrays import TradeArrays, floats
from trendedge.models import Trade
from trendedge.services.playbooks import get_playbook


@dataclass(frozen=True)
class RuleAdherence:
    """How often one rule was followed: `followed` of the playbook's trades (rate 0-1)."""

    rule: str
    followed: int
    rate: float | None


@dataclass(frozen=True)
class PlaybookStats:
    """Summary metrics, per-rule adherence, P&L of trades that followed every rule vs
    not, and the equity curve (cumulative net P&L from 0) of the playbook's trades."""

    summary: Summary
    currencies: tuple[str, ...]
    rules: tuple[RuleAdherence, ...]
    all_followed_trades: int
    all_followed_pnl: float
    not_all_followed_trades: int
    not_all_followed_pnl: float
    equity: EquityCurve


async def playbook_stats(*, session: AsyncSession, user_id: int, playbook_id: int) -> PlaybookStats:
    """Statistics of the user's playbook `playbook_id`; NotFoundError if not theirs."""
    playbook = await get_playbook(session=session, user_id=user_id, playbook_id=playbook_id)
    rules = list(playbook.rules)
    followed = col(Trade.rules_followed)
    query = (
        select(  # type: ignore[call-overload]
            Trade.entry_time,
            Trade.exit_time,
            Trade.net_pnl,
            Trade.commission,
            Trade.r_multiple,
            Trade.risk,
            Trade.direction,
            Trade.currency,
            followed.contains(rules) if rules else literal(True),
            *(func.jsonb_exists(followed, rule) for rule in rules),
        )
        .where(Trade.user_id == user_id, Trade.playbook_id == playbook_id)
        .order_by(col(Trade.exit_time), col(Trade.id))
    )
    rows = (await session.exec(query)).all()
    width = 9 + len(rules)
    columns: list[Any] = list(zip(*rows, strict=True)) if rows else [()] * width
    trades = TradeArrays.from_columns(
        entry_time=columns[0],
        exit_time=columns[1],
        net_pnl=columns[2],
        commission=columns[3],
        r_multiple=columns[4],
        risk=columns[5],
        direction=np.asarray(columns[6], dtype=object) if rows else None,
    )
    n = len(trades)
    pnl = floats(columns[2]) if rows else np.zeros(0)
    all_followed = np.asarray(columns[8], dtype=bool)
    per_rule = tuple(
        RuleAdherence(
            rule=rule,
            followed=int(np.count_nonzero(np.asarray(columns[9 + k], dtype=bool))),
            rate=float(np.count_nonzero(np.asarray(columns[9 + k], dtype=bool))) / n if n else None,
        )
        for k, rule in enumerate(rules)
    )
    return PlaybookStats(
        summary=summary(trades, starting_balance=0.0),
        currencies=tuple(sorted(set(columns[7]))),
        rules=per_rule,
        all_followed_trades=int(all_followed.sum()),
        all_followed_pnl=float(pnl[all_followed].sum()),
        not_all_followed_trades=int((~all_followed).sum()),
        not_all_followed_pnl=float(pnl[~all_followed].sum()),
        equity=equity_curve(trades, 0.0),
    )
