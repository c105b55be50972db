"""Background work on a task queue (django-q2, docs/decisions/0009): imports, page imports, large exports and the
periodic jobs run in worker processes, not in the web servers.

The broker is the database by default: SQLite under `make run` (one command starts the web server and a worker),
PostgreSQL in production, where any number of workers on any number of machines take tasks from it. A task whose
worker dies mid-way is found by `recover_interrupted_work` (its heartbeat stops) and run again: every task here is
idempotent and writes in one transaction, so a killed run left nothing behind.
"""

import io
import logging

from django.core.management import call_command

logger = logging.getLogger(__name__)


def enqueue(func: str, *args, timeout: int | None = None, group: str | None = None) -> str:
    """Queue `func` (a dotted path) with these arguments; runs at once, in this process, when tasks are synchronous
    (the test suite)."""
    from django_q.tasks import async_task

    options = {"group": group} if group else {}
    if timeout:
        options["timeout"] = timeout
    return async_task(func, *args, q_options=options)


def run_command(name: str, *args) -> str:
    """A periodic job: the management command an operator would otherwise run from cron. Its report is the task's
    result (django-q keeps it), not the worker's console."""
    out = io.StringIO()
    call_command(name, *args, verbosity=0, stdout=out)
    return out.getvalue().strip()


# name -> (function, args, schedule type, minutes between runs). What README's cron list used to ask for.
SCHEDULES = {
    "导入文件清理与中断恢复": ("imports.services.maintain_jobs", (), "I", 2),
    "网页导入中断恢复": ("news.importer.recover_interrupted_batches", (), "I", 5),
    "导出文件清理": ("core.exports.remove_expired_exports", (), "H", None),
    "文章浏览数汇总": ("core.tasks.run_command", ("fold_article_views",), "I", 15),
    "数据看板重新计算": ("core.tasks.run_command", ("refresh_dashboards",), "H", None),
    "组织规则与人数每日刷新": ("core.tasks.run_command", ("refresh_registry",), "D", None),
    "组织生活落实情况每日滚动": ("core.tasks.run_command", ("refresh_compliance",), "D", None),
    "每日备份": ("core.backup.scheduled_backup", (), "D", None),
    "定时提醒消息": ("core.tasks.run_command", ("send_reminders",), "D", None),
}


def ensure_schedules() -> None:
    """Create or update the periodic jobs (idempotent: every worker start runs it)."""
    from django.utils import timezone
    from django_q.models import Schedule

    for name, (func, args, kind, minutes) in SCHEDULES.items():
        defaults = {"func": func, "args": repr(args) if args else None, "schedule_type": kind, "repeats": -1}
        if minutes:
            defaults["minutes"] = minutes
        schedule, created = Schedule.objects.get_or_create(name=name, defaults={**defaults, "next_run": timezone.now()})
        if not created and any(getattr(schedule, k) != v for k, v in defaults.items()):
            for key, value in defaults.items():
                setattr(schedule, key, value)
            schedule.save()
    Schedule.objects.exclude(name__in=list(SCHEDULES)).delete()  # jobs a later version dropped
