"""Users as provisioned by OpenID Connect (keyed on issuer + subject)."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.models import User
from trendedge.models._base import utcnow


async def upsert_oidc_user(
    *, session: AsyncSession, issuer: str, subject: str, email: str | None, name: str | None
) -> User:
    """The user for (issuer, subject), created on first sign-in; e-mail and name refreshed."""
    now = utcnow()
    stmt = (
        insert(User)
        .values(
            issuer=issuer,
            subject=subject,
            email=email,
            name=name,
            created_at=now,
            last_login_at=now,
        )
        .on_conflict_do_update(
            constraint="uq_users_issuer_subject",
            set_={"email": email, "name": name, "last_login_at": now},
        )
        .returning(col(User.id))
    )
    user_id = (await session.exec(stmt)).scalar_one()  # type: ignore[call-overload]
    user = await session.get(User, user_id, populate_existing=True)
    assert user is not None
    return user


async def get_user(*, session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def list_users(*, session: AsyncSession) -> list[User]:
    """Every user (operator view), oldest first."""
    return list((await session.exec(select(User).order_by(col(User.id)))).all())
