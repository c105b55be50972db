"""python manage.py restore FILE: restore a backup into this installation's empty database and media folder,
verifying the manifest's checksums and every table's row count (core.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "从备份文件恢复到一个空数据库（校验文件校验和与每张表的行数）"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"备份文件不存在：{path}")
        try:
            manifest = restore_backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(manifest["tables"].values())
        self.stdout.write(self.style.SUCCESS(
            f"已恢复 {manifest['created_at']} 的备份：{len(manifest['tables'])} 张表 {rows} 行，行数与清单一致；"
            f"{len(manifest['files']) - 1} 个文件校验和一致"
        ))  # fmt: skip
