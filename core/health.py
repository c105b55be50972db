"""The checks behind /healthz/deep: each says whether a part works, how long it took to tell, and why not."""

import shutil
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

QUEUE_STALL = timedelta(minutes=10)  # a task waiting longer than this means no worker is taking tasks


def run_checks() -> dict[str, dict]:
    return {name: _timed(check) for name, check in CHECKS.items()}


def _timed(check) -> dict:
    start = time.monotonic()
    try:
        detail = check()
        ok = True
    except Exception as error:  # a check reports its failure; it never raises
        detail, ok = f"{type(error).__name__}: {error}", False
    return {"ok": ok, "detail": detail, "ms": round((time.monotonic() - start) * 1000, 1)}


def database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def cache_round_trip() -> str:
    key, value = f"health-{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, 30)
    if cache.get(key) != value:
        raise RuntimeError("缓存写入后读不回")
    cache.delete(key)
    return settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]


def task_queue() -> str:
    """Tasks are taken (none waits past QUEUE_STALL) and the schedules advance (the scheduler runs)."""
    from django_q.models import OrmQ, Schedule

    now = timezone.now()
    waiting = OrmQ.objects.filter(lock__lte=now)
    oldest = waiting.order_by("lock").values_list("lock", flat=True).first()
    if oldest is not None and now - oldest > QUEUE_STALL:
        raise RuntimeError(
            f"{waiting.count()} 个任务在排队，最早的已等待 {(now - oldest).seconds // 60} 分钟：后台任务进程可能没有运行"
        )
    overdue = Schedule.objects.exclude(repeats=0).filter(next_run__lt=now - QUEUE_STALL).count()
    if overdue:
        raise RuntimeError(f"{overdue} 个定时任务逾期未运行：后台任务进程可能没有运行")
    return f"{waiting.count()} 个任务排队"


def disk() -> str:
    usage = shutil.disk_usage(settings.DATA_DIR)
    if usage.free < settings.HEALTH_MIN_FREE_BYTES:
        raise RuntimeError(f"数据目录所在磁盘只剩 {usage.free // 1024 // 1024} MB")
    return f"{usage.free // 1024 // 1024 // 1024} GB 可用"


def keys() -> str:
    from core import crypto

    crypto.verify_keys()
    return "密钥与数据相符"


def file_storage() -> str:
    """Uploads can be read back: this disk, or the object store that every app server shares."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage, storages

    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name, "rb") as handle:
            if handle.read() != b"ok":
                raise RuntimeError("文件存储写入后读不回")
    finally:
        default_storage.delete(name)
    return type(storages["default"]).__name__


REPLICA_LAG_LIMIT = timedelta(seconds=60)


def replica() -> str:
    """The read replica answers and is not far behind (only when DATABASE_REPLICA_URL is set)."""
    from django.db import connections

    from core.replica import REPLICA, replica_configured

    if not replica_configured():
        return "未配置只读副本"
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT pg_is_in_recovery(), CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
            "ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END"
        )
        in_recovery, lag = cursor.fetchone()
    if not in_recovery:
        raise RuntimeError("DATABASE_REPLICA_URL 指向的不是只读副本")
    if lag is not None and lag > REPLICA_LAG_LIMIT.total_seconds():
        raise RuntimeError(f"只读副本落后 {int(lag)} 秒")
    return f"落后 {float(lag or 0):.1f} 秒"


CHECKS = {"database": database, "cache": cache_round_trip, "queue": task_queue, "disk": disk, "keys": keys,
          "files": file_storage, "replica": replica}  # fmt: skip
