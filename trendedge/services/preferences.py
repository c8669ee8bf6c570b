"""A user's display preferences: default currency, converted values on/off, time zone."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy.dialects.postgresql import insert
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from trendedge.domain.currencies import normalise_currency
from trendedge.models import UserPreferences
from trendedge.models._base import utcnow
from trendedge.services.errors import InvalidInputError


def _require_user(user_id: int) -> int:
    if not isinstance(user_id, int) or isinstance(user_id, bool) or user_id <= 0:
        raise PermissionError("preferences need the signed-in user's id")
    return user_id


async def get_preferences(*, session: AsyncSession, user_id: int) -> UserPreferences:
    """The user's preferences, or the defaults (USD, converted values shown, UTC)."""
    row = (
        await session.exec(
            select(UserPreferences)
            .where(UserPreferences.user_id == _require_user(user_id))
            .execution_options(populate_existing=True)
        )
    ).first()
    return row or UserPreferences(user_id=user_id)


def validate_time_zone(name: str) -> str:
    """`name` if it is an IANA time zone (e.g. Europe/Berlin), else ValueError."""
    cleaned = name.strip()
    try:
        if cleaned not in available_timezones() and cleaned != "UTC":
            raise ZoneInfoNotFoundError(cleaned)
        ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"'{cleaned}' is not an IANA time zone (e.g. Europe/Berlin)") from exc
    return cleaned


def _validated(data: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if "default_currency" in data:
        try:
            values["default_currency"] = normalise_currency(str(data["default_currency"]))
        except ValueError as exc:
            errors["default_currency"] = str(exc)
    if "time_zone" in data:
        try:
            values["time_zone"] = validate_time_zone(str(data["time_zone"]))
        except ValueError as exc:
            errors["time_zone"] = str(exc)
    if "show_converted" in data:
        flag = data["show_converted"]
        if isinstance(flag, str):
            flag = flag.strip().lower() in {"1", "true", "yes", "on"}
        values["show_converted"] = bool(flag)
    if errors:
        raise InvalidInputError("The settings have invalid fields", details=errors)
    return values


async def update_preferences(
    *, session: AsyncSession, user_id: int, data: Mapping[str, Any]
) -> UserPreferences:
    """Validate and store the given keys (others keep their value); errors name fields."""
    values = _validated(data)
    current = await get_preferences(session=session, user_id=user_id)
    merged = {
        "default_currency": current.default_currency,
        "show_converted": current.show_converted,
        "time_zone": current.time_zone,
        **values,
        "updated_at": utcnow(),
    }
    statement = (
        insert(UserPreferences)
        .values(user_id=_require_user(user_id), **merged)
        .on_conflict_do_update(index_elements=["user_id"], set_=merged)
    )
    await session.exec(statement)
    await session.flush()
    return await get_preferences(session=session, user_id=user_id)
