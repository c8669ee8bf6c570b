"""Times shown in the signed-in user's time zone (stored times are always UTC).

`AuthState.signed_in_user_id` (run at the start of every handler through
`require_user_id`) calls `use_zone` with the user's preference; the formatting
helpers below then render in that zone for the rest of the handler. Outside a
handler, or before sign-in, times render in UTC.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import UTC, datetime, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_zone_name: ContextVar[str] = ContextVar("display_zone", default="UTC")


@cache
def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def use_zone(name: str) -> None:
    """Render times in the IANA zone `name` for the rest of this handler."""
    _zone_name.set(name or "UTC")


def zone_name() -> str:
    return _zone_name.get()


def local(value: datetime) -> datetime:
    """`value` (aware; naive means UTC) in the display zone."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(_zone(_zone_name.get()))


def show_time(value: datetime | None, *, seconds: bool = False, empty: str = "—") -> str:
    """`2026-03-02 09:30 CET` in the display zone (`empty` for None)."""
    if value is None:
        return empty
    shown = local(value)
    clock = "%H:%M:%S" if seconds else "%H:%M"
    return f"{shown:%Y-%m-%d} {shown.strftime(clock)} {shown.tzname() or zone_name()}"
