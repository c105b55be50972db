"""Versions of shared data, for the keys of what is cached from it.

A version changes when a transaction that changed its data commits. Versions are random, so one lost from the
cache (evicted, cleared) is replaced by a new one and never matches an entry cached under an older one.
"""

import uuid

from django.core.cache import cache
from django.db import transaction


def current(name: str) -> str:
    key = f"version:{name}"
    version = cache.get(key)
    if version is None:
        version = uuid.uuid4().hex[:12]
        cache.set(key, version, None)
    return version


def bump(name: str) -> None:
    transaction.on_commit(lambda: cache.set(f"version:{name}", uuid.uuid4().hex[:12], None))
