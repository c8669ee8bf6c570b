"""Per-user webhook tokens; each is bound to one account. Only a hash is stored."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from trendedge.models._base import created_at_field, timestamp_field


class WebhookToken(SQLModel, table=True):
    __tablename__ = "webhook_tokens"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    account_id: int = Field(foreign_key="accounts.id", index=True, ondelete="CASCADE")
    label: str = Field(default="", max_length=100)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    token_hint: str = Field(max_length=12, description="first characters, for recognising it")
    hmac_secret_encrypted: str | None = Field(default=None, max_length=500)
    allowed_ips: str = Field(default="", max_length=2000, description="comma-separated IPs/CIDRs")
    created_at: datetime = created_at_field()
    revoked_at: datetime | None = timestamp_field(nullable=True)
    last_used_at: datetime | None = timestamp_field(nullable=True)
