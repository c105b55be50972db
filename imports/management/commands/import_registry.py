"""python manage.py import_registry KIND FILE --user NAME [--dry-run]: the upload flow without a browser."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.locks import job_lock, remove_lock_file
from imports import services
from imports.models import ImportJob, ImportKind, ImportStatus


class Command(BaseCommand):
    help = "从 Excel/CSV 导入单位、党组织、人员、组织关系或职务（与网页导入相同的校验与权限）"
    requires_system_checks = []  # a batch job: `manage.py check` runs in CI; here it would cost a second per file

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="以该用户的权限导入")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")

    def handle(self, *args, kind, file, user, dry_run, **options):
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"用户不存在：{user}")
        path = Path(file)
        content = path.read_bytes()
        if dry_run:
            plan, rows, file_error = services.check_file(account, kind, path.name, content)
            if file_error:
                raise CommandError(file_error)
            self._report(plan.errors, plan.error_count)
            self.stdout.write(f"校验通过：{rows} 行，将新增 {plan.creates}，更新 {plan.updates}")
            return
        # apply_job validates the whole file itself and writes nothing unless every row is valid. The job is
        # locked while it runs: killed, it is found and marked failed by the periodic upkeep (maintain_jobs).
        job = services.accept_upload(account, kind, path.name, content, source="cli")
        with job_lock(services.LOCK, job.pk):
            ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, attempts=1)
            job.refresh_from_db()
            services.apply_job(job)
        remove_lock_file(services.LOCK, job.pk)
        if job.status != ImportStatus.DONE:
            self._report(job.errors, job.error_count)
            raise CommandError("导入失败，未写入任何数据")
        self.stdout.write(self.style.SUCCESS(f"已导入：{json.dumps(job.summary, ensure_ascii=False)}"))

    def _report(self, errors, count):
        if not count:
            return
        for error in errors[:50]:
            where = f"第{error['row']}行 {error['column']}：{error['value']} —— " if error.get("row") else ""
            self.stderr.write(where + error["reason"])
        raise CommandError(f"共 {count} 处错误，未写入任何数据")
