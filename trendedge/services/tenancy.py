"""The tenant data-access layer: every query of tenant data goes through here.

A tenant-owned table has an integer `user_id` column. These helpers make the
user id a required, keyword-only argument so no query can forget it.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from trendedge.services.errors import NotFoundError


class TenantOwned(Protocol):
    id: int | None
    user_id: int


OwnedT = TypeVar("OwnedT", bound=TenantOwned)


def _require_user(user_id: int) -> int:
    if not isinstance(user_id, int) or isinstance(user_id, bool) or user_id <= 0:
        raise PermissionError("a tenant query needs the signed-in user's id")
    return user_id


def owned_by(model: type[OwnedT], *, user_id: int) -> SelectOfScalar[OwnedT]:
    """`SELECT model WHERE user_id = :user_id`; add filters and ordering to it."""
    column: Any = model.user_id  # type: ignore[attr-defined]
    return select(model).where(column == _require_user(user_id))


async def get_owned(
    session: AsyncSession, model: type[OwnedT], *, user_id: int, row_id: int
) -> OwnedT:
    """The row `row_id` of `model` if it belongs to `user_id`, else `NotFoundError`."""
    id_column: Any = model.id  # type: ignore[attr-defined]
    row = (await session.exec(owned_by(model, user_id=user_id).where(id_column == row_id))).first()
    if row is None:
        raise NotFoundError(f"{model.__name__} {row_id} not found")
    return row


def new_owned(model: type[OwnedT], *, user_id: int, **values: Any) -> OwnedT:
    """A new row of `model` stamped with its owner."""
    factory: Any = model
    return factory(user_id=_require_user(user_id), **values)
