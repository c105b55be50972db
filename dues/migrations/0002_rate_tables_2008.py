"""The national rate tables of 2008 (中组发〔2008〕3号, RULES.md R19 and R20), as data a sector admin can supersede
with a later dated table."""

import datetime
from decimal import Decimal

from django.db import migrations

SOURCE = "中组发〔2008〕3号《关于中国共产党党费收缴、使用和管理的规定》"
TABLES = {
    "employed": [("3000", "0.50"), ("5000", "1.00"), ("10000", "1.50"), (None, "2.00")],
    "retired": [("5000", "0.50"), (None, "1.00")],
}


def load(apps, schema_editor):
    RateTable = apps.get_model("dues", "RateTable")
    RateTier = apps.get_model("dues", "RateTier")
    for kind, tiers in TABLES.items():
        table, created = RateTable.objects.get_or_create(
            kind=kind, starts_on=datetime.date(2008, 4, 1), defaults={"source": SOURCE}
        )
        if created:
            for up_to, rate in tiers:
                RateTier.objects.create(table=table, up_to=Decimal(up_to) if up_to else None, rate=Decimal(rate))


class Migration(migrations.Migration):
    dependencies = [("dues", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
