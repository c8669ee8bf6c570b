"""Receiving a webhook signal: record every one, claim its dedup key, accept once.

The dedup guarantee lives in PostgreSQL: `signal_dedup` has one row per
(account, key); a claim is taken with INSERT … ON CONFLICT DO UPDATE … WHERE
the old claim has expired, so of two identical alerts inside the window exactly
one wins, even when they arrive at the same instant on different web workers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.domain.redaction import redact
from trendedge.models import Signal, SignalDedup, SignalStatus, WebhookToken
from trendedge.models._base import utcnow

MAX_STORED_TEXT = 4000


@dataclass(frozen=True)
class Received:
    """Where a signal ended up at intake."""

    signal: Signal
    duplicate_of: int | None = None

    @property
    def is_duplicate(self) -> bool:
        return self.signal.status == SignalStatus.duplicate


def stored_payload(payload: dict[str, Any] | None, raw_text: str | None = None) -> dict[str, Any]:
    """What the signals log keeps: the payload with secrets redacted (or the raw text)."""
    if payload is not None:
        return redact(payload)
    return {"_raw": (raw_text or "")[:MAX_STORED_TEXT]}


def _new_signal(
    token: WebhookToken,
    *,
    status: SignalStatus,
    payload: dict[str, Any],
    source_ip: str,
    reason: str = "",
    ticker: str = "",
    action: str = "",
    dedup_key: str = "",
) -> Signal:
    return Signal(
        user_id=token.user_id,
        account_id=token.account_id,
        token_id=token.id,
        status=status,
        payload=payload,
        source_ip=source_ip[:64],
        reason=reason[:1000],
        ticker=ticker[:64],
        action=action[:20],
        dedup_key=dedup_key,
    )


async def record_rejection(
    *,
    session: AsyncSession,
    token: WebhookToken,
    payload: dict[str, Any],
    source_ip: str,
    reason: str,
    ticker: str = "",
    action: str = "",
) -> Signal:
    """Store a refused signal with its reason (nothing is ever silently dropped)."""
    signal = _new_signal(
        token,
        status=SignalStatus.rejected,
        payload=payload,
        source_ip=source_ip,
        reason=reason,
        ticker=ticker,
        action=action,
    )
    signal.processed_at = signal.received_at
    session.add(signal)
    await session.flush()
    return signal


async def _claim(
    session: AsyncSession, *, account_id: int, key: str, window: timedelta, signal_id: int
) -> int | None:
    """Take the dedup claim; returns None when a live claim exists (a duplicate)."""
    table = SignalDedup.__table__  # type: ignore[attr-defined]
    expires = utcnow() + window
    stmt = (
        insert(table)
        .values(account_id=account_id, dedup_key=key, signal_id=signal_id, expires_at=expires)
        .on_conflict_do_update(
            constraint="uq_signal_dedup_key",
            set_={"signal_id": signal_id, "expires_at": expires},
            where=table.c.expires_at <= func.now(),
        )
        .returning(table.c.id)
    )
    return (await session.exec(stmt)).scalar_one_or_none()


async def _live_claim_owner(session: AsyncSession, *, account_id: int, key: str) -> int | None:
    stmt = select(SignalDedup.signal_id).where(
        SignalDedup.account_id == account_id, SignalDedup.dedup_key == key
    )
    return (await session.exec(stmt)).first()


async def receive(
    *,
    session: AsyncSession,
    token: WebhookToken,
    payload: dict[str, Any],
    source_ip: str,
    dedup_key: str,
    ticker: str,
    action: str,
    window: timedelta,
) -> Received:
    """Store a valid signal as accepted, or as a duplicate of a live claim.

    Call inside one transaction; the caller enqueues processing of an accepted
    signal only after the commit.
    """
    signal = _new_signal(
        token,
        status=SignalStatus.accepted,
        payload=payload,
        source_ip=source_ip,
        ticker=ticker,
        action=action,
        dedup_key=dedup_key,
    )
    session.add(signal)
    await session.flush()
    assert signal.id is not None
    claimed = await _claim(
        session, account_id=token.account_id, key=dedup_key, window=window, signal_id=signal.id
    )
    if claimed is not None:
        return Received(signal=signal)
    original = await _live_claim_owner(session, account_id=token.account_id, key=dedup_key)
    signal.status = SignalStatus.duplicate
    signal.reason = f"duplicate of signal {original} within the dedup window"
    signal.processed_at = utcnow()
    session.add(signal)
    await session.flush()
    return Received(signal=signal, duplicate_of=original)


async def touch_token(*, session: AsyncSession, token_id: int) -> None:
    """Record use of the token, at most every 30 s (no hot-row update per signal)."""
    table = WebhookToken.__table__  # type: ignore[attr-defined]
    stale = func.now() - timedelta(seconds=30)
    await session.exec(
        table.update()
        .where(table.c.id == token_id)
        .where((table.c.last_used_at.is_(None)) | (table.c.last_used_at < stale))
        .values(last_used_at=func.now())
    )
