"""services.users (OIDC provisioning) and services.sessions on the real database."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.models import User, UserSession
from trendedge.services.sessions import (
    end_session,
    purge_expired,
    start_session,
    user_for_token,
)
from trendedge.services.users import list_users, upsert_oidc_user

ISSUER = "https://issuer.test"
OTHER_ISSUER = "https://other-issuer.test"


async def user_id(session: AsyncSession, subject: str, *, issuer: str = ISSUER) -> int:
    user = await upsert_oidc_user(
        session=session, issuer=issuer, subject=subject, email=f"{subject}@example.com", name=None
    )
    assert user.id is not None
    return user.id


# --- users ---------------------------------------------------------------------------------


async def test_same_subject_twice_is_one_user_with_refreshed_profile(db: AsyncSession) -> None:
    first = await upsert_oidc_user(
        session=db, issuer=ISSUER, subject="s-1", email="old@example.com", name="Old"
    )
    first_login = first.last_login_at
    second = await upsert_oidc_user(
        session=db, issuer=ISSUER, subject="s-1", email="new@example.com", name="New"
    )

    assert second.id == first.id
    users = await list_users(session=db)
    assert [(u.id, u.subject, u.email, u.name) for u in users] == [
        (first.id, "s-1", "new@example.com", "New")
    ]
    assert first_login is not None and users[0].last_login_at is not None
    assert users[0].last_login_at >= first_login


async def test_same_email_with_another_subject_is_another_user(db: AsyncSession) -> None:
    a = await upsert_oidc_user(
        session=db, issuer=ISSUER, subject="s-1", email="same@example.com", name=None
    )
    b = await upsert_oidc_user(
        session=db, issuer=ISSUER, subject="s-2", email="same@example.com", name=None
    )

    assert a.id != b.id
    assert [(u.subject, u.email) for u in await list_users(session=db)] == [
        ("s-1", "same@example.com"),
        ("s-2", "same@example.com"),
    ]


async def test_same_subject_at_another_issuer_is_another_user(db: AsyncSession) -> None:
    a = await upsert_oidc_user(
        session=db, issuer=ISSUER, subject="s-1", email="same@example.com", name=None
    )
    b = await upsert_oidc_user(
        session=db, issuer=OTHER_ISSUER, subject="s-1", email="same@example.com", name=None
    )

    assert a.id != b.id
    assert sorted((u.issuer, u.subject) for u in await list_users(session=db)) == [
        (ISSUER, "s-1"),
        (OTHER_ISSUER, "s-1"),
    ]


# --- sessions ------------------------------------------------------------------------------


async def test_only_the_token_hash_is_stored(db: AsyncSession) -> None:
    uid = await user_id(db, "alice")
    new = await start_session(session=db, user_id=uid, ttl=timedelta(hours=1), id_token="id.tok")

    assert len(new.token) >= 43  # 32 random bytes, URL-safe base64
    assert new.expires_in_seconds == 3600
    row = (await db.exec(select(UserSession))).one()
    assert row.user_id == uid
    assert row.token_hash == hashlib.sha256(new.token.encode()).hexdigest()
    raw_rows = (await db.exec(text("SELECT * FROM user_sessions"))).all()  # type: ignore[call-overload]
    assert all(new.token not in str(value) for value in raw_rows[0])


async def test_each_session_gets_a_fresh_token(db: AsyncSession) -> None:
    uid = await user_id(db, "alice")
    tokens = {
        (await start_session(session=db, user_id=uid, ttl=timedelta(hours=1))).token
        for _ in range(3)
    }
    assert len(tokens) == 3


async def test_user_for_token_finds_the_sessions_user(db: AsyncSession) -> None:
    alice, bob = await user_id(db, "alice"), await user_id(db, "bob")
    alice_token = (await start_session(session=db, user_id=alice, ttl=timedelta(hours=1))).token
    bob_token = (await start_session(session=db, user_id=bob, ttl=timedelta(hours=1))).token

    found_alice = await user_for_token(session=db, token=alice_token)
    found_bob = await user_for_token(session=db, token=bob_token)

    assert isinstance(found_alice, User) and found_alice.id == alice
    assert isinstance(found_bob, User) and found_bob.id == bob


@pytest.mark.parametrize("token", [None, "", "not-a-real-token"])
async def test_user_for_token_rejects_missing_or_unknown_tokens(
    db: AsyncSession, token: str | None
) -> None:
    uid = await user_id(db, "alice")
    await start_session(session=db, user_id=uid, ttl=timedelta(hours=1))
    assert await user_for_token(session=db, token=token) is None


@pytest.mark.parametrize("ttl", [timedelta(seconds=-1), timedelta(0)])
async def test_expired_session_finds_no_user(db: AsyncSession, ttl: timedelta) -> None:
    uid = await user_id(db, "alice")
    new = await start_session(session=db, user_id=uid, ttl=ttl)
    assert await user_for_token(session=db, token=new.token) is None


async def test_end_session_deletes_it_and_returns_the_id_token(db: AsyncSession) -> None:
    uid = await user_id(db, "alice")
    ended = await start_session(session=db, user_id=uid, ttl=timedelta(hours=1), id_token="idt")
    kept = await start_session(session=db, user_id=uid, ttl=timedelta(hours=1))

    assert await end_session(session=db, token=ended.token) == "idt"

    assert await user_for_token(session=db, token=ended.token) is None
    assert await user_for_token(session=db, token=kept.token) is not None
    remaining = (await db.exec(select(UserSession.token_hash))).all()
    assert remaining == [hashlib.sha256(kept.token.encode()).hexdigest()]
    # Ending it again (or an unknown / missing token) finds nothing.
    assert await end_session(session=db, token=ended.token) is None
    assert await end_session(session=db, token=None) is None


async def test_purge_expired_removes_only_expired_sessions(db: AsyncSession) -> None:
    uid = await user_id(db, "alice")
    live = await start_session(session=db, user_id=uid, ttl=timedelta(hours=1))
    for ttl in (timedelta(seconds=-5), timedelta(days=-3), timedelta(0)):
        await start_session(session=db, user_id=uid, ttl=ttl)

    assert await purge_expired(session=db) == 3

    rows = (await db.exec(select(UserSession))).all()
    assert [r.token_hash for r in rows] == [hashlib.sha256(live.token.encode()).hexdigest()]
    assert await user_for_token(session=db, token=live.token) is not None
    assert await purge_expired(session=db) == 0
