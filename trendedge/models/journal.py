"""Journal entries (one per trade or per trading day), their screenshots, and playbooks."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Date, Index, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field, SQLModel

from trendedge.models._base import created_at_field

MAX_NOTES_CHARS = 50_000
MAX_TAGS = 20
MAX_TAG_CHARS = 40


class Playbook(SQLModel, table=True):
    """A named setup: a description and a checklist of rules (plain strings, in order)."""

    __tablename__ = "playbooks"
    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_playbooks_user_name"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=100)
    description: str = Field(default="", sa_type=Text)
    rules: list[str] = Field(default_factory=list, sa_column=Column(JSONB, nullable=False))
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class JournalEntry(SQLModel, table=True):
    """Notes on one trade (`trade_id`) or one trading day (`day`): exactly one is set.

    `notes` is markdown, stored as typed and always rendered escaped. `tags` and
    `mistakes` are short labels (lower-cased, unique, at most 20 each); `rating` 1-5.
    `uid` identifies the entry across export and re-import.
    """

    __tablename__ = "journal_entries"
    __table_args__ = (
        UniqueConstraint("trade_id", name="uq_journal_entries_trade"),
        UniqueConstraint("user_id", "day", name="uq_journal_entries_user_day"),
        UniqueConstraint("user_id", "uid", name="uq_journal_entries_user_uid"),
        CheckConstraint(
            "(trade_id IS NULL) <> (day IS NULL)", name="ck_journal_entries_trade_or_day"
        ),
        CheckConstraint(
            "rating IS NULL OR rating BETWEEN 1 AND 5", name="ck_journal_entries_rating"
        ),
        Index("ix_journal_entries_tags", "tags", postgresql_using="gin"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    uid: str = Field(max_length=36)
    trade_id: int | None = Field(default=None, foreign_key="trades.id", ondelete="CASCADE")
    day: date | None = Field(default=None, sa_type=Date)
    notes: str = Field(default="", sa_type=Text)
    tags: list[str] = Field(
        default_factory=list,
        sa_column=Column(ARRAY(String(MAX_TAG_CHARS)), nullable=False, server_default="{}"),
    )
    mistakes: list[str] = Field(
        default_factory=list,
        sa_column=Column(ARRAY(String(MAX_TAG_CHARS)), nullable=False, server_default="{}"),
    )
    rating: int | None = Field(default=None)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class Screenshot(SQLModel, table=True):
    """An image attached to a journal entry; the file lives under SCREENSHOT_DIR."""

    __tablename__ = "screenshots"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    entry_id: int = Field(foreign_key="journal_entries.id", index=True, ondelete="CASCADE")
    storage_name: str = Field(max_length=200, unique=True)
    content_type: str = Field(max_length=20)
    size_bytes: int
    width: int
    height: int
    original_name: str = Field(default="", max_length=255)
    created_at: datetime = created_at_field()
