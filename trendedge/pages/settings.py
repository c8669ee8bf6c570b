"""`/settings`: display preferences and the user's exchange rates."""

from __future__ import annotations

from zoneinfo import available_timezones

import reflex as rx

from components.layout import app_shell
from components.settings import (
    manual_rate_form,
    preferences_form,
    rates_explanation,
    rates_table,
    rates_upload,
)
from trendedge.domain.currencies import COMMON_CURRENCIES
from trendedge.state.auth import AuthState
from trendedge.state.preferences import RATES_UPLOAD_ID, SettingsState

TIME_ZONES: tuple[str, ...] = tuple(sorted(available_timezones() | {"UTC"}))


def _preferences_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Display", size="3"),
            preferences_form(
                default_currency=SettingsState.default_currency,
                show_converted=SettingsState.show_converted,
                time_zone=SettingsState.time_zone,
                browser_zone=SettingsState.browser_zone,
                errors=SettingsState.errors,
                form_error=SettingsState.form_error,
                currencies=COMMON_CURRENCIES,
                zones=TIME_ZONES,
                on_currency=SettingsState.set_default_currency,
                on_show_converted=SettingsState.set_show_converted,
                on_time_zone=SettingsState.set_time_zone,
                on_use_browser_zone=SettingsState.use_browser_zone,
                on_submit=SettingsState.save,
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        max_width="640px",
        id="preferences-card",
    )


def _rates_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Exchange rates", size="3"),
            rates_explanation(),
            rates_upload(
                upload_id=RATES_UPLOAD_ID,
                busy=SettingsState.upload_busy,
                error=SettingsState.upload_error,
                issues=SettingsState.upload_issues,
                summary=SettingsState.upload_summary,
                on_upload=SettingsState.upload_rates,
            ),
            rx.box(
                manual_rate_form(
                    errors=SettingsState.rate_errors, on_submit=SettingsState.add_rate
                ),
                key=SettingsState.rate_form_key,
                width="100%",
            ),
            rx.text("Your own rates", size="2", weight="medium"),
            rx.cond(
                SettingsState.rates.length() > 0,
                rates_table(SettingsState.rates, on_delete=SettingsState.delete_rate),
                rx.text(
                    "None yet: the shared ECB rates are used.",
                    size="2",
                    color=rx.color("gray", 10),
                    id="no-own-rates",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        max_width="900px",
        id="rates-card",
    )


def settings_page() -> rx.Component:
    return app_shell(
        rx.cond(
            SettingsState.loaded,
            rx.vstack(_preferences_card(), _rates_card(), spacing="4", width="100%"),
            rx.spinner(id="settings-loading"),
        ),
        title="Settings",
        email=AuthState.email,
        on_sign_out=AuthState.sign_out,
    )
