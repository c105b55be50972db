"""Running an import: read, validate every row, then write the whole file in one transaction or nothing."""

import threading

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.utils import timezone

from alliances.imports import ReferralTallyImport
from core.bulk import existing_objects_frozen, reused_plans

from .base import Plan
from .models import ImportJob, ImportKind, ImportStatus
from .people_import import PeopleImport
from .reader import ImportFileError, read_file
from .registry_import import InstitutionImport, MembershipImport, OrgImport, PositionImport

KINDS = {
    ImportKind.INSTITUTIONS: InstitutionImport,
    ImportKind.ORGS: OrgImport,
    ImportKind.PEOPLE: PeopleImport,
    ImportKind.MEMBERSHIPS: MembershipImport,
    ImportKind.POSITIONS: PositionImport,
    ImportKind.REFERRAL_COUNTS: ReferralTallyImport,
}
BACKGROUND_ROWS = 5000  # bigger files are written in a background thread, with a progress bar


def check_file(user, kind: str, name: str, content: bytes) -> tuple[Plan | None, int, str]:
    """(plan, data rows, file-level error message) for an uploaded file; nothing is written."""
    if len(content) > settings.IMPORT_MAX_BYTES:
        return (
            None,
            0,
            f"文件大小 {len(content) / 1024 / 1024:.1f} MB，超过 {settings.IMPORT_MAX_BYTES // 1024 // 1024} MB 上限，请拆分后上传",
        )
    importer = KINDS[kind](user)
    try:
        sheet = read_file(name, content, importer.headers, importer.required)
    except ImportFileError as error:
        return None, 0, str(error)
    with existing_objects_frozen():
        return importer.plan(sheet), len(sheet.rows), ""


def progress_key(job_id: int) -> str:
    return f"import-progress-{job_id}"


def apply_job(job: ImportJob) -> None:
    """Validate again (the registry may have changed since the preview) and write everything, or nothing."""
    content = job.file.open("rb").read()
    job.file.close()
    importer = KINDS[job.kind](job.user)

    def progress(done: int) -> None:
        cache.set(progress_key(job.pk), done, 3600)

    try:
        with transaction.atomic():
            sheet = read_file(job.original_name, content, importer.headers, importer.required)
            del content
            # The read cells stay out of the cycle collector; every inserted row's foreign-key check reuses a plan.
            with existing_objects_frozen(), reused_plans():
                plan, summary = importer.validate_and_apply(sheet, progress)
            if plan.error_count:
                transaction.set_rollback(True)  # rows written before the first error was found go as well
                job.status, job.errors, job.error_count = ImportStatus.INVALID, plan.errors, plan.error_count
            else:
                job.summary = {**job.summary, **summary}
                job.status = ImportStatus.DONE
    except ImportFileError as error:
        job.status, job.errors, job.error_count = ImportStatus.INVALID, [{"reason": str(error)}], 1
    except Exception as error:  # nothing was written: the transaction rolled back
        job.status = ImportStatus.FAILED
        job.errors = [{"reason": f"导入过程中出错，所有数据均未写入（{type(error).__name__}: {error}）"}]
        job.error_count = 1
    job.finished_at = timezone.now()
    job.file.delete(save=False)  # the upload holds ID numbers in clear: keep it no longer than needed
    job.save()


def start_apply(job: ImportJob) -> None:
    job.status = ImportStatus.RUNNING
    job.save(update_fields=["status"])
    if job.row_count <= BACKGROUND_ROWS or settings.DATABASES["default"]["NAME"] == ":memory:":
        apply_job(job)
        return

    def run():
        try:
            apply_job(ImportJob.objects.select_related("user").get(pk=job.pk))
        finally:
            connections.close_all()

    threading.Thread(target=run, name=f"import-{job.pk}", daemon=True).start()
