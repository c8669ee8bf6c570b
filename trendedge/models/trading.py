"""Paper orders, fills, open positions and closed trades (money in contract currency)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import uuid4

from sqlalchemy import Column, Computed, Index, LargeBinary, Numeric, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from trendedge.models._base import created_at_field, timestamp_field

PRICE = Numeric(28, 12)
MONEY = Numeric(24, 10)
QTY = Numeric(12, 4)

# The analytics dashboard's copy of a trade's numbers as one fixed-width binary record
# (80 bytes of PostgreSQL binary send formats, big-endian), kept up to date by
# PostgreSQL (a STORED generated column) and read for 100,000 trades with one
# `string_agg` + `numpy.frombuffer` (trendedge/services/analytics_sql.py ROW_DTYPE
# decodes it; migration 0007 creates it). Layout: id int4, entry_time and exit_time
# int8 (microseconds since 2000-01-01 UTC), net_pnl, commission, r_multiple, risk, mae,
# mfe float8 (NULL -> NaN), direction int4 (+1 long, -1 short), playbook_id int4 (NULL
# -> -1), account_id int4. Changing it needs a migration and ROW_DTYPE changed together.
ANALYTICS_ROW_SQL = (
    "int4send(id) || timestamptz_send(entry_time) || timestamptz_send(exit_time)"
    " || float8send(coalesce(net_pnl::float8, 'NaN'))"
    " || float8send(coalesce(commission::float8, 'NaN'))"
    " || float8send(coalesce(r_multiple::float8, 'NaN'))"
    " || float8send(coalesce(risk::float8, 'NaN'))"
    " || float8send(coalesce(mae::float8, 'NaN'))"
    " || float8send(coalesce(mfe::float8, 'NaN'))"
    " || int4send(CASE WHEN direction = 'short' THEN -1 ELSE 1 END)"
    " || int4send(coalesce(playbook_id, -1)) || int4send(account_id)"
)


def price_field(*, nullable: bool = False) -> Decimal:
    return Field(default=None, sa_type=PRICE, nullable=nullable)


def money_field() -> Decimal:
    return Field(default=Decimal(0), sa_type=MONEY, nullable=False)


class Order(SQLModel, table=True):
    """A market order; `signal_id` is unique, so one signal can never fill twice."""

    __tablename__ = "orders"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    account_id: int = Field(foreign_key="accounts.id", index=True, ondelete="CASCADE")
    signal_id: int | None = Field(
        default=None, foreign_key="signals.id", unique=True, ondelete="SET NULL"
    )
    symbol: str = Field(max_length=64)
    root: str = Field(max_length=10)
    side: str = Field(sa_type=String(4))
    quantity: Decimal = Field(sa_type=QTY)
    status: str = Field(default="filled", sa_type=String(20))
    reason: str = Field(default="", max_length=200)
    created_at: datetime = created_at_field()


class Fill(SQLModel, table=True):
    __tablename__ = "fills"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    account_id: int = Field(foreign_key="accounts.id", index=True, ondelete="CASCADE")
    order_id: int = Field(foreign_key="orders.id", unique=True, ondelete="CASCADE")
    root: str = Field(max_length=10)
    side: str = Field(sa_type=String(4))
    quantity: Decimal = Field(sa_type=QTY)
    reference_price: Decimal = price_field()
    price: Decimal = price_field()
    price_basis: str = Field(sa_type=String(20))
    slippage_ticks: int
    commission: Decimal = money_field()
    currency: str = Field(max_length=3)
    filled_at: datetime = created_at_field()


class Position(SQLModel, table=True):
    """The open position per (account, contract root); quantity 0 means flat."""

    __tablename__ = "positions"
    __table_args__ = (UniqueConstraint("account_id", "root", name="uq_positions_account_root"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    account_id: int = Field(foreign_key="accounts.id", index=True, ondelete="CASCADE")
    root: str = Field(max_length=10)
    symbol: str = Field(max_length=64)
    quantity: Decimal = Field(default=Decimal(0), sa_type=QTY)
    avg_entry_price: Decimal = Field(default=Decimal(0), sa_type=PRICE)
    open_commission: Decimal = money_field()
    opened_at: datetime | None = timestamp_field(nullable=True)
    stop: Decimal | None = price_field(nullable=True)
    target: Decimal | None = price_field(nullable=True)
    setup: str | None = Field(default=None, max_length=100)
    last_price: Decimal | None = price_field(nullable=True)
    currency: str = Field(max_length=3)
    updated_at: datetime = created_at_field()


class Trade(SQLModel, table=True):
    """A closed round trip (or the closed part of one).

    `source` is paper, manual or import. `risk` is the initial risk in currency
    (|entry - stop| x quantity x point value), the unit of `r_multiple`, `mae` and `mfe`
    in R. `mae`/`mfe` are the worst/best open P&L in currency during the trade (from
    bars; NULL where the instrument has none). `legs` holds a manual trade's entries and
    exits as typed. `uid` identifies the trade across export and re-import.
    """

    __tablename__ = "trades"
    __table_args__ = (
        UniqueConstraint("user_id", "uid", name="uq_trades_user_uid"),
        Index("ix_trades_user_id_exit_time", "user_id", "exit_time"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    account_id: int = Field(foreign_key="accounts.id", index=True, ondelete="CASCADE")
    root: str = Field(max_length=10)
    symbol: str = Field(max_length=64)
    direction: str = Field(sa_type=String(5))
    quantity: Decimal = Field(sa_type=QTY)
    entry_price: Decimal = price_field()
    exit_price: Decimal = price_field()
    entry_time: datetime = timestamp_field()
    exit_time: datetime = timestamp_field()
    gross_pnl: Decimal = money_field()
    commission: Decimal = money_field()
    net_pnl: Decimal = money_field()
    r_multiple: Decimal | None = Field(default=None, sa_type=Numeric(12, 4))
    stop: Decimal | None = price_field(nullable=True)
    setup: str | None = Field(default=None, max_length=100)
    currency: str = Field(max_length=3)
    source: str = Field(default="paper", sa_type=String(20))
    close_fill_id: int | None = Field(default=None, foreign_key="fills.id", ondelete="SET NULL")
    uid: str = Field(default_factory=lambda: str(uuid4()), max_length=36)
    target: Decimal | None = price_field(nullable=True)
    risk: Decimal | None = Field(default=None, sa_type=MONEY, nullable=True)
    mae: Decimal | None = Field(default=None, sa_type=MONEY, nullable=True)
    mfe: Decimal | None = Field(default=None, sa_type=MONEY, nullable=True)
    playbook_id: int | None = Field(
        default=None, foreign_key="playbooks.id", index=True, ondelete="SET NULL"
    )
    rules_followed: list[str] = Field(
        default_factory=list, sa_column=Column(JSONB, nullable=False, server_default="[]")
    )
    legs: list[dict[str, str]] = Field(
        default_factory=list, sa_column=Column(JSONB, nullable=False, server_default="[]")
    )
    updated_at: datetime = created_at_field()
    analytics_row: bytes | None = Field(
        default=None,
        sa_column=Column(LargeBinary, Computed(ANALYTICS_ROW_SQL, persisted=True)),
    )
