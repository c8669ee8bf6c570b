"""`/` analytics dashboard: filters (date preset or custom range, accounts, currency),
then KPI cards, charts and tables from `services.analytics` (cached in Redis).

Calendar groupings use the user's time zone setting (its offset at load time), or, when
that setting is UTC, the browser's UTC offset, read once per tab (a fixed offset, no
DST rules within the range); LiveState calls `_refresh` when a fill arrives.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import plotly.graph_objects as go
import reflex as rx

from components.analytics_charts import NO_TRADES
from components.charts import empty_figure
from trendedge.db import session_scope
from trendedge.services import accounts as account_service
from trendedge.services import analytics
from trendedge.services.analytics import AnalyticsQuery
from trendedge.services.errors import ServiceError
from trendedge.state import analytics_views as views
from trendedge.state.analytics_views import GroupView, Kpi, PeriodView
from trendedge.state.auth import require_user_id
from trendedge.state.display_time import zone_name

_BLANK = empty_figure("Loading…", height=320)


@dataclasses.dataclass
class AccountOption:
    id: int
    name: str
    currency: str
    selected: bool


def _parse_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


class AnalyticsState(rx.State):
    """The dashboard's filters and everything derived from one AnalyticsResult."""

    loaded: bool = False
    error: str = ""
    preset: str = "90d"
    start_date: str = ""
    end_date: str = ""
    offset_minutes: int = 0
    offset_known: bool = False
    zone: str = ""  # the user's time zone setting, when it is not UTC
    all_accounts: bool = True
    account_options: list[AccountOption] = []
    currency: str = ""
    currency_choices: list[str] = []
    currency_notice: str = ""
    trade_count: int = 0
    from_cache: bool = False
    kpis: list[Kpi] = []
    daily: list[PeriodView] = []
    weekly: list[PeriodView] = []
    groups: dict[str, list[GroupView]] = {}
    equity_fig: go.Figure = _BLANK
    calendar_fig: go.Figure = _BLANK
    r_fig: go.Figure = _BLANK
    hour_fig: go.Figure = _BLANK
    weekday_fig: go.Figure = _BLANK
    mae_fig: go.Figure = _BLANK
    playbook_fig: go.Figure = _BLANK
    instrument_fig: go.Figure = _BLANK
    tag_fig: go.Figure = _BLANK
    direction_fig: go.Figure = _BLANK
    account_fig: go.Figure = _BLANK

    @rx.var
    def tz_label(self) -> str:
        offset = views.offset_label(self.offset_minutes)
        return f"{self.zone} ({offset})" if self.zone else offset

    # ------------------------------------------------------------- computing

    def _today(self) -> date:
        return (datetime.now(UTC) + timedelta(minutes=self.offset_minutes)).date()

    def _instant(self, day: date) -> datetime:
        """Local midnight starting `day` as an aware UTC datetime."""
        return datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(
            minutes=self.offset_minutes
        )

    def _query(self) -> AnalyticsQuery:
        start, end = _parse_day(self.start_date), _parse_day(self.end_date)
        selected = tuple(o.id for o in self.account_options if o.selected)
        return AnalyticsQuery(
            start=self._instant(start) if start else None,
            end=self._instant(end + timedelta(days=1)) if end else None,
            account_ids=None if self.all_accounts else selected,
            currency=self.currency or None,
            offset_minutes=self.offset_minutes,
        )

    async def _refresh(self, user_id: int) -> None:
        """Reload accounts and analytics for the current filters (LiveState calls this)."""
        async with session_scope() as session:
            found = await account_service.list_accounts(session=session, user_id=user_id)
            chosen = {o.id for o in self.account_options if o.selected}
            self.account_options = [
                AccountOption(a.id, a.name, a.currency, a.id in chosen)
                for a in found
                if a.id is not None
            ]
            try:
                result = await analytics.dashboard(session, user_id=user_id, query=self._query())
            except ServiceError as exc:
                self.error = exc.message
                return
        self.error = ""
        self.currency = result.currency or ""
        self.currency_choices = [c.currency for c in result.currencies]
        self.currency_notice = self._notice(result)
        self.trade_count = int(result.summary.get("trades") or 0)
        self.from_cache = result.from_cache
        self.kpis = views.kpis(result)
        self.daily = views.periods(result.daily, views.MAX_DAILY_ROWS, self.currency)
        self.weekly = views.periods(result.weekly, views.MAX_WEEKLY_ROWS, self.currency)
        self.groups = {
            k: views.groups(result.breakdowns.get(k, []), self.currency) for k in views.GROUP_TABS
        }
        figures = views.figures(result)
        for name, figure in figures.items():
            setattr(self, f"{name}_fig", figure)
        self.loaded = True

    def _notice(self, result: analytics.AnalyticsResult) -> str:
        mixed = sorted(
            {o.currency for o in self.account_options if self.all_accounts or o.selected}
        )
        parts = []
        if len(mixed) > 1:
            parts.append(f"The selected accounts use different currencies ({', '.join(mixed)}).")
        if result.excluded_trades:
            others = ", ".join(
                f"{c.trades} in {c.currency}"
                for c in result.currencies
                if c.currency != result.currency
            )
            parts.append(f"Trades in other currencies are not included ({others}).")
        if parts:
            parts.append(
                f"Amounts are never added across currencies; showing {result.currency}. "
                "Pick a currency to see the others (conversion comes later)."
            )
        return " ".join(parts)

    async def _reload(self):
        user_id = await require_user_id(self)
        if user_id is not None:
            await self._refresh(user_id)

    # ------------------------------------------------------------- events

    @rx.event
    async def load(self):
        """on_load: group days in the user's time zone setting (its offset now), or, when
        that is UTC, in the browser's offset (read once per tab); then compute."""
        await require_user_id(self)  # sets the display zone from the user's settings
        preferred = zone_name()
        if preferred != "UTC":
            now = datetime.now(ZoneInfo(preferred)).utcoffset() or timedelta(0)
            self.zone, self.offset_known = preferred, True
            self.offset_minutes = int(now.total_seconds() // 60)
        elif self.zone:  # the setting went back to UTC: ask the browser again
            self.zone, self.offset_known = "", False
        if not self.offset_known:
            return rx.call_script(
                "new Date().getTimezoneOffset()", callback=AnalyticsState.set_browser_offset
            )
        if not self.start_date and self.preset != "all":
            self.start_date, self.end_date = views.preset_range(self.preset, self._today())
        await self._reload()
        return None

    @rx.event
    async def set_browser_offset(self, minutes_behind: int | float | str | None):
        """JS getTimezoneOffset() is UTC - local in minutes; the offset is its negative."""
        try:
            offset = -int(float(minutes_behind or 0))
        except (TypeError, ValueError):
            offset = 0
        self.offset_minutes = offset if -14 * 60 <= offset <= 14 * 60 else 0
        self.offset_known = True
        self.start_date, self.end_date = views.preset_range(self.preset, self._today())
        await self._reload()

    @rx.event
    async def set_preset(self, preset: str):
        if preset not in views.PRESETS:
            return
        self.preset = preset
        self.start_date, self.end_date = views.preset_range(preset, self._today())
        await self._reload()

    async def _set_day(self, name: str, value: str):
        if value and _parse_day(value) is None:
            self.error = f"{value!r} is not a date"
            return
        setattr(self, name, value)
        self.preset = "custom"
        start, end = _parse_day(self.start_date), _parse_day(self.end_date)
        if start and end and end < start:
            self.error = "The end date is before the start date"
            return
        await self._reload()

    @rx.event
    async def set_start_date(self, value: str):
        await self._set_day("start_date", value)

    @rx.event
    async def set_end_date(self, value: str):
        await self._set_day("end_date", value)

    @rx.event
    async def set_all_accounts(self, checked: bool):
        self.all_accounts = bool(checked)
        self.currency = ""  # the new selection's main currency
        if checked:
            self.account_options = [
                dataclasses.replace(o, selected=False) for o in self.account_options
            ]
        await self._reload()

    @rx.event
    async def toggle_account(self, account_id: int, checked: bool):
        self.account_options = [
            dataclasses.replace(o, selected=bool(checked)) if o.id == account_id else o
            for o in self.account_options
        ]
        self.all_accounts = not any(o.selected for o in self.account_options)
        self.currency = ""
        await self._reload()

    @rx.event
    async def set_currency(self, currency: str):
        self.currency = currency
        await self._reload()


__all__ = ["NO_TRADES", "AccountOption", "AnalyticsState"]
