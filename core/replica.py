"""Reads that tolerate seconds of lag go to a read replica when DATABASE_REPLICA_URL names one (docs/deploy.md).

Only views marked @reads_may_lag read from it: the public site's lists and search, signed-in search, the
dashboards. Everything else, every write, and every read inside a transaction stays on the primary. A signed-in
user who has just saved something reads from the primary for REPLICA_PIN_SECONDS afterwards, so that the page
after a save shows the save (a cookie set by ReadYourWritesMiddleware on every successful unsafe request)."""

import contextlib
import contextvars
import functools
import time

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PIN_COOKIE = "gj_wrote"
_lag_ok = contextvars.ContextVar("reads_may_lag", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _lag_ok.get() and not connections["default"].in_atomic_block:
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database and its copy

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


@contextlib.contextmanager
def on_primary():
    """Reads inside go to the primary, even in a view whose reads may lag: for what is cached under a version that
    a write has just renewed (a lagging replica would fill it with the data before the write)."""
    token = _lag_ok.set(False)
    try:
        yield
    finally:
        _lag_ok.reset(token)


def pinned_to_primary(request) -> bool:
    try:
        wrote_at = float(request.COOKIES.get(PIN_COOKIE, "0"))
    except ValueError:
        return False
    return time.time() - wrote_at < settings.REPLICA_PIN_SECONDS


def reads_may_lag(view):
    """The view's reads go to the replica, unless its user has just written."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not replica_configured() or pinned_to_primary(request):
            return view(request, *args, **kwargs)
        token = _lag_ok.set(True)
        try:
            return view(request, *args, **kwargs)
        finally:
            _lag_ok.reset(token)

    return wrapper


class ReadYourWritesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        wrote = request.method not in ("GET", "HEAD", "OPTIONS", "TRACE") and response.status_code < 400
        if wrote and replica_configured() and getattr(request, "user", None) and request.user.is_authenticated:
            response.set_cookie(PIN_COOKIE, f"{time.time():.3f}", max_age=settings.REPLICA_PIN_SECONDS,
                                httponly=True, samesite="Lax", secure=request.is_secure())  # fmt: skip
        return response
