from django.core.management.base import BaseCommand

from workbench import waiting


class Command(BaseCommand):
    help = "按记录的当前状态重新整理待办消息（批量导入后运行；可重复运行）"

    def handle(self, *args, **options):
        self.stdout.write(f"已核对 {waiting.sync_all()} 条记录的待办消息")
