"""Sense checks for the numbers a fill is made of: one rule set for the broker-statement
importer, the manual trade form and the TradingView webhook. Pure: no I/O.

Each `*_problem` function returns None for a sensible value, or a short message meant for
the person who wrote it (the caller names the field or line). The bounds sit well inside
the database columns (price numeric(28,12), quantity numeric(12,4), money numeric(24,10)),
so a value that passes can always be stored and multiplied by a point value:

* price: finite, > 0, below `MAX_PRICE`, at most `PRICE_PLACES` decimals; off the
  contract's tick is a *warning* (`off_tick_warning`), never a silent rounding;
* quantity: a finite whole number of contracts, > 0 and at most `MAX_CONTRACTS`;
* fee: finite, >= 0 once the format's sign convention is applied, below `MAX_FEE`;
* time: timezone-aware, from `EARLIEST` to one day after `now` (or `LATEST`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

MAX_PRICE = Decimal("1e9")
PRICE_PLACES = 12
MAX_CONTRACTS = Decimal(100_000)
MAX_FEE = Decimal("1e9")
FEE_PLACES = 10
EARLIEST = datetime(1980, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _shown(value: Decimal) -> str:
    if not value.is_finite():
        return str(value)
    if abs(value.adjusted()) > 30:
        return f"{value:.3E}"
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "0") else text


def price_problem(value: Decimal) -> str | None:
    """Why `value` is not a usable price, or None."""
    if not value.is_finite():
        return f"must be a finite number, got {value}"
    if value <= 0:
        return f"must be more than zero, got {_shown(value)}"
    if value >= MAX_PRICE:
        return f"must be less than {MAX_PRICE:,.0f}, got {_shown(value)}"
    if _places(value) > PRICE_PLACES:
        return f"has more than {PRICE_PLACES} decimal places: {_shown(value)}"
    return None


def quantity_problem(value: Decimal) -> str | None:
    """Why `value` is not a usable number of contracts, or None."""
    if not value.is_finite():
        return f"must be a finite number, got {value}"
    if value <= 0:
        return f"must be more than zero, got {_shown(value)}"
    if value != value.to_integral_value():
        return f"must be a whole number of contracts, got {_shown(value)}"
    if value > MAX_CONTRACTS:
        return f"must be at most {MAX_CONTRACTS:,.0f} contracts, got {_shown(value)}"
    return None


def fee_problem(value: Decimal) -> str | None:
    """Why `value` (already in the positive-is-a-cost convention) is not a fee, or None."""
    if not value.is_finite():
        return f"must be a finite number, got {value}"
    if value < 0:
        return f"must not be negative, got {_shown(value)}"
    if value >= MAX_FEE:
        return f"must be less than {MAX_FEE:,.0f}, got {_shown(value)}"
    if _places(value) > FEE_PLACES:
        return f"has more than {FEE_PLACES} decimal places: {_shown(value)}"
    return None


def latest_time(now: datetime | None) -> datetime:
    """The latest acceptable time: a day after `now`, or `LATEST` without a clock."""
    return LATEST if now is None else min(LATEST, now + FUTURE_SLACK)


def time_problem(value: datetime, *, now: datetime | None = None) -> str | None:
    """Why `value` is not a plausible time for a fill, or None (see the module doc)."""
    if value.tzinfo is None:
        return "must carry a time zone"
    latest = latest_time(now)
    if not EARLIEST <= value <= latest:
        upper = "tomorrow" if now is not None and latest < LATEST else f"{LATEST.year}"
        return f"must be between {EARLIEST.year} and {upper}, got {value.isoformat()}"
    return None


def on_tick(price: Decimal, tick_size: Decimal) -> bool:
    """True when `price` is a whole number of ticks."""
    return tick_size <= 0 or price % tick_size == 0


def off_tick_warning(price: Decimal, *, tick_size: Decimal, root: str) -> str | None:
    """A warning when `price` is not on the contract's tick (None when it is)."""
    if on_tick(price, tick_size):
        return None
    return f"price {_shown(price)} is not on {root}'s tick of {_shown(tick_size)}"
