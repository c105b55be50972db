"""python manage.py generate_cooperation --scale small|province|national: synthetic pairings, alliances and
referrals under the generated tree (run by `generate`; on its own for a database generated before they existed)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from orgs.models import PartyOrg
from pairings import synthetic


class Command(BaseCommand):
    help = "生成模拟共建关系、医联体和转诊记录"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=synthetic.SCALES, default="small")
        parser.add_argument("--if-missing", action="store_true", help="已生成过则跳过")

    def handle(self, *args, scale, if_missing, **options):
        if synthetic.exists():
            if if_missing:
                self.stdout.write("模拟共建数据已存在，跳过")
                return
            raise CommandError("模拟共建数据已存在")
        root = PartyOrg.objects.filter(name__contains=f"模拟数据·{scale}").order_by("id").first()
        if root is None:
            raise CommandError(f"请先运行 generate --scale {scale}")
        started = time.monotonic()
        pairings, referrals = synthetic.SCALES[scale]
        with transaction.atomic():
            made = synthetic.generate_cooperation(root, pairings, referrals)
        self.stdout.write(
            self.style.SUCCESS(
                f"完成：{made['pairings']} 个共建关系，{made['alliances']} 个医联体，{made['referrals']} 条转诊，"
                f"用时 {time.monotonic() - started:.1f} 秒"
            )
        )
