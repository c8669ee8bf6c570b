"""Watchlists (tenant data), detected trendlines and scans (shared market data),
per-user line preferences and alerts (tenant data).

A trendline is computed once per (instrument, timeframe) for every user who
watches it; what a user does with it (hide, favourite) and the alerts they
received carry their `user_id`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Numeric, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from trendedge.models._base import created_at_field, timestamp_field

PRICE = Numeric(28, 12)


class WatchlistItem(SQLModel, table=True):
    __tablename__ = "watchlist_items"
    __table_args__ = (
        UniqueConstraint("user_id", "instrument", "timeframe", name="uq_watchlist_item"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    instrument: str = Field(max_length=32)
    timeframe: str = Field(sa_type=String(4))
    alerts_enabled: bool = True
    created_at: datetime = created_at_field()


class Trendline(SQLModel, table=True):
    """A detected line; kept with its history (status `broken` once price breaks it)."""

    __tablename__ = "trendlines"
    __table_args__ = (
        UniqueConstraint(
            "instrument",
            "timeframe",
            "kind",
            "anchor1_ts",
            "anchor2_ts",
            name="uq_trendline_anchors",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    instrument: str = Field(max_length=32, index=True)
    timeframe: str = Field(sa_type=String(4))
    kind: str = Field(sa_type=String(10))
    anchor1_ts: datetime = timestamp_field()
    anchor1_price: Decimal = Field(sa_type=PRICE)
    anchor2_ts: datetime = timestamp_field()
    anchor2_price: Decimal = Field(sa_type=PRICE)
    slope_per_bar: Decimal = Field(sa_type=PRICE)
    touches: list[str] = Field(default_factory=list, sa_column=Column(JSONB, nullable=False))
    score: float = 0.0
    status: str = Field(default="active", sa_type=String(10), index=True)
    detected_at: datetime = created_at_field()
    last_seen_at: datetime = created_at_field()
    broken_at: datetime | None = timestamp_field(nullable=True)


class TrendlinePreference(SQLModel, table=True):
    __tablename__ = "trendline_preferences"
    __table_args__ = (UniqueConstraint("user_id", "trendline_id", name="uq_trendline_pref"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    trendline_id: int = Field(foreign_key="trendlines.id", ondelete="CASCADE")
    hidden: bool = False
    favourite: bool = False


class TrendlineAlert(SQLModel, table=True):
    """A touch or break of a line, fired once per (user, line, event)."""

    __tablename__ = "trendline_alerts"
    __table_args__ = (
        UniqueConstraint("user_id", "trendline_id", "event", name="uq_trendline_alert_once"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    trendline_id: int = Field(foreign_key="trendlines.id", ondelete="CASCADE")
    instrument: str = Field(max_length=32)
    timeframe: str = Field(sa_type=String(4))
    event: str = Field(sa_type=String(10))
    bar_ts: datetime = timestamp_field()
    price: Decimal = Field(sa_type=PRICE)
    line_price: Decimal = Field(sa_type=PRICE)
    created_at: datetime = created_at_field()


class ScanRun(SQLModel, table=True):
    """One scan of (instrument, timeframe): queued → running → succeeded | failed."""

    __tablename__ = "scan_runs"

    id: int | None = Field(default=None, primary_key=True)
    instrument: str = Field(max_length=32, index=True)
    timeframe: str = Field(sa_type=String(4))
    status: str = Field(default="queued", sa_type=String(10))
    trigger: str = Field(default="schedule", sa_type=String(10))
    attempt: int = 1
    bars: int = 0
    lines_found: int = 0
    alerts_fired: int = 0
    error: str = Field(default="", max_length=1000)
    stats: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    queued_at: datetime = created_at_field()
    started_at: datetime | None = timestamp_field(nullable=True)
    finished_at: datetime | None = timestamp_field(nullable=True)
