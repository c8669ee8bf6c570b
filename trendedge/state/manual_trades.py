"""Manual trade entry/edit and the trade detail page state. (Stub.)"""

from __future__ import annotations

import reflex as rx


class TradeDetailState(rx.State):
    @rx.event
    async def load_new(self) -> None:
        return None

    @rx.event
    async def load_trade(self) -> None:
        return None
