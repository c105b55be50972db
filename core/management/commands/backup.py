"""python manage.py backup [--output FILE]: database, media and a manifest in one encrypted file (core.backup)."""

import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, make_backup


class Command(BaseCommand):
    help = "备份数据库和上传的文件（加密，含行数和校验和清单）"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--output", help="备份文件路径（默认 BACKUP_DIR 或数据目录下的 backups/）")

    def handle(self, *args, output, **options):
        if output:
            target = Path(output)
        else:
            folder = Path(settings.BACKUP_DIR or Path(settings.DATA_DIR) / "backups")
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"gongjian-{datetime.datetime.now():%Y%m%d-%H%M%S}.gjb"
        try:
            manifest = make_backup(target)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(manifest["tables"].values())
        self.stdout.write(self.style.SUCCESS(
            f"已备份到 {target}：{len(manifest['tables'])} 张表 {rows} 行，{len(manifest['files']) - 1} 个文件，"
            f"{target.stat().st_size / 1024 / 1024:.1f} MB"
        ))  # fmt: skip
