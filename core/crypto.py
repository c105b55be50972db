"""Encryption at rest for personal data (ID numbers, phones) and their blind index.

Values are encrypted with AES-256-GCM (a fresh 96-bit nonce each time). A token is
`<key id>.<base64(nonce + ciphertext)>`; the key id (4 hex of the key's SHA-256) lets old keys keep decrypting
after rotation: FIELD_ENCRYPTION_KEYS lists keys, the first encrypts, all decrypt. A keyed HMAC of the
normalised value (the blind index) finds duplicates and matches imports without storing the clear value.

The keys come from the operator (gongjian/keys.py), never from the repository. Each key leaves a check value in
the database (core.KeyCheck): a process whose keys do not match the stored data refuses to start
(`verify_keys`) instead of showing "—" for every number. `manage.py rotate_keys` moves the data to a new key.
"""

import base64
import hashlib
import hmac
import logging
import os
import threading
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

FIELD, BLIND = "field", "blind"
CHECK_MESSAGE = b"gongjian key check value v1"
# (app label, model, encrypted column, blind-index column or None): every value this module protects.
ENCRYPTED_COLUMNS = [
    ("people", "Person", "id_number_enc", "id_number_hash"),
    ("people", "Person", "phone_enc", None),
    ("alliances", "Referral", "patient_id_enc", "patient_id_hash"),
]


class KeyMismatch(ImproperlyConfigured):
    """The configured keys do not open the stored personal data."""


def _key_bytes(secret: str) -> bytes:
    return hashlib.sha256(("field-encryption:" + secret).encode()).digest()


def key_id_of(secret: str) -> str:
    return hashlib.sha256(_key_bytes(secret)).hexdigest()[:4]


def check_value(kind: str, secret: str) -> str:
    """A keyed MAC of a fixed message: tells whether a key is the one that wrote the data, revealing nothing of it."""
    raw = _key_bytes(secret) if kind == FIELD else secret.encode()
    return hmac.new(raw, CHECK_MESSAGE + kind.encode(), hashlib.sha256).hexdigest()[:32]


@lru_cache(maxsize=1)
def _keys() -> tuple[str, dict[str, AESGCM]]:
    secrets = list(settings.FIELD_ENCRYPTION_KEYS)
    if not secrets:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS 未设置")
    keys = {}
    for secret in secrets:
        keys.setdefault(key_id_of(secret), AESGCM(_key_bytes(secret)))
    return key_id_of(secrets[0]), keys


def reset_caches() -> None:
    """After settings change (tests, rotation): forget the derived keys and the start-up verification."""
    _keys.cache_clear()
    _verified.clear()


def encrypt(value: str) -> str:
    if not value:
        return ""
    _ensure_verified()
    return seal(value)


def decrypt(token: str) -> str:
    if not token or "." not in token:
        return ""
    _ensure_verified()
    try:
        return open_token(token)
    except ValueError as error:
        logger.error("%s", error)
        return ""


def open_token(token: str) -> str:
    """The clear value of a token under any configured key; ValueError when none opens it."""
    key_id, _, body = token.partition(".")
    cipher = _keys()[1].get(key_id)
    if cipher is None:
        raise ValueError(f"personal data under key {key_id}, which is not configured")
    try:
        raw = base64.urlsafe_b64decode(body.encode())
        return cipher.decrypt(raw[:12], raw[12:], None).decode()
    except (InvalidTag, ValueError):
        raise ValueError(f"a value under key {key_id} failed authentication (altered, or another key)") from None


def seal(value: str) -> str:
    """encrypt() without the start-up verification: for rotate_keys, which runs while keys are changing."""
    key_id, keys = _keys()
    nonce = os.urandom(12)
    return key_id + "." + base64.urlsafe_b64encode(nonce + keys[key_id].encrypt(nonce, value.encode(), None)).decode()


def blind_index(value: str, purpose: str) -> str | None:
    if not value:
        return None
    key = (settings.BLIND_INDEX_KEY + ":" + purpose).encode()
    return hmac.new(key, value.upper().encode(), hashlib.sha256).hexdigest()


# --- key check values --------------------------------------------------------------------------------------

_verified: dict[str, bool] = {}
_verify_lock = threading.Lock()


