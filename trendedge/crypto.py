"""Secrets at rest: AES-256-GCM with a versioned key from the environment.

Ciphertext format: ``v{version}:{base64(nonce ‖ ciphertext ‖ tag)}``. The key
version is stored with every value, so keys can be rotated: set the new key
as ENCRYPTION_KEY with a higher ENCRYPTION_KEY_VERSION and keep the old one in
ENCRYPTION_OLD_KEYS (``version:base64key,…``) until everything is re-encrypted.
In development without ENCRYPTION_KEY a key is derived from SESSION_SECRET.
"""

from __future__ import annotations

import base64
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from trendedge.settings import Settings, get_settings

NONCE_BYTES = 12


class DecryptionError(ValueError):
    """The value was not produced by a key we hold, or was tampered with."""


def _decode_key(text: str, *, name: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise ValueError(f"{name} is not valid base64") from exc
    if len(key) != 32:
        raise ValueError(f"{name} must decode to 32 bytes (AES-256), got {len(key)}")
    return key


def keyring(settings: Settings) -> tuple[int, dict[int, bytes]]:
    """(current version, {version: key}) from the settings."""
    keys: dict[int, bytes] = {}
    for item in filter(None, (p.strip() for p in settings.encryption_old_keys.split(","))):
        version, _, text = item.partition(":")
        keys[int(version)] = _decode_key(text, name=f"ENCRYPTION_OLD_KEYS[{version}]")
    if settings.encryption_key:
        current = _decode_key(settings.encryption_key, name="ENCRYPTION_KEY")
    else:
        current = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"trendedge-dev-encryption"
        ).derive(settings.session_secret.encode())
    keys[settings.encryption_key_version] = current
    return settings.encryption_key_version, keys


def encrypt(plaintext: str, *, settings: Settings | None = None) -> str:
    version, keys = keyring(settings or get_settings())
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(keys[version]).encrypt(nonce, plaintext.encode(), f"v{version}".encode())
    return f"v{version}:" + base64.b64encode(nonce + sealed).decode()


def decrypt(token: str, *, settings: Settings | None = None) -> str:
    _, keys = keyring(settings or get_settings())
    head, _, body = token.partition(":")
    if not head.startswith("v") or not head[1:].isdigit() or int(head[1:]) not in keys:
        raise DecryptionError("unknown key version")
    raw = base64.b64decode(body)
    try:
        plain = AESGCM(keys[int(head[1:])]).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], head.encode()
        )
    except Exception as exc:
        raise DecryptionError("value cannot be decrypted with the configured keys") from exc
    return plain.decode()
