"""Users, keyed by their OpenID Connect (issuer, subject) — never by e-mail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from trendedge.models._base import created_at_field, timestamp_field


class UserBase(SQLModel):
    email: str | None = Field(default=None, max_length=320)
    name: str | None = Field(default=None, max_length=200)


class User(UserBase, table=True):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_users_issuer_subject"),)

    id: int | None = Field(default=None, primary_key=True)
    issuer: str = Field(max_length=500)
    subject: str = Field(max_length=255)
    created_at: datetime = created_at_field()
    last_login_at: datetime | None = timestamp_field(nullable=True)


class UserPublic(UserBase):
    id: int
    issuer: str
    subject: str
    created_at: datetime
