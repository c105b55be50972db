"""Running an import: read, validate every row, then write the whole file in one transaction or nothing.

Reading and checking an upload and writing a confirmed one are background tasks (core.tasks): a worker, not the
web server, reads files, so a hostile one costs a worker and not a page. Each job moves through its states by
atomic claims (a second confirmation of the same file finds it already queued), holds a lock while it runs
(core.locks), and always ends in a final state with its upload deleted; one whose worker died is run again or,
after repeated deaths, marked failed (`maintain_jobs`, every two minutes).
"""

import datetime
import logging
import time

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone

from alliances.imports import ReferralTallyImport
from core import crypto, tasks
from core.bulk import existing_objects_frozen, reused_plans
from core.locks import AlreadyRunning, is_running, job_lock, remove_lock_file

from .base import Plan
from .lifecycle_import import ApplicantImport, DuesBaseImport, DuesPaymentImport
from .models import ImportJob, ImportKind, ImportStatus
from .people_import import PeopleImport
from .reader import ImportFileError, read_file
from .registry_import import InstitutionImport, MembershipImport, OrgImport, PositionImport

logger = logging.getLogger(__name__)

KINDS = {
    ImportKind.INSTITUTIONS: InstitutionImport,
    ImportKind.ORGS: OrgImport,
    ImportKind.PEOPLE: PeopleImport,
    ImportKind.MEMBERSHIPS: MembershipImport,
    ImportKind.POSITIONS: PositionImport,
    ImportKind.REFERRAL_COUNTS: ReferralTallyImport,
    ImportKind.DUES_BASES: DuesBaseImport,
    ImportKind.DUES_PAYMENTS: DuesPaymentImport,
    ImportKind.APPLICANTS: ApplicantImport,
}
LOCK = "import"
MAX_ATTEMPTS = 2  # a job whose worker died twice is failed (the file itself may be what kills it)
TASK_TIMEOUT = 1800  # seconds: a worker running longer is stopped, and the job recovered
QUEUED_RESEND_AFTER = datetime.timedelta(minutes=10)
BUSY_RETRIES = 6  # SQLite: a write that found the database changed or locked is retried from the start
BUSY_MESSAGE = "数据库正忙（其他用户正在写入大批数据），本次导入未写入任何数据，请稍后重新上传确认"


def check_file(user, kind: str, name: str, content: bytes) -> tuple[Plan | None, int, str]:
    """(plan, data rows, file-level error message) for an uploaded file; nothing is written."""
    from django.conf import settings

    if len(content) > settings.IMPORT_MAX_BYTES:
        limit = settings.IMPORT_MAX_BYTES // 1024 // 1024
        return None, 0, f"文件大小 {len(content) / 1024 / 1024:.1f} MB，超过 {limit} MB 上限，请拆分后上传"
    importer = KINDS[kind](user)
    try:
        sheet = read_file(name, content, importer.headers, importer.required)
    except ImportFileError as error:
        return None, 0, str(error)
    with existing_objects_frozen():
        return importer.plan(sheet), len(sheet.rows), ""


# --- the upload ----------------------------------------------------------------------------------------------


def accept_upload(user, kind: str, name: str, content: bytes, source: str = "web") -> ImportJob:
    """Store the upload encrypted and queue its check."""
    job = ImportJob(user=user, kind=kind, original_name=name[:200], status=ImportStatus.CHECKING, source=source)
    job.file.save(f"{kind}.bin", ContentFile(crypto.seal_bytes(content)), save=False)
    job.save()
    if source == "web":
        tasks.enqueue("imports.services.run_check", job.pk, group="imports")
    return job


def read_upload(job: ImportJob) -> bytes:
    with job.file.open("rb") as handle:
        return crypto.open_bytes(handle.read())


def drop_upload(job: ImportJob) -> None:
    """The upload holds ID numbers: gone as soon as the job no longer needs it."""
    if job.file:
        job.file.delete(save=False)


def discard(job: ImportJob) -> bool:
    """放弃: a job waiting for confirmation (or refused) gives up its upload."""
    claimed = ImportJob.objects.filter(pk=job.pk, status__in=[ImportStatus.READY, ImportStatus.INVALID]).update(
        status=ImportStatus.CANCELLED, finished_at=timezone.now()
    )
    job.refresh_from_db()
    if claimed or job.status in (ImportStatus.CANCELLED, ImportStatus.EXPIRED):
        drop_upload(job)
        job.save(update_fields=["file"])
    return bool(claimed)


# --- tasks -------------------------------------------------------------------------------------------------


def progress_key(job_id: int) -> str:
    return f"import-progress-{job_id}"


def _claim(job_id: int, from_status: str, to_status: str) -> ImportJob | None:
    updated = ImportJob.objects.filter(pk=job_id, status=from_status).update(
        status=to_status, attempts=F("attempts") + 1
    )
    return ImportJob.objects.select_related("user").get(pk=job_id) if updated else None


