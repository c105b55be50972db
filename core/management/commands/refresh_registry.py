"""python manage.py refresh_registry: recount members and re-evaluate every organisation rule (run daily:
term reminders depend on the date)."""

import time

from django.core.management.base import BaseCommand

from orgs import services


class Command(BaseCommand):
    help = "重新统计党员人数并重新计算所有规则提示（建议每日运行，任期提醒与日期有关）"

    def handle(self, *args, **options):
        started = time.monotonic()
        count = services.refresh_orgs()
        services.refresh_institutions()
        self.stdout.write(self.style.SUCCESS(f"已刷新 {count} 个党组织，用时 {time.monotonic() - started:.1f} 秒"))
