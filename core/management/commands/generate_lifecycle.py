"""python manage.py generate_lifecycle: 党费 for every current member who has none yet (24 months) and a 发展党员
record for every applicant, 积极分子 and 预备党员 who has none (run by `generate`, and by the bench after its
fixtures add people). Each run fills only what is missing."""

import time

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from core.bulk import foreign_keys_checked_at_end, reused_plans
from development.synthetic import generate_applicants
from dues.synthetic import generate_dues
from orgs import services


class Command(BaseCommand):
    help = "生成模拟党费（24个月）和发展党员记录（只补缺少的）"

    def handle(self, *args, **options):
        started = time.monotonic()
        written = [*apps.get_app_config("dues").get_models(), *apps.get_app_config("development").get_models()]
        with transaction.atomic(), reused_plans(), foreign_keys_checked_at_end(written):
            dues = generate_dues()
            applicants = generate_applicants()
            if dues["members"]:
                services.refresh_orgs()  # the arrears warnings
        self.stdout.write(self.style.SUCCESS(
            f"完成：{dues['members']} 名党员的党费（{dues['payments']} 笔交纳），{applicants} 条发展党员记录，"
            f"用时 {time.monotonic() - started:.1f} 秒"
        ))  # fmt: skip
