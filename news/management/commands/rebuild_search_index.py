"""Rebuild the search index of articles and activities (after a bulk load that bypassed the model saves)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from activities.models import Activity
from news.models import Article, DocumentKind, SearchDocument
from news.search import document_row, store_in_date_order

BATCH = 2000


class Command(BaseCommand):
    help = "重建文章和活动的全文检索索引"

    def add_arguments(self, parser):
        parser.add_argument("--if-missing", action="store_true", help="索引已有内容时跳过")

    def handle(self, *args, **options):
        if options["if_missing"] and SearchDocument.objects.exists():
            self.stdout.write("检索索引已存在，跳过")
            return
        with transaction.atomic():
            SearchDocument.objects.all().delete()
            articles = self._index(
                Article.objects.values_list("id", "org_path", "status", "published_at", "title", "body_text"),
                lambda r: (DocumentKind.ARTICLE, r[0], r[1], r[2] == "published", r[3], r[4], r[5]),
            )
            activities = self._index(
                Activity.objects.values_list("id", "org_path", "starts_at", "title", "place", "summary"),
                lambda r: (DocumentKind.ACTIVITY, r[0], r[1], False, r[2], r[3], f"{r[4]}\n{r[5]}".strip()),
            )
        store_in_date_order()
        self.stdout.write(self.style.SUCCESS(f"已索引 {articles} 篇文章、{activities} 次活动"))

    def _index(self, rows, shape) -> int:
        batch, total = [], 0
        for row in rows.order_by("id").iterator(BATCH):
            kind, pk, path, public, when, title, text = shape(row)
            batch.append(
                SearchDocument(
                    **document_row(kind, pk, org_path=path, is_public=public, when=when, title=title, text=text)
                )
            )
            if len(batch) >= BATCH:
                SearchDocument.objects.bulk_create(batch)
                total += len(batch)
                batch = []
        SearchDocument.objects.bulk_create(batch)
        return total + len(batch)
