"""Locks held while a background job runs and released however its process ends (a kill -9 included).

They tell a job that died from one that is slow: a job marked running whose lock is free was interrupted, and
its transaction was rolled back with its process, so it can safely run again. PostgreSQL: a session advisory
lock (any machine sees it). SQLite: an flock on a file beside the database (one machine, as SQLite is).
"""

import fcntl
import hashlib
import os
import zlib
from contextlib import contextmanager, suppress
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction


class AlreadyRunning(Exception):
    """Another process holds the job's lock."""


@contextmanager
def job_lock(kind: str, pk: int):
    """Hold the lock of one job for the duration of the block; AlreadyRunning if another process holds it."""
    if connection.vendor == "postgresql":
        key = _pg_key(kind)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [key, pk])
            if not cursor.fetchone()[0]:
                raise AlreadyRunning(f"{kind} {pk}")
        try:
            yield
        finally:
            with transaction.atomic(), connection.cursor() as cursor:  # atomic: usable after a failed transaction
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [key, pk])
        return
    handle = open(_lock_file(kind, pk), "a+")  # noqa: SIM115 - held open for the lock's lifetime
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise AlreadyRunning(f"{kind} {pk}") from None
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def is_running(kind: str, pk: int) -> bool:
    """Whether some process holds the job's lock now."""
    try:
        with job_lock(kind, pk):
            return False
    except AlreadyRunning:
        return True


def _pg_key(kind: str) -> int:
    return zlib.crc32(kind.encode()) & 0x7FFFFFFF


def _lock_file(kind: str, pk: int) -> Path:
    database = str(connection.settings_dict["NAME"])
    folder = Path(settings.DATA_DIR) / "locks" / hashlib.sha256(database.encode()).hexdigest()[:12]
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{kind}-{pk}.lock"


def remove_lock_file(kind: str, pk: int) -> None:
    """A finished job's lock file (SQLite) is no longer needed."""
    if connection.vendor != "postgresql":
        with suppress(FileNotFoundError):
            os.unlink(_lock_file(kind, pk))


@contextmanager
def held_elsewhere(kind: str, pk: int):
    """Tests: the job's lock held as another process would hold it. A PostgreSQL session may take its own advisory
    lock again, so the lock is taken on a second connection."""
    if connection.vendor != "postgresql":
        with job_lock(kind, pk):  # a second open file description: flock conflicts even within one process
            yield
        return
    import psycopg

    conf = connection.settings_dict
    with psycopg.connect(host=conf["HOST"] or "127.0.0.1", port=conf["PORT"] or 5432, user=conf["USER"],
                         password=conf.get("PASSWORD") or None, dbname=conf["NAME"], autocommit=True) as other:  # fmt: skip
        other.execute("SELECT pg_advisory_lock(%s, %s)", [_pg_key(kind), pk])
        yield
