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
    transaction.on_commit(lambda: _set_new(name))


def renew(name: str) -> None:
    """Bump now and again at commit: for data whose staleness must not outlive the writing transaction even in
    this process (a reader between the two may cache the old data under the first new version; the second
    retires it)."""
    _set_new(name)
    transaction.on_commit(lambda: _set_new(name))


def _set_new(name: str) -> None:
    cache.set(f"version:{name}", uuid.uuid4().hex[:12], None)
