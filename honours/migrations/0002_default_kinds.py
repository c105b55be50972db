"""Default honour kinds (data: a sector edits, adds or retires kinds in the admin)."""

from django.db import migrations

# code, name, recipient, once only, 50 years, members only
KINDS = [
    ("advanced_branch", "先进党支部", "org", False, False, False),
    ("excellent_member", "优秀党员", "person", False, False, True),
    ("excellent_worker", "优秀党务工作者", "person", False, False, True),
    ("golden_50", "光荣在党50年纪念章", "person", True, True, True),
    ("vanguard_post", "党员先锋岗", "post", False, False, False),
    ("model_post", "党员示范岗", "post", False, False, False),
    ("demonstration_site", "党建工作示范点", "org", False, False, False),
]


def load(apps, schema_editor):
    HonourKind = apps.get_model("honours", "HonourKind")
    for order, (code, name, recipient, once, golden, members) in enumerate(KINDS):
        HonourKind.objects.update_or_create(code=code, defaults={
            "name": name, "recipient_type": recipient, "once_only": once, "requires_golden_years": golden,
            "members_only": members, "sort_order": (order + 1) * 10,
        })  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("honours", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
