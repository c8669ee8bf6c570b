"""Deposits, withdrawals, fees and adjustments of a user's accounts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.models import Account, AccountTransaction
from trendedge.models._base import utcnow
from trendedge.services.errors import InvalidInputError
from trendedge.services.tenancy import get_owned, new_owned, owned_by

KINDS = ("deposit", "withdrawal", "fee", "adjustment")
MAX_AMOUNT = Decimal("1e12")


def _amount(kind: str, raw: object) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation as exc:
        raise ValueError(f"'{raw}' is not a number") from exc
    if not value.is_finite() or abs(value) >= MAX_AMOUNT:
        raise ValueError(f"'{raw}' is out of range")
    if kind != "adjustment" and value <= 0:
        raise ValueError("must be positive (the kind gives the direction)")
    if value == 0:
        raise ValueError("must not be zero")
    return value


def _occurred_at(raw: object) -> datetime:
    value = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw).strip())
    if value.tzinfo is None:
        raise ValueError("needs a time zone (times are stored in UTC)")
    return value


async def add_transaction(
    *, session: AsyncSession, user_id: int, account_id: int, data: Mapping[str, Any]
) -> AccountTransaction:
    """Record a cash movement on one of the user's accounts; errors name the field."""
    account = await get_owned(session, Account, user_id=user_id, row_id=account_id)
    errors: dict[str, str] = {}
    kind = str(data.get("kind", "")).strip().lower()
    if kind not in KINDS:
        errors["kind"] = f"must be one of {', '.join(KINDS)}"
    amount = Decimal(0)
    try:
        amount = _amount(kind, data.get("amount", ""))
    except ValueError as exc:
        errors["amount"] = str(exc)
    occurred = utcnow()
    try:
        occurred = _occurred_at(data.get("occurred_at") or utcnow())
    except ValueError as exc:
        errors["occurred_at"] = f"not a date and time: {exc}"
    note = str(data.get("note", "")).strip()
    if len(note) > 200:
        errors["note"] = "at most 200 characters"
    if errors:
        raise InvalidInputError("The transaction has invalid fields", details=errors)
    row = new_owned(
        AccountTransaction,
        user_id=user_id,
        account_id=account_id,
        kind=kind,
        amount=amount,
        currency=account.currency,
        occurred_at=occurred,
        note=note,
    )
    session.add(row)
    await session.flush()
    return row


async def list_transactions(
    *, session: AsyncSession, user_id: int, account_id: int | None = None, limit: int = 200
) -> list[AccountTransaction]:
    """The user's cash movements, newest first (optionally of one account)."""
    query = owned_by(AccountTransaction, user_id=user_id)
    if account_id is not None:
        query = query.where(col(AccountTransaction.account_id) == account_id)
    query = query.order_by(col(AccountTransaction.occurred_at).desc()).limit(limit)
    return list((await session.exec(query)).all())


async def delete_transaction(*, session: AsyncSession, user_id: int, transaction_id: int) -> None:
    """Delete one of the user's cash movements (`NotFoundError` otherwise)."""
    row = await get_owned(session, AccountTransaction, user_id=user_id, row_id=transaction_id)
    await session.delete(row)
    await session.flush()
