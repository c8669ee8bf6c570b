"""Journal list (filters) and the entry editor states. (Stub: filled by the journal work.)"""

from __future__ import annotations

import reflex as rx


class JournalState(rx.State):
    @rx.event
    async def load(self) -> None:
        return None


class JournalEntryState(rx.State):
    @rx.event
    async def load_for_trade(self) -> None:
        return None

    @rx.event
    async def load_for_day(self) -> None:
        return None