def _run_claimed(job_id: int, from_status: str, to_status: str, work) -> None:
    """Under the job's lock, claim it (from_status -> to_status) and do the work; nothing if another worker holds
    it or it is no longer in from_status (a duplicate task)."""
    try:
        with job_lock(LOCK, job_id):
            job = _claim(job_id, from_status, to_status)
            if job is not None:
                work(job)
    except AlreadyRunning:
        logger.info("import %s is being worked on by another worker", job_id)


def run_check(job_id: int) -> None:
    """Task: read and check an upload (the preview with row errors)."""
    _run_claimed(job_id, ImportStatus.CHECKING, ImportStatus.CHECKING, check_job)


def check_job(job: ImportJob) -> None:
    try:
        plan, rows, file_error = check_file(job.user, job.kind, job.original_name, read_upload(job))
    except Exception:  # an unreadable upload is the file's fault: say so, keep nothing
        logger.exception("import %s: check failed", job.pk)
        plan, rows, file_error = (
            None,
            0,
            "文件无法读取（可能已损坏或不是电子表格），请用 Excel 打开后另存为 .xlsx 再上传",
        )
    job.row_count = rows
    if file_error:
        job.status, job.errors, job.error_count = ImportStatus.INVALID, [{"reason": file_error}], 1
    else:
        job.status = ImportStatus.INVALID if plan.error_count else ImportStatus.READY
        job.errors, job.error_count = plan.errors, plan.error_count
        job.summary = {"to_create": plan.creates, "to_update": plan.updates}
    if job.status == ImportStatus.INVALID:
        drop_upload(job)
        job.finished_at = timezone.now()
    job.attempts = 0  # attempts count the runs of one stage: the writing starts its own count
    job.save()


