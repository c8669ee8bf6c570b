"""Webhook tokens: create (shown once), list, revoke, rotate, and find by raw token.

A token is 256 random bits, URL-safe; the database keeps only its SHA-256.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.crypto import encrypt
from trendedge.domain.network import parse_networks
from trendedge.models import WebhookToken
from trendedge.models._base import utcnow
from trendedge.services.accounts import get_account
from trendedge.services.errors import InvalidInputError
from trendedge.services.tenancy import get_owned, new_owned, owned_by

WEBHOOK_PATH = "/api/v1/webhooks/tradingview/"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    """A freshly created token: `raw` exists only here, never in the database."""

    token: WebhookToken
    raw: str

    def url(self, base_url: str) -> str:
        return f"{base_url}{WEBHOOK_PATH}{self.raw}"


def _validated_ips(allowed_ips: str) -> str:
    try:
        return ", ".join(str(n) for n in parse_networks(allowed_ips))
    except ValueError as exc:
        raise InvalidInputError(str(exc), details={"allowed_ips": str(exc)}) from exc


async def create_token(
    *,
    session: AsyncSession,
    user_id: int,
    account_id: int,
    label: str = "",
    hmac_secret: str | None = None,
    allowed_ips: str = "",
) -> IssuedToken:
    """A new token bound to the user's account `account_id`."""
    await get_account(session=session, user_id=user_id, account_id=account_id)
    if hmac_secret is not None and len(hmac_secret) < 16:
        raise InvalidInputError(
            "HMAC secret too short", details={"hmac_secret": "Use at least 16 characters"}
        )
    raw = secrets.token_urlsafe(32)
    token = new_owned(
        WebhookToken,
        user_id=user_id,
        account_id=account_id,
        label=label.strip()[:100],
        token_hash=hash_token(raw),
        token_hint=raw[:6],
        hmac_secret_encrypted=encrypt(hmac_secret) if hmac_secret else None,
        allowed_ips=_validated_ips(allowed_ips),
    )
    session.add(token)
    await session.flush()
    return IssuedToken(token=token, raw=raw)


async def list_tokens(*, session: AsyncSession, user_id: int) -> list[WebhookToken]:
    query = owned_by(WebhookToken, user_id=user_id).order_by(col(WebhookToken.id).desc())
    return list((await session.exec(query)).all())


async def revoke_token(*, session: AsyncSession, user_id: int, token_id: int) -> WebhookToken:
    token = await get_owned(session, WebhookToken, user_id=user_id, row_id=token_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
        await session.flush()
    return token


async def rotate_token(*, session: AsyncSession, user_id: int, token_id: int) -> IssuedToken:
    """Revoke `token_id` and issue a new one with the same account and settings."""
    old = await revoke_token(session=session, user_id=user_id, token_id=token_id)
    raw = secrets.token_urlsafe(32)
    token = new_owned(
        WebhookToken,
        user_id=user_id,
        account_id=old.account_id,
        label=old.label,
        token_hash=hash_token(raw),
        token_hint=raw[:6],
        hmac_secret_encrypted=old.hmac_secret_encrypted,
        allowed_ips=old.allowed_ips,
    )
    session.add(token)
    await session.flush()
    return IssuedToken(token=token, raw=raw)


async def find_active_token(*, session: AsyncSession, raw: str) -> WebhookToken | None:
    """The live token whose hash matches `raw` (compared in constant time), else None."""
    if not raw or len(raw) > 200:
        return None
    digest = hash_token(raw)
    # Deliberately not tenant-scoped: the token is what identifies the tenant.
    query = select(WebhookToken).where(WebhookToken.token_hash == digest)
    token = (await session.exec(query)).first()
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    return token if token.revoked_at is None else None