def _ensure_verified() -> None:
    """Once per process and database, before the first value is encrypted or decrypted."""
    from django.db import connection

    alias = connection.settings_dict["NAME"]
    if _verified.get(alias):
        return
    with _verify_lock:
        if not _verified.get(alias):
            verify_keys()
            _verified[alias] = True


def configured_checks() -> dict[tuple[str, str], str]:
    """(kind, key id) -> check value of every key this process holds."""
    checks = {(FIELD, key_id_of(s)): check_value(FIELD, s) for s in settings.FIELD_ENCRYPTION_KEYS}
    checks[(BLIND, "")] = check_value(BLIND, settings.BLIND_INDEX_KEY)
    return checks


def verify_keys() -> None:
    """Refuse to go on when the configured keys are not the ones the stored data was written with.

    The first start on a database records the keys' check values; one that already holds encrypted data (from
    before check values existed) records them only if the keys open a sample of it."""
    from django.db import connection

    from core.models import KeyCheck, KeyRotation

    if KeyCheck._meta.db_table not in connection.introspection.table_names():
        return  # not migrated yet: nothing stored to protect
    stored = {(row.kind, row.key_id): row.check_value for row in KeyCheck.objects.all()}
    current = configured_checks()
    if not stored:
        _adopt_existing_data()
        KeyCheck.record(current)
        return
    rotation = KeyRotation.objects.first()
    problems = []
    for (kind, key_id), value in stored.items():
        if kind == FIELD and current.get((kind, key_id)) != value:
            problems.append(
                f"存储的个人信息由密钥 {key_id} 加密，但 FIELD_ENCRYPTION_KEYS 中没有该密钥"
                if (kind, key_id) not in current
                else f"FIELD_ENCRYPTION_KEYS 中编号 {key_id} 的密钥与加密存储数据的密钥不同"
            )
        if (
            kind == BLIND
            and current[(BLIND, "")] != value
            and not (rotation and rotation.blind_check == current[(BLIND, "")])
        ):
            problems.append("BLIND_INDEX_KEY 与写入身份证号索引的密钥不同（如需更换，请运行 manage.py rotate_keys）")
    if problems:
        raise KeyMismatch("密钥与数据库中的数据不符，拒绝启动：" + "；".join(problems))
    first = (FIELD, key_id_of(settings.FIELD_ENCRYPTION_KEYS[0]))
    if first not in stored:  # a new key put first for rotation: data written from now on uses it
        KeyCheck.record({first: current[first]})


def _adopt_existing_data() -> None:
    """A database written before check values existed: its data must open with the configured keys."""
    from django.apps import apps

    for app_label, model_name, column, hash_column in ENCRYPTED_COLUMNS:
        model = apps.get_model(app_label, model_name)
        fields = [column] + ([hash_column] if hash_column else [])
        sample = list(model.objects.exclude(**{column: ""}).order_by("-pk").values_list(*fields)[:20])
        for row in sample:
            key_id = row[0].partition(".")[0]
            try:
                clear = open_token(row[0])
            except ValueError:
                raise KeyMismatch(
                    f"配置的 FIELD_ENCRYPTION_KEYS 无法解密已存储的个人信息（{model._meta.verbose_name}.{column}，"
                    f"密钥编号 {key_id}），拒绝启动：请配置写入这些数据时的密钥"
                ) from None
            if hash_column and row[1] and blind_index(clear, "id_number") != row[1]:
                raise KeyMismatch("配置的 BLIND_INDEX_KEY 与已存储的身份证号索引不符，拒绝启动")


# --- files ---------------------------------------------------------------------------------------------------

FILE_MAGIC = b"GJE1"


def seal_bytes(content: bytes) -> bytes:
    """An uploaded file as stored until it is confirmed: it may hold ID numbers in clear, so it is encrypted too."""
    _ensure_verified()
    key_id, keys = _keys()
    nonce = os.urandom(12)
    return FILE_MAGIC + key_id.encode() + nonce + keys[key_id].encrypt(nonce, content, FILE_MAGIC)


def open_bytes(sealed: bytes) -> bytes:
    if not sealed.startswith(FILE_MAGIC):
        raise ValueError("not a sealed file")
    key_id, nonce, body = sealed[4:8].decode(), sealed[8:20], sealed[20:]
    cipher = _keys()[1].get(key_id)
    if cipher is None:
        raise ValueError(f"file under key {key_id}, which is not configured")
    return cipher.decrypt(nonce, body, FILE_MAGIC)
