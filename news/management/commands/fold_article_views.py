"""Add the counted views of past days to each article's total (run hourly or nightly; see README)."""

from django.core.management.base import BaseCommand

from news import services


class Command(BaseCommand):
    help = "把已记录的文章浏览合计到浏览次数（每个访客每天每篇只计一次）"

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="连同今天的记录一起合计（默认只合计今天以前的）")

    def handle(self, *args, **options):
        from django.utils import timezone

        folded = services.fold_views(None if options["all"] else timezone.localdate())
        self.stdout.write(self.style.SUCCESS(f"已合计 {folded} 次浏览"))
