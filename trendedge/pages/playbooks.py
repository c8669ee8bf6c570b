"""(Stub page module.)"""

from __future__ import annotations

import reflex as rx

from components.layout import app_shell
from trendedge.state.auth import AuthState


def playbooks_page() -> rx.Component:
    return app_shell(
        rx.heading("playbooks_page"),
        title="playbooks_page",
        email=AuthState.email,
        on_sign_out=AuthState.sign_out,
    )


def playbook_page() -> rx.Component:
    return app_shell(
        rx.heading("playbook_page"),
        title="playbook_page",
        email=AuthState.email,
        on_sign_out=AuthState.sign_out,
    )
