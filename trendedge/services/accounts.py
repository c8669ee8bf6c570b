"""Trading accounts of one user: list, create, update, delete."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.db import after_commit
from trendedge.domain.validation import field_errors
from trendedge.models import Account, AccountCreate, AccountUpdate
from trendedge.models._base import utcnow
from trendedge.services import analytics_cache
from trendedge.services.errors import ConflictError, InvalidInputError
from trendedge.services.tenancy import get_owned, new_owned, owned_by


def _validated(model: type[AccountCreate] | type[AccountUpdate], data: Mapping[str, Any]):
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        raise InvalidInputError(
            "The account has invalid fields", details=field_errors(exc)
        ) from exc


def _analytics_stale(session: AsyncSession, user_id: int) -> None:
    """Balances and account lists feed the analytics: drop cached results after commit."""
    after_commit(session, lambda: analytics_cache.invalidate(user_id=user_id))


def _name_taken(name: str) -> ConflictError:
    return ConflictError(
        f"An account named '{name}' already exists", details={"name": "This name is already used"}
    )


async def list_accounts(*, session: AsyncSession, user_id: int) -> list[Account]:
    """The user's accounts, by name."""
    query = owned_by(Account, user_id=user_id).order_by(Account.name)  # type: ignore[arg-type]
    return list((await session.exec(query)).all())


async def get_account(*, session: AsyncSession, user_id: int, account_id: int) -> Account:
    """One account of the user; `NotFoundError` if it is not theirs."""
    return await get_owned(session, Account, user_id=user_id, row_id=account_id)


async def create_account(
    *, session: AsyncSession, user_id: int, data: Mapping[str, Any]
) -> Account:
    """Validate `data` and store a new account; `InvalidInputError` names bad fields."""
    account_in = _validated(AccountCreate, data)
    account = new_owned(Account, user_id=user_id, **account_in.model_dump())
    session.add(account)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise _name_taken(account_in.name) from exc
    _analytics_stale(session, user_id)
    await session.refresh(account)
    return account


async def update_account(
    *, session: AsyncSession, user_id: int, account_id: int, data: Mapping[str, Any]
) -> Account:
    """Replace the editable fields of the user's account `account_id`."""
    account = await get_account(session=session, user_id=user_id, account_id=account_id)
    account_in = _validated(AccountUpdate, data)
    for field, value in account_in.model_dump(exclude_unset=True).items():
        setattr(account, field, value)
    account.updated_at = utcnow()
    session.add(account)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise _name_taken(account_in.name) from exc
    await session.refresh(account)
    _analytics_stale(session, user_id)
    return account


async def delete_account(*, session: AsyncSession, user_id: int, account_id: int) -> None:
    """Delete the user's account `account_id`; `NotFoundError` if it is not theirs."""
    account = await get_account(session=session, user_id=user_id, account_id=account_id)
    await session.delete(account)
    await session.flush()
    _analytics_stale(session, user_id)
