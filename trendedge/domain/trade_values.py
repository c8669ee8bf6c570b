"""Reading typed form values for trades: decimals with limits and UTC times. Pure.

Every reader raises `ValueError` with a message meant for the person who typed the value
(the caller knows the field name and puts the message beside that field).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def is_blank(value: Any) -> bool:
    """None or a string of only whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


def read_decimal(
    value: Any,
    *,
    minimum: Decimal = Decimal(0),
    inclusive: bool = False,
    below: Decimal,
    places: int,
) -> Decimal:
    """A finite Decimal in (minimum, below) — or [minimum, below) when `inclusive` — with at
    most `places` decimal places. Accepts str, int or Decimal ("5000.25", "1e2" too)."""
    if isinstance(value, bool) or value is None:
        raise ValueError("Enter a number")
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError("Enter a number, e.g. 5000.25") from None
    if not number.is_finite():
        raise ValueError("Enter a finite number")
    if number < minimum or (number == minimum and not inclusive):
        relation = "at least" if inclusive else "greater than"
        raise ValueError(f"Must be {relation} {minimum}")
    if number >= below:
        raise ValueError(f"Must be less than {below:,}")
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise ValueError(f"At most {places} decimal places")
    return number


def read_optional_decimal(value: Any, *, below: Decimal, places: int) -> Decimal | None:
    """Blank -> None, else a positive Decimal as `read_decimal`."""
    if is_blank(value):
        return None
    return read_decimal(value, below=below, places=places)


def read_utc_time(value: Any) -> datetime:
    """A point in time, UTC. Accepts ISO 8601 ("2026-01-05T14:30:00Z", "...+01:00") and the
    browser's datetime-local form ("2026-01-05T14:30"); a time without an offset is UTC."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and value.strip():
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError("Enter a date and time, e.g. 2026-01-05T14:30 (UTC)") from None
    else:
        raise ValueError("Enter a date and time (UTC)")
    parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    if not EARLIEST <= parsed < LATEST:
        raise ValueError("Enter a time between 1970 and 2100")
    return parsed


def iso_utc(value: datetime) -> str:
    """`value` in UTC as ISO 8601 with seconds: 2026-01-05T14:30:00+00:00."""
    return value.astimezone(UTC).isoformat(timespec="seconds")


def plain(value: Decimal | None) -> str:
    """A Decimal as typed back into a form: no exponent, no trailing zeros; '' for None."""
    if value is None:
        return ""
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "0") else text
