"""Received webhook signals (every one, accepted or not) and the dedup claims."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from trendedge.models._base import created_at_field, timestamp_field


class SignalStatus(StrEnum):
    accepted = "accepted"
    duplicate = "duplicate"
    rejected = "rejected"
    filled = "filled"
    ignored = "ignored"
    failed = "failed"


class Signal(SQLModel, table=True):
    __tablename__ = "signals"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    account_id: int = Field(foreign_key="accounts.id", index=True, ondelete="CASCADE")
    token_id: int | None = Field(default=None, foreign_key="webhook_tokens.id", ondelete="SET NULL")
    received_at: datetime = created_at_field()
    processed_at: datetime | None = timestamp_field(nullable=True)
    status: SignalStatus = Field(sa_type=String(20), index=True)
    reason: str = Field(default="", max_length=1000)
    source_ip: str = Field(default="", max_length=64)
    ticker: str = Field(default="", max_length=64)
    action: str = Field(default="", max_length=20)
    dedup_key: str = Field(default="", max_length=300)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))


class SignalDedup(SQLModel, table=True):
    """One live claim per (account, key); a claim older than its window may be retaken."""

    __tablename__ = "signal_dedup"
    __table_args__ = (UniqueConstraint("account_id", "dedup_key", name="uq_signal_dedup_key"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="accounts.id", ondelete="CASCADE")
    dedup_key: str = Field(max_length=300)
    signal_id: int | None = Field(default=None)
    expires_at: datetime = timestamp_field()
