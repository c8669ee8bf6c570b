"""Playbook list and playbook detail states. (Stub.)"""

from __future__ import annotations

import reflex as rx


class PlaybooksState(rx.State):
    @rx.event
    async def load(self) -> None:
        return None


class PlaybookDetailState(rx.State):
    @rx.event
    async def load(self) -> None:
        return None
