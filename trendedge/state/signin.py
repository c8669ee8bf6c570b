"""The sign-in page: where to go after sign-in and why the last attempt failed."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import reflex as rx

from trendedge.auth.cookies import safe_next_path
from trendedge.settings import get_settings
from trendedge.state.auth import AuthState

_MESSAGES = {
    "login_expired": "The sign-in took too long or was started in another tab. Please try again.",
    "provider_unreachable": "The sign-in provider cannot be reached right now.",
    "access_denied": "Sign-in was cancelled at the provider.",
    "state_mismatch": "The sign-in response did not match this browser. Please try again.",
}


class SignInState(rx.State):
    next_path: str = "/"
    error_message: str = ""
    signed_out: bool = False
    is_dev_provider: bool = False
    provider: str = ""

    @rx.var
    def login_href(self) -> str:
        return "/auth/login?" + urlencode({"next": self.next_path})

    @rx.event
    def start_login(self):
        """A full browser navigation to the backend route (not a client-side route)."""
        return rx.call_script(f"window.location.assign({json.dumps(self.login_href)})")

    @rx.event
    async def load(self):
        params = self.router.url.query_parameters
        self.next_path = safe_next_path(params.get("next"))
        code = params.get("error", "")
        self.error_message = (
            _MESSAGES.get(code, "Sign-in failed. Please try again.") if code else ""
        )
        self.signed_out = params.get("signed_out") == "1"
        settings = get_settings()
        self.is_dev_provider = settings.dev_provider
        self.provider = settings.oidc_issuer
        auth = await self.get_state(AuthState)
        if not code and await auth.signed_in_user_id() is not None:
            return rx.redirect(self.next_path)
        return None
