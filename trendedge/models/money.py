"""Per-user display preferences, daily FX rates and account cash transactions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, Numeric, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from trendedge.models._base import created_at_field, timestamp_field
from trendedge.models.trading import MONEY


class UserPreferences(SQLModel, table=True):
    """One row per user; missing means the defaults (USD, converted, UTC)."""

    __tablename__ = "user_preferences"

    user_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    default_currency: str = Field(default="USD", max_length=3)
    show_converted: bool = True
    time_zone: str = Field(default="UTC", max_length=64)
    updated_at: datetime = created_at_field()


class FxRate(SQLModel, table=True):
    """`rate` units of `currency` per 1 EUR on `day` (the ECB convention).

    `user_id` NULL = a shared reference rate (ECB file, bundled history); a user's own
    row is a rate entered by hand and wins over the shared one for that user only.
    """

    __tablename__ = "fx_rates"
    __table_args__ = (
        UniqueConstraint(
            "user_id",
            "day",
            "currency",
            name="uq_fx_rates_user_day_currency",
            postgresql_nulls_not_distinct=True,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(
        default=None, foreign_key="users.id", index=True, ondelete="CASCADE"
    )
    day: date = Field(sa_type=Date)
    currency: str = Field(max_length=3)
    rate: Decimal = Field(sa_type=Numeric(20, 10))
    source: str = Field(default="ecb", sa_type=String(20))
    created_at: datetime = created_at_field()


class AccountTransaction(SQLModel, table=True):
    """A cash movement: deposit / withdrawal (amount > 0, sign from `kind`), fee or
    adjustment (signed), in the account's currency."""

    __tablename__ = "account_transactions"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    account_id: int = Field(foreign_key="accounts.id", index=True, ondelete="CASCADE")
    kind: str = Field(sa_type=String(20))
    amount: Decimal = Field(sa_type=MONEY)
    currency: str = Field(max_length=3)
    occurred_at: datetime = timestamp_field()
    note: str = Field(default="", max_length=200)
    created_at: datetime = created_at_field()
