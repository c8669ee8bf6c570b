"""Decode a webhook body into a JSON object, with limits (pure)."""

from __future__ import annotations

import json
from typing import Any

MAX_BODY_BYTES = 64 * 1024
MAX_DEPTH = 5


class PayloadError(ValueError):
    """The body cannot be used; `field` names what is wrong (`body` for the whole)."""

    def __init__(self, message: str, *, field: str = "body", status: int = 400) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.status = status


def nesting_depth(value: Any) -> int:
    """1 for a flat object/array, +1 per level of nesting; 0 for a scalar."""
    if isinstance(value, dict):
        return 1 + max((nesting_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((nesting_depth(v) for v in value), default=0)
    return 0


def decode_payload(body: bytes) -> dict[str, Any]:
    """The alert as a dict. TradingView sends JSON as `text/plain` too, so the
    content type is not trusted: the body itself must be a JSON object."""
    if len(body) > MAX_BODY_BYTES:
        raise PayloadError(f"body is larger than {MAX_BODY_BYTES // 1024} KB", status=413)
    if not body.strip():
        raise PayloadError("body is empty: the alert message must be a JSON object")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PayloadError("body is not UTF-8 text") from exc
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PayloadError(
            f"body is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); "
            "paste one of the alert templates from the Webhooks page"
        ) from exc
    if not isinstance(value, dict):
        raise PayloadError('body must be a JSON object, like {"action": "buy", …}')
    if nesting_depth(value) > MAX_DEPTH:
        raise PayloadError(f"body is nested deeper than {MAX_DEPTH} levels")
    return value
