"""`seed_demo`: a realistic demo user whose trades were made by the real paper engine.

What it creates, in one transaction, for the user keyed (issuer, subject) exactly as
`trendedge admin create-user` does: two accounts with a webhook token each, three
playbooks, a watchlist (ES and NQ, 15 m), 15-minute session bars of ES, NQ, MES and MNQ
over the last ~4 months (shared market data: stored bars are used and never
overwritten; synthetic bars are added only at session times that have none),
then a few hundred trades: every planned alert of `trendedge.domain.demo_script` is
received as a real Signal (`signal_intake.receive`, unique dedup key) and filled by
`paper_trading.execute_signal` at its historical time, so orders, fills, positions,
slippage, commission and R come from the engine. Trades are then linked to playbooks,
~40 % get a journal entry, ~20 trading days a day review, and MAE/MFE are computed
from the bars. The analytics cache is invalidated after the commit.

A user who already has accounts or trades is refused (ConflictError) and nothing
changes: running it twice says "already seeded".
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.db import session_scope
from trendedge.domain.demo_bars import (
    INSTRUMENTS,
    TIMEFRAME,
    Bars,
    bar_rows,
    session_times,
    synthetic_bars,
    weekdays,
)
from trendedge.domain.demo_notes import PLAYBOOKS
from trendedge.domain.demo_script import AccountPlan, DemoScript, build_script
from trendedge.domain.signals import TradingViewAlert, dedup_key
from trendedge.models import Account, JournalEntry, Playbook, Trade, User, WebhookToken
from trendedge.models._base import utcnow
from trendedge.services import accounts, analytics_cache, bars, users, watchlists, webhook_tokens
from trendedge.services.errors import ConflictError
from trendedge.services.excursions import fill_excursions
from trendedge.services.paper_trading import execute_signal
from trendedge.services.signal_intake import receive
from trendedge.services.tenancy import owned_by

SEED = 2026
CALENDAR_DAYS = 120
DEMO_ACCOUNTS = (
    (
        {
            "name": "Demo Futures",
            "broker": "Paper",
            "currency": "USD",
            "initial_balance": "50000",
            "slippage_ticks": 1,
            "default_stop_ticks": 16,
            "notes": "Demo data: E-mini S&P 500 and Nasdaq-100.",
        },
        AccountPlan("Demo Futures", ("ES", "NQ"), (1, 1, 2, 3)),
    ),
    (
        {
            "name": "Demo Micro",
            "broker": "Paper",
            "currency": "USD",
            "initial_balance": "10000",
            "slippage_ticks": 1,
            "notes": "Demo data: Micro E-mini S&P 500 and Nasdaq-100.",
        },
        AccountPlan("Demo Micro", ("MES", "MNQ"), (2, 4, 5, 10)),
    ),
)
WATCHLIST = (("ES", TIMEFRAME), ("NQ", TIMEFRAME))
Progress = Callable[[str, int, int], None]


class AlreadySeeded(ConflictError):
    """The user already holds the demo data (nothing was changed)."""


@dataclass(frozen=True)
class SeedSummary:
    user_id: int
    email: str
    accounts: int
    playbooks: int
    watchlist: int
    bars_written: int
    signals: int
    trades: int
    journal_entries: int
    day_entries: int
    with_excursions: int
    net_pnl: Decimal
    win_rate: float

    def lines(self) -> list[str]:
        return [
            f"demo user {self.user_id}: {self.email}",
            f"{self.accounts} accounts, {self.playbooks} playbooks, "
            f"{self.watchlist} watchlist items, {self.bars_written} bars written",
            f"{self.signals} signals -> {self.trades} trades "
            f"(win rate {self.win_rate:.0%}, net P&L {self.net_pnl:,.2f} USD)",
            f"{self.journal_entries} trade journal entries, {self.day_entries} day reviews, "
            f"{self.with_excursions} trades with MAE/MFE",
        ]


def _noop(stage: str, done: int, total: int) -> None:
    return None


async def _refuse_if_used(session: AsyncSession, *, issuer: str, subject: str) -> None:
    user = (
        await session.exec(select(User).where(User.issuer == issuer, User.subject == subject))
    ).first()
    if user is None or user.id is None:
        return
    names = set((await session.exec(select(Account.name).where(Account.user_id == user.id))).all())
    trades = (
        await session.exec(select(func.count()).select_from(Trade).where(Trade.user_id == user.id))
    ).one()
    if "Demo Futures" in names:
        raise AlreadySeeded(f"{user.email or subject} is already seeded with demo data")
    if names or trades:
        raise ConflictError(
            f"{user.email or subject} already has data ({len(names)} accounts, {trades} trades);"
            " demo data goes only to a new or empty user"
        )


async def _demo_bars(session: AsyncSession, days: list[date]) -> tuple[dict[str, Bars], int]:
    """The period's bars per root; synthetic ones are added only where none are stored."""
    times = session_times(days)
    start = datetime.combine(days[0], datetime.min.time(), tzinfo=UTC)
    end = datetime.combine(days[-1] + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    out: dict[str, Bars] = {}
    written = 0
    for root, instrument in INSTRUMENTS.items():
        window: dict[str, Any] = {"session": session, "instrument": root, "timeframe": TIMEFRAME}
        stored = await bars.load_bars(**window, start=start, end=end)
        missing = ~np.isin(times, stored.ts)
        if missing.any():
            rows = bar_rows(synthetic_bars(SEED, instrument, times), instrument.tick)
            written += await bars.upsert_bars(
                **window, rows=[row for row, gap in zip(rows, missing, strict=True) if gap]
            )
            stored = await bars.load_bars(**window, start=start, end=end)
        out[root] = Bars(
            stored.ts, stored.open, stored.high, stored.low, stored.close, stored.volume
        )
    return out, written


async def _execute(
    session: AsyncSession,
    script: DemoScript,
    tokens: dict[str, WebhookToken],
    progress: Progress,
) -> dict[int, list[Trade]]:
    """Send every planned alert through intake and the paper engine; trades per plan."""
    made: dict[int, list[Trade]] = {}
    total = len(script.signals)
    for number, planned in enumerate(script.signals, start=1):
        alert = TradingViewAlert.model_validate(planned.payload)
        received = await receive(
            session=session,
            token=tokens[planned.account],
            payload=planned.payload,
            source_ip="demo-seed",
            dedup_key=dedup_key(alert, planned.payload),
            ticker=alert.ticker,
            action=alert.action.value,
            window=timedelta(seconds=1),
        )
        signal = received.signal
        assert signal.id is not None and not received.is_duplicate
        signal.received_at = planned.at
        execution = await execute_signal(session=session, signal_id=signal.id, at=planned.at)
        if execution is None or execution.status != "filled":
            reason = execution.reason if execution else "not executed"
            raise RuntimeError(f"demo signal {planned.payload['id']} failed: {reason}")
        made.setdefault(planned.trade, []).extend(execution.trades)
        if number % 25 == 0 or number == total:
            progress("signals", number, total)
    return made


async def seed_demo(
    *,
    email: str,
    issuer: str,
    subject: str | None = None,
    today: date | None = None,
    progress: Progress | None = None,
    scope: Callable[[], AbstractAsyncContextManager[AsyncSession]] = session_scope,
) -> SeedSummary:
    """Create the demo user `email` (see the module doc); ConflictError if it has data."""
    report = progress or _noop
    subject = subject or email
    end = (today or datetime.now(UTC).date()) - timedelta(days=1)
    async with scope() as session:
        await _refuse_if_used(session, issuer=issuer, subject=subject)
        user = await users.upsert_oidc_user(
            session=session, issuer=issuer, subject=subject, email=email, name="Demo Trader"
        )
        assert user.id is not None
        user_id = user.id
        tokens: dict[str, WebhookToken] = {}
        for data, plan in DEMO_ACCOUNTS:
            account = await accounts.create_account(session=session, user_id=user_id, data=data)
            assert account.id is not None
            issued = await webhook_tokens.create_token(
                session=session, user_id=user_id, account_id=account.id, label="demo strategy"
            )
            tokens[plan.key] = issued.token
        books = {}
        now = utcnow()
        for spec in PLAYBOOKS:
            book = Playbook(
                user_id=user_id,
                name=spec.name,
                description=spec.description,
                rules=list(spec.rules),
                created_at=now,
                updated_at=now,
            )
            session.add(book)
            books[spec.name] = book
        for instrument, timeframe in WATCHLIST:
            await watchlists.add_item(
                session=session, user_id=user_id, instrument=instrument, timeframe=timeframe
            )
        await session.flush()
        report("bars", 0, 1)
        series, written = await _demo_bars(session, weekdays(end, CALENDAR_DAYS))
        report("bars", 1, 1)
        script = build_script(
            seed=SEED,
            bars=series,
            ticks={root: spec.tick for root, spec in INSTRUMENTS.items()},
            accounts=[plan for _, plan in DEMO_ACCOUNTS],
        )
        made = await _execute(session, script, tokens, report)
        journal, days = _annotate(session, user_id, script, made, books)
        await session.flush()
        trade_ids = [t.id for trades in made.values() for t in trades if t.id is not None]
        with_excursions = await fill_excursions(session, user_id=user_id, trade_ids=trade_ids)
        trades = list((await session.exec(owned_by(Trade, user_id=user_id))).all())
    await analytics_cache.invalidate(user_id=user_id)
    wins = sum(1 for t in trades if t.net_pnl > 0)
    return SeedSummary(
        user_id=user_id,
        email=email,
        accounts=len(DEMO_ACCOUNTS),
        playbooks=len(PLAYBOOKS),
        watchlist=len(WATCHLIST),
        bars_written=written,
        signals=len(script.signals),
        trades=len(trades),
        journal_entries=journal,
        day_entries=days,
        with_excursions=with_excursions,
        net_pnl=sum((t.net_pnl for t in trades), Decimal(0)),
        win_rate=wins / len(trades) if trades else 0.0,
    )


def _annotate(
    session: AsyncSession,
    user_id: int,
    script: DemoScript,
    made: dict[int, list[Trade]],
    books: dict[str, Playbook],
) -> tuple[int, int]:
    """Link trades to playbooks and write the journal; (trade entries, day entries)."""
    now = utcnow()
    entries = 0
    for planned in script.trades:
        trades = made.get(planned.index, [])
        for trade in trades:
            if planned.playbook is not None:
                trade.playbook_id = books[planned.playbook].id
                trade.rules_followed = list(planned.rules_followed)
            session.add(trade)
        if planned.journal is not None and trades:
            note = planned.journal
            session.add(
                JournalEntry(
                    user_id=user_id,
                    uid=note.uid,
                    trade_id=trades[-1].id,
                    notes=note.notes,
                    tags=list(note.tags),
                    mistakes=list(note.mistakes),
                    rating=note.rating,
                    created_at=now,
                    updated_at=now,
                )
            )
            entries += 1
    for day, note in script.days:
        session.add(
            JournalEntry(
                user_id=user_id,
                uid=note.uid,
                day=day,
                notes=note.notes,
                tags=list(note.tags),
                mistakes=list(note.mistakes),
                rating=note.rating,
                created_at=now,
                updated_at=now,
            )
        )
    return entries, len(script.days)
