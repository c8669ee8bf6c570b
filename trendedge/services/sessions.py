"""Server-side sign-in sessions.

The browser holds a random 256-bit token in an httpOnly cookie; the database
holds only its SHA-256. Signing out deletes the row, so a copied cookie dies too.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.models import User, UserSession
from trendedge.models._base import utcnow


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewSession:
    token: str
    expires_in_seconds: int


async def start_session(
    *, session: AsyncSession, user_id: int, ttl: timedelta, id_token: str | None = None
) -> NewSession:
    """Create a session for `user_id` and return the raw token for the cookie."""
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            user_id=user_id,
            token_hash=hash_token(token),
            id_token=id_token,
            expires_at=utcnow() + ttl,
        )
    )
    await session.flush()
    return NewSession(token=token, expires_in_seconds=int(ttl.total_seconds()))


async def user_for_token(*, session: AsyncSession, token: str | None) -> User | None:
    """The signed-in user of a live session token, or None (missing, unknown or expired)."""
    if not token:
        return None
    query = (
        select(User)
        .join(UserSession, col(UserSession.user_id) == col(User.id))
        .where(UserSession.token_hash == hash_token(token), col(UserSession.expires_at) > utcnow())
    )
    return (await session.exec(query)).first()


async def end_session(*, session: AsyncSession, token: str | None) -> str | None:
    """Delete the session of `token`; returns its ID token (for the provider's logout)."""
    if not token:
        return None
    row = (
        await session.exec(select(UserSession).where(UserSession.token_hash == hash_token(token)))
    ).first()
    if row is None:
        return None
    await session.exec(delete(UserSession).where(col(UserSession.id) == row.id))  # type: ignore[call-overload]
    return row.id_token


async def purge_expired(*, session: AsyncSession) -> int:
    """Delete expired sessions; returns how many."""
    result = await session.exec(  # type: ignore[call-overload]
        delete(UserSession).where(col(UserSession.expires_at) <= utcnow())
    )
    return int(result.rowcount or 0)
