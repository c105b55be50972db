"""Default activity kinds, five-link headings and organisational-life rules. All are data: edit them in the
admin; nothing in the code depends on these rows except through their codes."""

from django.db import migrations

# (code, name, category, takes_roll)
KINDS = [
    ("branch_congress", "支部党员大会", "meetings", True),
    ("branch_committee", "支委会", "meetings", False),
    ("group_meeting", "党小组会", "meetings", True),
    ("party_lecture", "党课", "meetings", True),
    ("party_day", "主题党日", "party_day", True),
    ("life_meeting", "组织生活会", "org_life", True),
    ("member_appraisal", "民主评议党员", "org_life", True),
    ("heart_to_heart", "谈心谈话", "org_life", False),
    ("joint_meeting", "联学共建见面会", "joint", False),
    ("symposium", "座谈会", "joint", False),
    ("joint_study", "联学共建活动", "joint", False),
    ("signing", "签约授牌仪式", "ceremony", False),
    ("commendation", "表彰大会", "ceremony", False),
    ("anniversary", "纪念大会", "ceremony", False),
    ("volunteer", "志愿服务", "service", False),
    ("health_visit", "送健康", "service", False),
    ("free_clinic", "义诊", "service", False),
    ("reading", "读书会", "study", False),
    ("exhibition", "展览", "study", False),
    ("training", "培训", "study", False),
    ("other", "其他活动", "other", False),
]
LINKS = ["政治理论联学", "优势资源联享", "实践活动联办", "党员队伍联建", "中心工作联促"]
# (kind code, period, times, warn days, applies to, source)
RULES = [
    ("branch_congress", "quarter", 1, 20, "all", "支部条例第十一条：一般每季度召开1次"),
    ("branch_committee", "month", 1, 10, "with_committee", "支部条例第十二条：一般每月召开1次"),
    ("group_meeting", "month", 1, 10, "with_groups", "支部条例第十三条：一般每月召开1次"),
    ("party_day", "month", 1, 10, "all", "支部条例第十六条：每月相对固定1天"),
    ("party_lecture", "quarter", 1, 20, "all", "常见做法每季度1次（条例未规定次数，可调整）"),
    ("life_meeting", "year", 1, 60, "all", "支部条例第十七条：每年至少1次"),
    ("member_appraisal", "year", 1, 60, "all", "支部条例第十九条：一般每年1次"),
]


def load(apps, schema_editor):
    ActivityKind = apps.get_model("activities", "ActivityKind")
    LinkHeading = apps.get_model("activities", "LinkHeading")
    ComplianceRule = apps.get_model("activities", "ComplianceRule")
    kinds = {}
    for order, (code, name, category, roll) in enumerate(KINDS):
        kinds[code] = ActivityKind.objects.create(
            code=code, name=name, category=category, takes_roll=roll, sort_order=order * 10
        )
    for order, name in enumerate(LINKS):
        LinkHeading.objects.create(name=name, sort_order=order * 10)
    for order, (code, period, times, warn, applies, source) in enumerate(RULES):
        ComplianceRule.objects.create(
            kind=kinds[code],
            period=period,
            times=times,
            warn_days=warn,
            applies_to=applies,
            source=source,
            sort_order=order * 10,
        )


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
