"""python manage.py generate_oversight --scale small|province|national: a published 星级 scheme over every
generated branch, 光荣在党50年 medals, and two 两个覆盖 rounds (run by `generate`; on its own for older databases)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from coverage import synthetic as coverage_synthetic
from dashboards import figures
from honours import synthetic as honours_synthetic
from orgs.models import PartyOrg

SCALES = ("small", "province", "national")


class Command(BaseCommand):
    help = "生成模拟星级评定、光荣在党50年纪念章和两个覆盖摸排"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=SCALES, default="small")
        parser.add_argument("--if-missing", action="store_true", help="已生成过则跳过")

    def handle(self, *args, scale, if_missing, **options):
        if honours_synthetic.exists():
            if if_missing:
                self.stdout.write("模拟评定与摸排数据已存在，跳过")
                return
            raise CommandError("模拟评定与摸排数据已存在")
        root = PartyOrg.objects.filter(name__contains=f"模拟数据·{scale}").order_by("id").first()
        if root is None:
            raise CommandError(f"请先运行 generate --scale {scale}")
        started = time.monotonic()
        year = timezone.localdate().year
        with transaction.atomic():
            assessments = honours_synthetic.generate_assessments(root, year - 1)
            medals = honours_synthetic.generate_golden_medals(root, year)
            rows = coverage_synthetic.generate_rounds(root)
        figures.snapshot(root, year, force=True)
        self.stdout.write(self.style.SUCCESS(
            f"完成：{assessments} 个党支部星级评定，{medals} 枚纪念章，每轮 {rows} 家民营机构摸排，"
            f"用时 {time.monotonic() - started:.1f} 秒"
        ))  # fmt: skip
