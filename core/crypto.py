"""Encryption at rest for personal data (ID numbers, phones) and their blind index.

The ciphertext (Fernet) is what the database holds; a keyed HMAC of the normalised value finds duplicates
and matches imports without ever storing or comparing the clear value.
"""

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    keys = list(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        # Development fallback derived from SECRET_KEY; production sets FIELD_ENCRYPTION_KEYS.
        digest = hashlib.sha256(("field-encryption:" + settings.SECRET_KEY).encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    return MultiFernet([Fernet(k) for k in keys])


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def blind_index(value: str, purpose: str) -> str | None:
    if not value:
        return None
    key = (settings.BLIND_INDEX_KEY + ":" + purpose).encode()
    return hmac.new(key, value.upper().encode(), hashlib.sha256).hexdigest()
