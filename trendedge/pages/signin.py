"""`/signin`: the only page open to strangers."""

from __future__ import annotations

import reflex as rx

from trendedge.state.signin import SignInState


def signin_page() -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.icon("trending-up", size=28, color=rx.color("accent", 9)),
                    rx.heading("TrendEdge", size="7"),
                    align="center",
                    spacing="2",
                ),
                rx.text(
                    "Paper trading, trendlines, journal and analytics for futures traders.",
                    color=rx.color("gray", 11),
                    size="2",
                ),
                rx.cond(
                    SignInState.signed_out, rx.callout("You are signed out.", icon="info", size="1")
                ),
                rx.cond(
                    SignInState.error_message != "",
                    rx.callout(
                        SignInState.error_message,
                        icon="triangle-alert",
                        color_scheme="red",
                        size="1",
                        id="signin-error",
                    ),
                ),
                rx.button(
                    "Sign in",
                    rx.icon("arrow-right", size=16),
                    size="3",
                    width="100%",
                    on_click=SignInState.start_login,
                    id="sign-in",
                ),
                rx.cond(
                    SignInState.is_dev_provider,
                    rx.callout(
                        rx.text(
                            "Development sign-in provider (",
                            rx.code(SignInState.provider),
                            "). Type any user name or e-mail on its page; nothing is checked. "
                            "Configure OIDC_ISSUER for Authentik or Clerk in production.",
                        ),
                        icon="flask-conical",
                        color_scheme="amber",
                        size="1",
                        id="dev-provider",
                    ),
                ),
                spacing="4",
                width="100%",
            ),
            width="380px",
            padding="28px",
        ),
        height="100vh",
        background=rx.color("gray", 2),
    )
