"""Analytics dashboard state. (Stub.)"""

from __future__ import annotations

import reflex as rx


class AnalyticsState(rx.State):
    @rx.event
    async def load(self) -> None:
        return None
