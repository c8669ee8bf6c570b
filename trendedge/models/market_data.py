"""Market data: OHLCV bars per instrument and timeframe.

Bars are shared market data, NOT tenant data: the table has no `user_id`, every
user reads the same bars, and the tenant helpers in `services/tenancy.py` do not
apply. Only `trendedge.services.bars` reads and writes this table.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Numeric, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from trendedge.domain.bars import Timeframe
from trendedge.models._base import timestamp_field
from trendedge.models.trading import PRICE

VOLUME = Numeric(24, 4)


class Bar(SQLModel, table=True):
    """One OHLCV bar; `ts` is the bar's open time in UTC.

    `instrument` is the contract root (e.g. `ES`) or the symbol (e.g. `SPY`);
    (instrument, timeframe, ts) is unique, so loading the same data twice
    updates rows instead of duplicating them.
    """

    __tablename__ = "bars"
    # The unique constraint's btree index on (instrument, timeframe, ts) is THE
    # range-query index: `instrument = ? AND timeframe = ? AND ts BETWEEN ...`
    # (either direction, so also "latest bar") is an index range scan on it.
    # A second index on the same columns would only double the write cost.
    __table_args__ = (
        UniqueConstraint("instrument", "timeframe", "ts", name="uq_bars_instrument_timeframe_ts"),
        CheckConstraint(
            "timeframe IN (" + ", ".join(f"'{tf.value}'" for tf in Timeframe) + ")",
            name="ck_bars_timeframe",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    instrument: str = Field(max_length=32)
    timeframe: str = Field(sa_type=String(4))
    ts: datetime = timestamp_field()
    open: Decimal = Field(sa_type=PRICE)
    high: Decimal = Field(sa_type=PRICE)
    low: Decimal = Field(sa_type=PRICE)
    close: Decimal = Field(sa_type=PRICE)
    volume: Decimal = Field(default=Decimal(0), sa_type=VOLUME)
