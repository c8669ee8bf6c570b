"""HMAC-SHA256 request signatures (`X-Signature: sha256=<hex>` or plain hex)."""

from __future__ import annotations

import hashlib
import hmac


def sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_valid(secret: str, body: bytes, header: str | None) -> bool:
    """Constant-time check of the hex HMAC-SHA256 of `body` under `secret`."""
    if not header:
        return False
    given = header.strip().removeprefix("sha256=").lower()
    return hmac.compare_digest(given, sign(secret, body))
