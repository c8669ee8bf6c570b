"""Recognise and blank out secret-looking fields (logs, stored payloads)."""

from __future__ import annotations

import re
from typing import Any

SECRET_KEY = re.compile(
    r"token|secret|password|passphrase|cookie|authorization|api[_-]?key|code_verifier",
    re.IGNORECASE,
)
REDACTED = "[redacted]"


def is_secret_key(key: str) -> bool:
    return bool(SECRET_KEY.search(key))


def redact(value: Any) -> Any:
    """A copy of `value` with every dict entry under a secret-looking key redacted."""
    if isinstance(value, dict):
        return {k: REDACTED if is_secret_key(str(k)) else redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value
