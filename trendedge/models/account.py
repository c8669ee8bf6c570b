"""Trading accounts: the first tenant-owned table (every row carries user_id)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import field_validator
from sqlalchemy import Column, DateTime, Numeric, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from trendedge.domain.currencies import normalise_currency
from trendedge.models._base import created_at_field, utcnow

MAX_BALANCE = 1e12


class FillBasis(StrEnum):
    """Which price a paper fill starts from: the alert's price or the bar close."""

    alert_price = "alert_price"
    bar_close = "bar_close"


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
    # Paper-trading fill model, per account (see trendedge/domain/fills.py).
    slippage_ticks: int = Field(default=1, ge=0, le=50)
    commission_per_side: Decimal | None = Field(
        default=None, ge=0, le=1000, max_digits=10, decimal_places=4, sa_type=Numeric(10, 4)
    )
    fill_basis: FillBasis = Field(default=FillBasis.alert_price, sa_type=String(20))
    # Default stop rule: when a trade carries no stop, assume one this many ticks away
    # from the entry so its R can still be computed. None = no rule (R stays unknown).
    default_stop_ticks: int | None = Field(default=None, ge=1, le=100_000)

    @field_validator("default_stop_ticks", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("commission_per_side", mode="before")
    @classmethod
    def _blank_is_default(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

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
    # The column mapping last used to import a CSV of an unknown layout (see imports).
    import_mapping: dict[str, Any] | None = Field(
        default=None, sa_column=Column(JSONB, nullable=True)
    )
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
