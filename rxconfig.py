"""Reflex configuration, derived from TrendEdge's one Settings object."""

import reflex as rx

from trendedge.settings import get_settings

_settings = get_settings()

# Ports and the API URL come from `trendedge web` (TRENDEDGE_PORT, REFLEX_API_URL), so
# the same config serves the one-port app, a backend-only instance and `make dev`.
config = rx.Config(
    app_name="trendedge",
    backend_host=_settings.host,
    deploy_url=_settings.base_url,
    redis_url=_settings.redis_url or None,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(appearance="light", accent_color="indigo", radius="medium")
        )
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
