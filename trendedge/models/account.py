"""Trading accounts: the first tenant-owned table (every row carries user_id)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import field_validator
from sqlalchemy import DateTime, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from trendedge.domain.currencies import normalise_currency
from trendedge.models._base import created_at_field, utcnow

MAX_BALANCE = 1e12


class AccountBase(SQLModel):
    name: str = Field(min_length=1, max_length=100)
    broker: str = Field(default="", max_length=100)
    currency: str = Field(default="USD", min_length=3, max_length=3)
    initial_balance: Decimal = Field(
        default=Decimal("0"),
        ge=0,
        lt=MAX_BALANCE,
        max_digits=15,
        decimal_places=2,
        sa_type=Numeric(15, 2),
    )
    notes: str = Field(default="", max_length=2000)

    @field_validator("name", "broker", "notes", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value

    @field_validator("currency", mode="before")
    @classmethod
    def _currency(cls, value: object) -> object:
        return normalise_currency(value) if isinstance(value, str) else value


class Account(AccountBase, table=True):
    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_accounts_user_name"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    created_at: datetime = created_at_field()
    updated_at: datetime = Field(
        default_factory=utcnow, sa_type=DateTime(timezone=True), nullable=False
    )


class AccountCreate(AccountBase):
    pass


class AccountUpdate(AccountBase):
    pass


class AccountPublic(AccountBase):
    id: int
    created_at: datetime
    updated_at: datetime
