"""python manage.py generate_news --scale small|province|national: synthetic articles on the generated hospitals'
sites and the search index of every article and activity (run by `generate`; on its own for an older database)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from news import synthetic
from orgs.models import PartyOrg


class Command(BaseCommand):
    help = "生成模拟党建动态文章，并为全部文章和活动建立检索索引"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=synthetic.SCALES, default="small")
        parser.add_argument("--if-missing", action="store_true", help="已生成过则跳过")

    def handle(self, *args, scale, if_missing, **options):
        if synthetic.exists():
            if if_missing:
                self.stdout.write("模拟党建动态已存在，跳过")
                return
            raise CommandError("模拟党建动态已存在")
        root = PartyOrg.objects.filter(name__contains=f"模拟数据·{scale}").order_by("id").first()
        if root is None:
            raise CommandError(f"请先运行 generate --scale {scale}")
        started = time.monotonic()
        with transaction.atomic():
            articles = synthetic.generate_news(root, synthetic.SCALES[scale])
            activities = synthetic.index_activities()
        self.stdout.write(self.style.SUCCESS(
            f"完成：{articles} 篇文章，{activities} 次活动入检索索引，用时 {time.monotonic() - started:.1f} 秒"
        ))  # fmt: skip
