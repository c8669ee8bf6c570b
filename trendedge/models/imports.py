"""Broker statement imports: the import run, its uploaded file, and stored executions."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from trendedge.models._base import created_at_field, timestamp_field
from trendedge.models.trading import MONEY, PRICE, QTY


class ImportRun(SQLModel, table=True):
    """One uploaded statement and its progress: queued -> running -> done | failed.

    `rejected` counts bad rows; `errors` holds them as {line, column, message}.
    `options` records what the user chose (time zone, date order, decimal style,
    column mapping, whether to import the good rows of a partly bad file).
    """

    __tablename__ = "imports"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    account_id: int = Field(foreign_key="accounts.id", index=True, ondelete="CASCADE")
    filename: str = Field(default="", max_length=255)
    size_bytes: int = 0
    format: str = Field(default="", max_length=40)
    status: str = Field(default="queued", sa_type=String(20))
    message: str = Field(default="", sa_type=Text)
    rows_total: int = 0
    rows_done: int = 0
    executions_created: int = 0
    duplicates: int = 0
    trades_created: int = 0
    rejected: int = 0
    errors: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSONB, nullable=False, server_default="[]")
    )
    options: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONB, nullable=False, server_default="{}")
    )
    created_at: datetime = created_at_field()
    started_at: datetime | None = timestamp_field(nullable=True)
    finished_at: datetime | None = timestamp_field(nullable=True)


class ImportFile(SQLModel, table=True):
    """The uploaded bytes of an import, kept until the import job has read them."""

    __tablename__ = "import_files"

    import_id: int = Field(foreign_key="imports.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class Execution(SQLModel, table=True):
    """One broker fill. `key` is unique per account: the broker's execution id where the
    format has one (`id:…`), else a row fingerprint with an occurrence number (`fp:…:n`)."""

    __tablename__ = "executions"
    __table_args__ = (UniqueConstraint("account_id", "key", name="uq_executions_account_key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    account_id: int = Field(foreign_key="accounts.id", ondelete="CASCADE")  # uq index leads
    import_id: int | None = Field(default=None, foreign_key="imports.id", ondelete="SET NULL")
    trade_id: int | None = Field(
        default=None, foreign_key="trades.id", index=True, ondelete="SET NULL"
    )
    key: str = Field(max_length=160)
    broker_exec_id: str | None = Field(default=None, max_length=120)
    executed_at: datetime = timestamp_field()
    symbol: str = Field(max_length=64)
    root: str = Field(max_length=10)
    side: str = Field(sa_type=String(4))
    quantity: Decimal = Field(sa_type=QTY)
    price: Decimal = Field(sa_type=PRICE)
    fee: Decimal = Field(default=Decimal(0), sa_type=MONEY)
    currency: str = Field(max_length=3)
    line: int = 0
    created_at: datetime = created_at_field()
