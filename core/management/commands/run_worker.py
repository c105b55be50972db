"""python manage.py run_worker: a background worker (imports, page imports, exports, periodic jobs).

Production runs one or more on any machines that reach the database (docs/deploy.md); `make run` starts one
beside the web server (manage.py serve)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from core.tasks import ensure_schedules


class Command(BaseCommand):
    help = "启动后台任务进程：导入、网页导入、导出和定时任务（可在多台机器上各启动一个）"

    def handle(self, *args, **options):
        ensure_schedules()
        call_command("qcluster")
