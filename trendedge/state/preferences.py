"""`/settings`: the user's display preferences and their own exchange rates.

Thin: preferences go through `services.preferences`; rates (an uploaded ECB file, a
rate typed by hand, the list with delete) through `services.fx_rates`. The browser's
time zone is read once per load with `rx.call_script` and offered as a suggestion.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import reflex as rx

from trendedge.db import session_scope
from trendedge.models import FxRate
from trendedge.services import fx_rates, preferences
from trendedge.services.errors import ServiceError
from trendedge.state.auth import AuthState, require_user_id

BROWSER_ZONE_JS = "Intl.DateTimeFormat().resolvedOptions().timeZone"
RATES_UPLOAD_ID = "rates-upload"
MAX_RATE_FILE_BYTES = 10 * 1024 * 1024
NO_ERRORS = {"default_currency": "", "time_zone": ""}
NO_RATE_ERRORS = {"day": "", "currency": "", "rate": ""}


@dataclasses.dataclass
class RateRow:
    id: int
    day: str
    currency: str
    rate: str
    source: str


def rate_row(rate: FxRate) -> RateRow:
    return RateRow(
        id=rate.id or 0,
        day=rate.day.isoformat(),
        currency=rate.currency,
        rate=f"{rate.rate.normalize():f}",
        source=rate.source,
    )


class SettingsState(rx.State):
    """Preferences form and the 'Exchange rates' section of /settings."""

    loaded: bool = False
    default_currency: str = "USD"
    show_converted: bool = True
    time_zone: str = "UTC"
    browser_zone: str = ""
    errors: dict[str, str] = NO_ERRORS
    form_error: str = ""

    rates: list[RateRow] = []
    rate_errors: dict[str, str] = NO_RATE_ERRORS
    rate_form_key: int = 0
    upload_error: str = ""
    upload_issues: list[str] = []
    upload_summary: str = ""
    upload_busy: bool = False

    async def _reload_rates(self, user_id: int) -> None:
        async with session_scope() as session:
            found = await fx_rates.list_own_rates(session=session, user_id=user_id)
        self.rates = [rate_row(r) for r in found]

    @rx.event
    async def load(self):
        self.loaded = False
        user_id = await require_user_id(self)
        if user_id is None:
            return None
        async with session_scope() as session:
            prefs = await preferences.get_preferences(session=session, user_id=user_id)
        self.default_currency = prefs.default_currency
        self.show_converted = prefs.show_converted
        self.time_zone = prefs.time_zone
        self.errors, self.form_error = dict(NO_ERRORS), ""
        self.rate_errors, self.upload_error, self.upload_summary = dict(NO_RATE_ERRORS), "", ""
        self.upload_issues = []
        await self._reload_rates(user_id)
        self.loaded = True
        return rx.call_script(BROWSER_ZONE_JS, callback=SettingsState.set_browser_zone)

    @rx.event
    def set_browser_zone(self, value: Any):
        """The zone the browser reports (a suggestion only; nothing is saved)."""
        self.browser_zone = value if isinstance(value, str) else ""

    @rx.event
    def use_browser_zone(self):
        self.time_zone = self.browser_zone
        self.errors = {**self.errors, "time_zone": ""}

    @rx.event
    def set_time_zone(self, value: str):
        self.time_zone = value

    @rx.event
    def set_default_currency(self, value: str):
        self.default_currency = value

    @rx.event
    def set_show_converted(self, value: bool):
        self.show_converted = bool(value)

    @rx.event
    async def save(self, form_data: dict[str, Any]):
        """Validate and store the preferences; a bad field keeps its error beside it."""
        user_id = await require_user_id(self)
        if user_id is None:
            return (await self.get_state(AuthState)).signin_redirect()
        self.default_currency = str(form_data.get("default_currency", self.default_currency))
        self.time_zone = str(form_data.get("time_zone", self.time_zone))
        data = {
            "default_currency": self.default_currency,
            "time_zone": self.time_zone,
            "show_converted": self.show_converted,
        }
        try:
            async with session_scope() as session:
                prefs = await preferences.update_preferences(
                    session=session, user_id=user_id, data=data
                )
        except ServiceError as exc:
            self.errors = {**NO_ERRORS, **exc.details}
            self.form_error = exc.message
            return None
        self.default_currency, self.time_zone = prefs.default_currency, prefs.time_zone
        self.show_converted = prefs.show_converted
        self.errors, self.form_error = dict(NO_ERRORS), ""
        return rx.toast.success("Settings saved")

    @rx.event
    async def upload_rates(self, files: list[rx.UploadFile]):
        """Store every rate of an ECB CSV as the user's own, or none and the bad lines."""
        user_id = await require_user_id(self)
        if user_id is None:
            yield (await self.get_state(AuthState)).signin_redirect()
            return
        self.upload_error, self.upload_issues, self.upload_summary = "", [], ""
        if not files:
            self.upload_error = "Choose an ECB CSV file first"
            return
        self.upload_busy = True
        yield
        try:
            raw = await files[0].read()
            if len(raw) > MAX_RATE_FILE_BYTES:
                self.upload_error = f"The file is larger than {MAX_RATE_FILE_BYTES:,} bytes"
                return
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                self.upload_error = "The file is not UTF-8 text"
                return
            try:
                async with session_scope() as session:
                    loaded = await fx_rates.load_ecb_file(
                        session=session, text=text, user_id=user_id, source="upload"
                    )
            except ServiceError as exc:
                detail = exc.details.get("file", "")
                self.upload_error = exc.message
                self.upload_issues = [] if detail in ("", exc.message) else detail.split("; ")
                return
            self.upload_summary = (
                f"Stored {loaded.rates:,} rates for {loaded.days:,} days "
                f"({', '.join(loaded.currencies)})"
            )
            await self._reload_rates(user_id)
            yield rx.clear_selected_files(RATES_UPLOAD_ID)
            yield rx.toast.success(self.upload_summary)
        finally:
            self.upload_busy = False

    @rx.event
    async def add_rate(self, form_data: dict[str, Any]):
        """Store one rate typed by hand (units of the currency per 1 EUR on the day)."""
        user_id = await require_user_id(self)
        if user_id is None:
            return (await self.get_state(AuthState)).signin_redirect()
        self.rate_errors = dict(NO_RATE_ERRORS)
        raw_day = str(form_data.get("day", "") or "").strip()
        try:
            day = date.fromisoformat(raw_day)
        except ValueError:
            self.rate_errors = {**NO_RATE_ERRORS, "day": f"'{raw_day}' is not a date"}
            return None
        try:
            async with session_scope() as session:
                row = await fx_rates.set_manual_rate(
                    session=session,
                    user_id=user_id,
                    day=day,
                    currency=str(form_data.get("currency", "")),
                    rate=str(form_data.get("rate", "")),
                )
        except ServiceError as exc:
            self.rate_errors = {**NO_RATE_ERRORS, **exc.details}
            return None
        self.rate_form_key += 1
        await self._reload_rates(user_id)
        return rx.toast.success(f"Rate stored: 1 EUR = {rate_row(row).rate} {row.currency}")

    @rx.event
    async def delete_rate(self, rate_id: int):
        user_id = await require_user_id(self)
        if user_id is None:
            return (await self.get_state(AuthState)).signin_redirect()
        try:
            async with session_scope() as session:
                await fx_rates.delete_own_rate(session=session, user_id=user_id, rate_id=rate_id)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        await self._reload_rates(user_id)
        return rx.toast.success("Rate deleted")
