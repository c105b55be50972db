"""Exports too large to build while a page waits: the list view runs again in a background worker, as its user,
through the same access gate, and the file waits for a day on the user's 我的导出 page."""

import datetime
import logging
from urllib.parse import urlsplit

from django.contrib.sessions.backends.base import SessionBase
from django.core.files.base import ContentFile
from django.db.models import F
from django.test import RequestFactory
from django.urls import resolve
from django.utils import timezone

from core import tasks
from core.locks import AlreadyRunning, is_running, job_lock

from .models import ExportJob, ExportStatus

logger = logging.getLogger(__name__)
LOCK = "export"
KEEP = datetime.timedelta(hours=24)
EXPORT_TIMEOUT = 1800


def queue_export(request, title: str) -> ExportJob:
    job = ExportJob.objects.create(user=request.user, title=title[:200], url=request.get_full_path()[:2000])
    tasks.enqueue("core.exports.run_export", job.pk, timeout=EXPORT_TIMEOUT, group="exports")
    return job


def in_export_task(request) -> bool:
    return getattr(request, "gongjian_export_task", False)


def run_export(job_id: int) -> None:
    """Task: call the list view again, as its user, and keep the file it answers with."""
    try:
        with job_lock(LOCK, job_id):
            if not ExportJob.objects.filter(pk=job_id, status=ExportStatus.RUNNING).update(attempts=F("attempts") + 1):
                return
            job = ExportJob.objects.get(pk=job_id)
            try:
                name, content = _render(job)
                job.file.save(name, ContentFile(content), save=False)
                job.status = ExportStatus.DONE
            except Exception:
                logger.exception("export %s failed", job.pk)
                job.status, job.error = ExportStatus.FAILED, "生成时出错，请稍后重试或缩小筛选范围"
            job.finished_at = timezone.now()
            job.save()
    except AlreadyRunning:
        logger.info("export %s is being built by another worker", job_id)


def _render(job: ExportJob) -> tuple[str, bytes]:
    from accounts.backends import GrantsModelBackend

    user = GrantsModelBackend().get_user(job.user_id)
    if user is None:
        raise PermissionError("the account is gone or inactive")
    request = RequestFactory().get(job.url)
    request.user, request.session, request.htmx = user, SessionBase(), False
    request.gongjian_export_task = True
    match = resolve(urlsplit(job.url).path)
    response = match.func(request, *match.args, **match.kwargs)
    if response.status_code != 200 or not getattr(response, "streaming", False):
        raise ValueError(f"the list answered {response.status_code}")
    content = b"".join(response.streaming_content)
    return response.filename or "export.xlsx", content


def remove_expired_exports() -> int:
    """Periodic: files of exports older than a day are deleted; exports whose worker died are failed."""
    removed = 0
    for job in ExportJob.objects.filter(created_at__lt=timezone.now() - KEEP).exclude(file=""):
        job.file.delete(save=False)
        job.save(update_fields=["file"])
        removed += 1
    for job in ExportJob.objects.filter(status=ExportStatus.RUNNING, attempts__gt=0):
        if not is_running(LOCK, job.pk):
            job.status, job.error = ExportStatus.FAILED, "生成导出文件的服务进程意外中断，请重新导出"
            job.save(update_fields=["status", "error"])
    return removed