def confirm(job: ImportJob) -> bool:
    """确认导入, atomically: of two confirmations (two tabs, a double click) only the first queues the job."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.READY).update(status=ImportStatus.QUEUED)
    if claimed:
        tasks.enqueue("imports.services.run_apply", job.pk, timeout=TASK_TIMEOUT, group="imports")
    return bool(claimed)


def run_apply(job_id: int) -> None:
    """Task: write a confirmed upload."""
    _run_claimed(job_id, ImportStatus.QUEUED, ImportStatus.RUNNING, apply_job)
    remove_lock_file(LOCK, job_id)


def apply_job(job: ImportJob) -> None:
    """Validate again (the registry may have changed since the preview) and write everything, or nothing. The job
    ends in a final state and its upload is deleted, whatever happens."""

    def progress(done: int) -> None:
        cache.set(progress_key(job.pk), done, 3600)

    progress(0)  # a run after an interruption starts its count again
    try:
        content = read_upload(job)
        importer = KINDS[job.kind](job.user)
        sheet = read_file(job.original_name, content, importer.headers, importer.required)
        del content
        plan, summary = _write_with_retries(importer, sheet, progress)
        if plan.error_count:
            job.status, job.errors, job.error_count = ImportStatus.INVALID, plan.errors, plan.error_count
        else:
            job.summary = {**job.summary, **summary}
            job.status = ImportStatus.DONE
    except ImportFileError as error:
        job.status, job.errors, job.error_count = ImportStatus.INVALID, [{"reason": str(error)}], 1
    except OperationalError as error:
        logger.warning("import %s: %s", job.pk, error)
        job.status, job.errors, job.error_count = ImportStatus.FAILED, [{"reason": BUSY_MESSAGE}], 1
    except Exception as error:  # nothing was written: the transaction rolled back
        logger.exception("import %s failed", job.pk)
        job.status = ImportStatus.FAILED
        job.errors = [{"reason": f"导入过程中出错，所有数据均未写入（{type(error).__name__}）"}]
        job.error_count = 1
    except BaseException:  # interrupted (Ctrl-C in the CLI, a worker stopped): final, and the upload goes too
        job.status, job.errors, job.error_count = ImportStatus.FAILED, [{"reason": "导入被中断，未写入任何数据"}], 1
        raise
    finally:
        job.finished_at = timezone.now()
        drop_upload(job)
        job.save()


def _write_with_retries(importer, sheet, progress) -> tuple[Plan, dict | None]:
    """SQLite has one write lock: a second large import may hold it longer than our wait. Try again later."""
    for attempt in range(BUSY_RETRIES):
        try:
            return _validate_and_write(importer, sheet, progress)
        except OperationalError as error:
            if connection.vendor != "sqlite" or "locked" not in str(error) or attempt == BUSY_RETRIES - 1:
                raise
            time.sleep(min(2**attempt, 15))
    raise AssertionError("unreachable")


def _validate_and_write(importer, sheet, progress) -> tuple[Plan, dict | None]:
    if connection.vendor == "sqlite" and importer.checks_before_write_lock:
        return _check_then_write(importer, sheet, progress)
    with transaction.atomic():
        # The read cells stay out of the cycle collector; every inserted row's foreign-key check reuses a plan.
        with existing_objects_frozen(), reused_plans():
            if connection.vendor == "sqlite":
                plan = importer.plan(sheet)
                summary = None if plan.error_count else importer.apply(plan, progress)
            else:  # PostgreSQL writes batches while later rows are checked (no global write lock to hold)
                plan, summary = importer.validate_and_apply(sheet, progress)
        if plan.error_count:
            transaction.set_rollback(True)  # rows written before the first error was found go as well
    return plan, summary


RECHECKS = 3


def _check_then_write(importer, sheet, progress) -> tuple[Plan, dict | None]:
    """SQLite, large kinds: every row is checked before the database's one write lock is taken, so other users'
    saves wait only while rows are written. Under the lock a quick re-check confirms that nothing the plan
    relies on changed meanwhile (an organisation closed, the same ID number registered); if something did, the
    file is checked again."""
    for _ in range(RECHECKS):
        with existing_objects_frozen():
            plan = importer.plan(sheet)
        if plan.error_count:
            return plan, None
        with transaction.atomic(), existing_objects_frozen():
            if importer.still_valid(plan):
                return plan, importer.apply(plan, progress)
    raise OperationalError("database is locked: the registry kept changing while the file was checked")


# --- upkeep (a periodic task) ----------------------------------------------------------------------------------


def maintain_jobs() -> dict:
    """Delete uploads left unconfirmed past the CONFIG time; run again (or fail) jobs whose worker died."""
    return {"expired": expire_uploads(), **recover_interrupted()}


def expire_uploads() -> int:
    from orgs.rules import current_settings

    cutoff = timezone.now() - datetime.timedelta(hours=int(current_settings()["import_upload_hours"]))
    count = 0
    for job in ImportJob.objects.filter(status=ImportStatus.READY, created_at__lt=cutoff):
        if ImportJob.objects.filter(pk=job.pk, status=ImportStatus.READY).update(
            status=ImportStatus.EXPIRED, finished_at=timezone.now()
        ):
            drop_upload(job)
            ImportJob.objects.filter(pk=job.pk).update(file="")
            count += 1
    return count


def recover_interrupted() -> dict:
    """A job marked checking or running whose lock nobody holds lost its worker: its transaction rolled back with
    the process, so running it again is safe. A queued job waiting long may have lost its task: queue it again
    (a duplicate task finds the job claimed and does nothing)."""
    retried = failed = resent = 0
    to_queue: list[tuple[str, int]] = []  # queued once the lock is released (a synchronous task would find it held)
    for job in ImportJob.objects.filter(status__in=[ImportStatus.CHECKING, ImportStatus.RUNNING]):
        try:
            with job_lock(LOCK, job.pk):
                job.refresh_from_db()
                if job.status not in (ImportStatus.CHECKING, ImportStatus.RUNNING):
                    continue
                if job.status == ImportStatus.CHECKING and job.attempts == 0:
                    if job.created_at < timezone.now() - QUEUED_RESEND_AFTER:  # its task was lost: queue it again
                        to_queue.append(("imports.services.run_check", job.pk))
                        resent += 1
                    continue  # else not yet picked up by a worker
                if job.source == "web" and job.attempts < MAX_ATTEMPTS:
                    to_queue.append(_queue_again(job))
                    retried += 1
                else:
                    _fail_interrupted(job)
                    failed += 1
        except AlreadyRunning:
            continue  # alive
    for func, pk in to_queue:
        tasks.enqueue(func, pk, timeout=TASK_TIMEOUT, group="imports")
    stale = timezone.now() - QUEUED_RESEND_AFTER
    for job in ImportJob.objects.filter(status=ImportStatus.QUEUED, created_at__lt=stale):
        if not is_running(LOCK, job.pk):
            tasks.enqueue("imports.services.run_apply", job.pk, timeout=TASK_TIMEOUT, group="imports")
            resent += 1
    return {"retried": retried, "failed": failed, "resent": resent}


def _queue_again(job: ImportJob) -> tuple[str, int]:
    job.note = "上次处理时服务进程意外中断（未写入任何数据），已自动重新开始"
    if job.status == ImportStatus.RUNNING:
        job.status = ImportStatus.QUEUED
        job.save(update_fields=["status", "note"])
        return "imports.services.run_apply", job.pk
    job.save(update_fields=["note"])
    return "imports.services.run_check", job.pk


def _fail_interrupted(job: ImportJob) -> None:
    reason = (
        "命令行导入被中断，未写入任何数据"
        if job.source == "cli"
        else "处理该文件的服务进程两次意外中断（文件可能异常，或服务器资源不足），未写入任何数据"
    )
    job.status, job.errors, job.error_count = ImportStatus.FAILED, [{"reason": reason}], 1
    job.finished_at = timezone.now()
    drop_upload(job)
    job.save()
