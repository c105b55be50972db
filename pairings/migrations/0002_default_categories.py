"""Default pairing categories (CONFIG data, editable in the admin)."""

from django.db import migrations

CATEGORIES = ["公立+民营", "院地共建", "院校共建", "院企共建", "院社共建", "红旗联盟", "医联体共建", "其他"]


def load(apps, schema_editor):
    PairingCategory = apps.get_model("pairings", "PairingCategory")
    for order, name in enumerate(CATEGORIES):
        PairingCategory.objects.create(name=name, sort_order=order * 10)


class Migration(migrations.Migration):
    dependencies = [("pairings", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
