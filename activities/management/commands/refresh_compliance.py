"""python manage.py refresh_compliance: the daily job that rolls compliance periods over (yellow → red …)."""

import time

from django.core.management.base import BaseCommand

from activities import compliance


class Command(BaseCommand):
    help = "重新计算所有党支部的组织生活开展情况（每日运行一次）"

    def handle(self, *args, **options):
        started = time.monotonic()
        done = compliance.rebuild_all()
        self.stdout.write(self.style.SUCCESS(f"已更新 {done} 个党支部，用时 {time.monotonic() - started:.1f} 秒"))
