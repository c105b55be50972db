"""Recompute the dashboards of every committee and sector committee for this year (cron, e.g. hourly)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from dashboards import figures
from orgs.models import COMMITTEE_KINDS, PartyOrg


class Command(BaseCommand):
    help = "重新计算各党委、行业党委本年度的数据看板"

    def handle(self, *args, **options):
        year = timezone.localdate().year
        count = 0
        for org in PartyOrg.objects.filter(kind__in=COMMITTEE_KINDS, is_active=True).order_by("path").iterator(500):
            figures.snapshot(org, year, force=True)
            count += 1
        self.stdout.write(self.style.SUCCESS(f"已重新计算 {count} 个看板"))
