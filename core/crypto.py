"""Encryption at rest for personal data (ID numbers, phones) and their blind index.

Values are encrypted with AES-256-GCM (a fresh 96-bit nonce each time). A token is
`<key id>.<base64(nonce + ciphertext)>`; the key id (4 hex of the key's SHA-256) lets old keys keep decrypting
after rotation: FIELD_ENCRYPTION_KEYS lists keys, the first encrypts, all decrypt. A keyed HMAC of the
normalised value (the blind index) finds duplicates and matches imports without storing the clear value.
"""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings


def _key_bytes(secret: str) -> bytes:
    return hashlib.sha256(("field-encryption:" + secret).encode()).digest()


@lru_cache(maxsize=1)
def _keys() -> tuple[str, dict[str, AESGCM]]:
    secrets = list(settings.FIELD_ENCRYPTION_KEYS) or [settings.SECRET_KEY]  # dev fallback; production sets keys
    keys = {}
    for secret in secrets:
        raw = _key_bytes(secret)
        keys[hashlib.sha256(raw).hexdigest()[:4]] = AESGCM(raw)
    return next(iter(keys)), keys


def encrypt(value: str) -> str:
    if not value:
        return ""
    key_id, keys = _keys()
    nonce = os.urandom(12)
    sealed = keys[key_id].encrypt(nonce, value.encode(), None)
    return key_id + "." + base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt(token: str) -> str:
    if not token or "." not in token:
        return ""
    key_id, _, body = token.partition(".")
    cipher = _keys()[1].get(key_id)
    if cipher is None:
        return ""
    raw = base64.urlsafe_b64decode(body.encode())
    try:
        return cipher.decrypt(raw[:12], raw[12:], None).decode()
    except InvalidTag:
        return ""


def blind_index(value: str, purpose: str) -> str | None:
    if not value:
        return None
    key = (settings.BLIND_INDEX_KEY + ":" + purpose).encode()
    return hmac.new(key, value.upper().encode(), hashlib.sha256).hexdigest()
