"""Stored UTC times are shown in the user's zone."""

from __future__ import annotations

import contextvars
from datetime import UTC, datetime

from trendedge.state.display_time import show_time, use_zone


def shown_in(zone: str, value: datetime | None, **kwargs: object) -> str:
    def run() -> str:
        use_zone(zone)
        return show_time(value, **kwargs)  # type: ignore[arg-type]

    return contextvars.copy_context().run(run)


def test_winter_and_summer_time_in_berlin_and_new_york() -> None:
    winter = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
    summer = datetime(2026, 7, 1, 14, 30, 5, tzinfo=UTC)
    assert shown_in("Europe/Berlin", winter) == "2026-03-02 15:30 CET"
    assert shown_in("Europe/Berlin", summer, seconds=True) == "2026-07-01 16:30:05 CEST"
    assert shown_in("America/New_York", winter) == "2026-03-02 09:30 EST"
    assert shown_in("Asia/Tokyo", datetime(2026, 3, 2, 20, 0, tzinfo=UTC)) == "2026-03-03 05:00 JST"


def test_default_unknown_zone_naive_and_missing_values() -> None:
    value = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
    assert contextvars.copy_context().run(show_time, value) == "2026-03-02 14:30 UTC"
    assert shown_in("Mars/Base", value) == "2026-03-02 14:30 UTC"
    assert shown_in("Europe/Berlin", datetime(2026, 3, 2, 14, 30)) == "2026-03-02 15:30 CET"
    assert shown_in("UTC", None) == "—"
    assert shown_in("UTC", None, empty="never") == "never"
