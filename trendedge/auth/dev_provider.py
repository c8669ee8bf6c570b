"""Local development OpenID provider (the ``oidc-provider-mock`` package).

Run it as its own process::

    python -m oidc_provider_mock --host 127.0.0.1 --port 9400 --require-nonce=true \\
        --user-claims '{"sub": "dev", "email": "dev@trendedge.local", "name": "Dev User"}'

(`dev_provider_command` builds exactly this argv) and point TrendEdge at
``OidcConfig(issuer=dev_provider_issuer(host, port), client_id=DEV_CLIENT_ID,
client_secret=DEV_CLIENT_SECRET, redirect_uri=...)``.

How the mock behaves:

* Any client id / secret / redirect_uri is accepted (no registration needed),
  with client_secret_basic or client_secret_post.
* Signing in: the authorization page (``/oauth2/authorize``) is a form with a
  single text field ``sub`` and an "Authorize" button (browsers POST the form
  back to the same URL, query string included). Type any subject, e.g.
  ``alice@example.com``; unknown subjects are created with ``email = sub``.
  The "Deny" button posts ``action=deny`` and redirects with
  ``error=access_denied``. Predefined users (``DEV_USER`` below) appear as
  one-click buttons that post ``sub=<their sub>``.
* Other claims (name, a different email, none at all) are set before sign-in
  with ``PUT /users/<sub>`` and a JSON object of claims.
* It has userinfo (``/userinfo``) and RP-initiated logout
  (``/oauth2/end_session``, shows a confirm form, then redirects to
  ``post_logout_redirect_uri``). It ignores PKCE (never checks code_verifier),
  keeps everything in memory and makes a new signing key at every start.
* The ``issuer`` it reports is derived from the request's Host header, so
  reach it with the same host string everywhere (never ``0.0.0.0``).
"""

from __future__ import annotations

import json
import sys

DEV_CLIENT_ID = "trendedge-dev"
DEV_CLIENT_SECRET = "trendedge-dev-secret"  # noqa: S105 - the mock accepts any secret
DEV_USER: dict[str, str] = {"sub": "dev", "email": "dev@trendedge.local", "name": "Dev User"}


def dev_provider_command(*, host: str, port: int) -> list[str]:
    """argv that runs the mock provider on ``host:port`` (foreground, logs to stderr)."""
    return [
        sys.executable,
        "-m",
        "oidc_provider_mock",
        "--host",
        host,
        "--port",
        str(port),
        "--require-nonce=true",
        "--user-claims",
        json.dumps(DEV_USER),
    ]


def dev_provider_issuer(host: str, port: int) -> str:
    """Issuer URL of the mock started with `dev_provider_command` (no trailing slash)."""
    netloc = f"[{host}]" if ":" in host else host
    return f"http://{netloc}:{port}"
