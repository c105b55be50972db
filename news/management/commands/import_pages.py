"""Read every saved page under a directory into review rows (nothing else is created until confirmed)."""

import csv
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from news import importer
from news.models import PageImport, PageImportStatus
from orgs.models import PartyOrg

SUFFIXES = importer.PAGE_SUFFIXES | {".zip"}


class Command(BaseCommand):
    help = "批量读取目录中保存的新闻网页（.html/.htm/.txt/.zip），生成待核对的导入记录并写出报告。"

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--org", required=True, help="导入到的党组织（ID 或全称）")
        parser.add_argument("--report", default="import_pages_report.csv", help="报告文件（CSV，UTF-8 带 BOM）")

    def handle(self, *args, **options):
        root = Path(options["directory"])
        if not root.is_dir():
            raise CommandError(f"目录不存在：{root}")
        org = self._org(options["org"])
        files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        if not files:
            raise CommandError(f"{root} 中没有 .html、.htm、.txt 或 .zip 文件")
        batches = []
        for path in files:
            try:
                batches.append(importer.stage(None, org, str(path.relative_to(root)), path.read_bytes()))
            except ValidationError as error:
                self.stderr.write(f"{path}：{' '.join(error.messages)}")
        rows = PageImport.objects.filter(batch__in=batches).order_by("id")
        self._write_report(Path(options["report"]), rows)
        ok = sum(1 for r in rows if r.status == PageImportStatus.PENDING)
        self.stdout.write(
            self.style.SUCCESS(
                f"读取 {len(rows)} 页：{ok} 页待核对，{len(rows) - ok} 页无法读取；报告：{options['report']}"
            )
        )
        for batch in batches:
            self.stdout.write(f"  核对：{reverse('news:import-batch', args=[batch])}")

    def _org(self, value: str) -> PartyOrg:
        org = PartyOrg.objects.filter(pk=int(value)).first() if value.isdigit() else None
        org = org or PartyOrg.objects.filter(name=value).first()
        if org is None:
            raise CommandError(f"找不到党组织：{value}")
        return org

    def _write_report(self, path: Path, rows) -> None:
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["文件", "状态", "标题", "发布时间", "活动日期", "类型", "单位", "人员", "原因"])
            for row in rows:
                data = row.extracted
                writer.writerow([
                    row.file_name, row.get_status_display(), data.get("title", ""), data.get("published_at") or "",
                    "、".join(data.get("event_dates", [])), data.get("event_type") or "",
                    "、".join(data.get("institutions", [])), "、".join(p["name"] for p in data.get("people", [])),
                    row.error,
                ])  # fmt: skip
