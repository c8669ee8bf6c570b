"""Server-side sign-in sessions; the browser holds only a random token."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from trendedge.models._base import created_at_field, timestamp_field


class UserSession(SQLModel, table=True):
    __tablename__ = "user_sessions"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True, index=True)
    id_token: str | None = Field(default=None, max_length=8000)
    created_at: datetime = created_at_field()
    expires_at: datetime = timestamp_field()
